"""Editing a document's metadata: the same text indexed again under the corrected fields."""

from __future__ import annotations

from collections.abc import Mapping

from retrieval.dedup import paragraphs
from retrieval.errors import LoadError
from retrieval.ingestion import Prepared, content_hash
from retrieval.knowledge_base import KnowledgeBase
from retrieval.loaders import LoadedDocument
from retrieval.metadata import build_meta
from retrieval.types import Document, IngestReport

EDITABLE = ("title", "publisher", "published", "url", "language", "translation_of")


def edit_metadata(
    knowledge_base: KnowledgeBase, doc_id: str, changes: Mapping[str, str]
) -> IngestReport:
    """Re-index ``doc_id`` with the given fields (an empty one is inferred again).

    Only this document is re-chunked and re-embedded; it keeps its source, so that the
    next ingestion of that source still recognises it as the same document.
    """
    stored = knowledge_base.document(doc_id)
    text = knowledge_base.document_text(doc_id)
    if stored is None or text is None:
        return IngestReport(failed=[(doc_id, f"No document has the id {doc_id!r}.")])
    declared = {key: value.strip() for key, value in changes.items() if key in EDITABLE}
    declared = {key: value for key, value in declared.items() if value}
    loaded = LoadedDocument(
        doc_id=doc_id, source=stored.meta.source, text=text, declared=declared, is_html=False
    )
    try:
        meta = build_meta(loaded, text, text)
    except LoadError as exc:
        return IngestReport(failed=[(doc_id, exc.args[0])])
    document = Document(meta, text, content_hash(text, declared))
    prepared = Prepared(document, paragraphs(text), knowledge_base.origin(doc_id))
    return knowledge_base.ingest_prepared(prepared, replace=True)
