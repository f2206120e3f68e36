"""Writing documents into the index: attribution, chunking, embedding, atomic commits."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import numpy as np

from retrieval.chroma_store import ChromaStore
from retrieval.chunking import chunk_document
from retrieval.dedup import foreign_fingerprints, paragraphs, without_paragraphs
from retrieval.embedding import Embedder
from retrieval.ingestion import Prepared, with_text
from retrieval.keyword_index import KeywordIndex
from retrieval.registry import Registry
from retrieval.types import Chunk, Document, IngestReport

if TYPE_CHECKING:
    from retrieval.knowledge_base import KnowledgeBaseConfig

log = logging.getLogger(__name__)


class Indexer:
    """Writes documents to the vector store, the keyword index and the registry.

    The registry row is the commit point: chunks are written first, the row next, and
    the previous version's chunks are dropped last, so a crash at any step leaves either
    the old version or the new one (leftovers are swept when the knowledge base opens).
    """

    def __init__(
        self,
        *,
        config: KnowledgeBaseConfig,
        embedder: Embedder,
        store: ChromaStore,
        registry: Registry,
        keyword: KeywordIndex,
    ) -> None:
        self._config = config
        self._embedder = embedder
        self._store = store
        self._registry = registry
        self._keyword = keyword
        self._lock = threading.RLock()

    def write_batch(self, batch: list[Prepared], report: IngestReport) -> None:
        """Index a batch of documents, one embedding call for all their chunks."""
        if not batch:
            return
        with self._lock:
            in_batch = {
                p.document.meta.doc_id: (len(p.paragraphs), {q.fingerprint for q in p.paragraphs})
                for p in batch
            }
            planned: list[tuple[Prepared, Document, list[Chunk]]] = []
            for item in batch:
                doc_id = item.document.meta.doc_id
                prints = {p.fingerprint for p in item.paragraphs}
                others = self._registry.sharing(prints, exclude=doc_id)
                others.update({d: v for d, v in in_batch.items() if d != doc_id and v[1] & prints})
                foreign = foreign_fingerprints(doc_id=doc_id, own=item.paragraphs, others=others)
                text = without_paragraphs(item.document.text, item.paragraphs, foreign)
                document = with_text(item.document, text)
                chunks = chunk_document(
                    document,
                    max_tokens=self._config.chunk_tokens,
                    overlap=self._config.chunk_overlap,
                )
                planned.append((item, document, chunks))
            texts = [c.text for _, _, chunks in planned for c in chunks]
            vectors = self._embedder.embed_passages(texts) if texts else np.zeros((0, 0))
            offset = 0
            affected: set[str] = set()
            for item, document, chunks in planned:
                own_vectors = vectors[offset : offset + len(chunks)]
                offset += len(chunks)
                self._commit_document(item, document, chunks, own_vectors, report)
                prints = {p.fingerprint for p in item.paragraphs}
                affected |= set(self._registry.sharing(prints, exclude=item.document.meta.doc_id))
            self._reattribute(affected - set(in_batch), report)
            self._keyword.commit()

    def _commit_document(
        self,
        item: Prepared,
        indexed: Document,
        chunks: list[Chunk],
        vectors: np.ndarray,
        report: IngestReport,
    ) -> None:
        """Write one document: new chunks first, then the registry row, then drop old chunks."""
        doc_id = item.document.meta.doc_id
        old = self._registry.chunk_ids(doc_id)
        existed = self._registry.content_hash(doc_id) is not None
        new_ids = [c.chunk_id for c in chunks]
        try:
            self._store.upsert(chunks, vectors)
            self._registry.put(
                indexed,
                full_text=item.document.text,
                chunk_ids=new_ids,
                fingerprints=[p.fingerprint for p in item.paragraphs],
            )
        except Exception:
            log.exception("could not index %s", doc_id)
            self._store.delete([i for i in new_ids if i not in old])
            report.failed.append((item.document.meta.source, f"{doc_id}: could not be indexed"))
            return
        self._store.delete([i for i in old if i not in set(new_ids)])
        self._keyword.remove(old)
        self._keyword.add((c.chunk_id, c.text) for c in chunks)
        report.chunks += len(chunks)
        (report.updated if existed else report.added).append(doc_id)

    def _reattribute(self, doc_ids: set[str], report: IngestReport) -> None:
        """Re-cut documents that lost paragraphs to a newly ingested original."""
        for doc_id in sorted(doc_ids):
            document = self._registry.full_document(doc_id)
            if document is None:
                continue
            own = paragraphs(document.text)
            others = self._registry.sharing({p.fingerprint for p in own}, exclude=doc_id)
            foreign = foreign_fingerprints(doc_id=doc_id, own=own, others=others)
            text = without_paragraphs(document.text, own, foreign)
            if text == self._registry.text(doc_id):
                continue
            indexed = with_text(document, text)
            chunks = chunk_document(
                indexed, max_tokens=self._config.chunk_tokens, overlap=self._config.chunk_overlap
            )
            vectors = self._embedder.embed_passages([c.text for c in chunks])
            self._commit_document(Prepared(document, own), indexed, chunks, vectors, report)
