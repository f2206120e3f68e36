"""The documents table of the console: rows from the registry, searched and sorted."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.editions import Editions
from retrieval.types import StoredDocument

SORTS = ("ingested", "title", "published", "language", "chunks", "publisher")


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents table."""

    doc_id: str
    title: str
    publisher: str
    published: str
    language: str
    chunks: int
    ingested_at: str
    editions: list[str]  # the other documents of its family of editions
    edition_of: str | None


def document_rows(
    stored: list[StoredDocument],
    editions: Editions,
    *,
    query: str = "",
    sort: str = "ingested",
    descending: bool = True,
) -> list[DocumentRow]:
    """Return the rows whose id, title, publisher or language contain ``query``, sorted."""
    needle = query.strip().casefold()
    rows = [_row(document, editions) for document in stored]
    if needle:
        rows = [row for row in rows if needle in _haystack(row)]
    key = sort if sort in SORTS else "ingested"
    field = "ingested_at" if key == "ingested" else key
    rows.sort(key=lambda row: _sort_key(getattr(row, field)), reverse=descending)
    return rows


def _row(document: StoredDocument, editions: Editions) -> DocumentRow:
    meta = document.meta
    return DocumentRow(
        doc_id=meta.doc_id,
        title=meta.title,
        publisher=meta.publisher or "",
        published=meta.published.isoformat() if meta.published else "",
        language=meta.language,
        chunks=document.chunks,
        ingested_at=document.ingested_at,
        editions=[d for d in editions.family(meta.doc_id) if d != meta.doc_id],
        edition_of=document.edition_of,
    )


def _haystack(row: DocumentRow) -> str:
    return " ".join((row.doc_id, row.title, row.publisher, row.language)).casefold()


def _sort_key(value: object) -> tuple[int, object]:
    # Empty values (no date, no publisher) sort together, first when ascending.
    if isinstance(value, str):
        return (0 if value else -1, value.casefold())
    return (0, value)
