"""Writing documents into the index: attribution, chunking, embedding, atomic commits."""

from __future__ import annotations

import logging
import threading

import numpy as np

from retrieval.chroma_store import ChromaStore
from retrieval.chunking import chunk_document
from retrieval.config import KnowledgeBaseConfig
from retrieval.dedup import foreign_fingerprints, paragraphs, without_paragraphs
from retrieval.embedding import Embedder
from retrieval.errors import StoreError
from retrieval.ingestion import Prepared, with_text
from retrieval.registry import Registry
from retrieval.types import Chunk, Document, IngestReport

log = logging.getLogger(__name__)


class Indexer:
    """Writes documents to the vector store and the registry.

    The registry row is the commit point: chunks are written first, marked with the
    ingestion's lease, the row next (tombstoning the previous version's chunks), and
    those chunks are dropped last. A crash at any step leaves the old version or the
    new one, plus leftovers that only the next holder of the store lock sweeps.
    """

    def __init__(
        self,
        *,
        config: KnowledgeBaseConfig,
        embedder: Embedder,
        store: ChromaStore,
        registry: Registry,
    ) -> None:
        self._config = config
        self._embedder = embedder
        self._store = store
        self._registry = registry
        self._lock = threading.RLock()

    def write_batch(self, batch: list[Prepared], report: IngestReport, *, lease: str) -> None:
        """Index a batch of documents, one embedding call for all their chunks.

        Raises:
            StoreError: The store or the registry failed; the batch stops there.
        """
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
            every_chunk = [c for _, _, chunks in planned for c in chunks]
            texts = [c.text for c in every_chunk]
            empty = np.zeros((0, 0), np.float32)
            vectors = self._embedder.embed_passages(texts) if texts else empty
            marks = [
                {"ingestion": lease, "content_hash": document.content_hash}
                for _, document, chunks in planned
                for _ in chunks
            ]
            # The whole batch's chunks in one call; each registry row then commits its document.
            self._store.upsert(every_chunk, vectors, marks)
            affected: set[str] = set()
            for item, document, chunks in planned:
                self._register(item, document, chunks, report)
                prints = {p.fingerprint for p in item.paragraphs}
                affected |= set(self._registry.sharing(prints, exclude=item.document.meta.doc_id))
            self._reattribute(affected - set(in_batch), report, lease)

    def _register(
        self, item: Prepared, indexed: Document, chunks: list[Chunk], report: IngestReport
    ) -> None:
        """Commit one document whose chunks are stored: the registry row, then drop old chunks."""
        doc_id = item.document.meta.doc_id
        old = self._registry.chunk_ids(doc_id)
        existed = self._registry.content_hash(doc_id) is not None
        new_ids = [c.chunk_id for c in chunks]
        superseded = [i for i in old if i not in set(new_ids)]
        self._registry.put(
            indexed,
            full_text=item.document.text,
            chunk_ids=new_ids,
            fingerprints=[p.fingerprint for p in item.paragraphs],
            origin=item.origin,
            text_hash=item.text_hash,
            superseded=superseded,
        )
        try:
            self._store.delete(superseded)
            self._registry.clear_tombstones(superseded)
        except StoreError:
            log.warning("old chunks of %s stay tombstoned until the next write", doc_id)
        report.chunks += len(chunks)
        (report.updated if existed else report.added).append(doc_id)

    def _reattribute(self, doc_ids: set[str], report: IngestReport, lease: str) -> None:
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
            marks = {"ingestion": lease, "content_hash": indexed.content_hash}
            self._store.upsert(chunks, vectors, marks)
            self._register(
                Prepared(document, own, self._registry.origin(doc_id)), indexed, chunks, report
            )
