"""The knowledge base: ingestion, deletion and search over Chroma plus a keyword index."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.chroma_store import ChromaStore, connect
from retrieval.dedup import paragraphs
from retrieval.embedding import Embedder, Vectors
from retrieval.errors import VnposError
from retrieval.indexer import Indexer
from retrieval.ingestion import Prepared, prepare
from retrieval.keyword_index import KeywordIndex
from retrieval.language import detect_language
from retrieval.loaders import Source, discover
from retrieval.registry import Registry
from retrieval.search import Candidates, FusionWeights, SearchMode, fuse
from retrieval.types import (
    NO_FILTERS,
    IngestReport,
    SearchFilters,
    SearchHit,
    StoredDocument,
)

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class KnowledgeBaseConfig:
    """Where the knowledge base lives and how it cuts and searches documents."""

    data_dir: Path
    chroma_url: str | None = None
    collection: str = "vnpos"
    corpus_dir: Path | None = None
    max_file_bytes: int = 50_000_000
    url_timeout: float = 20.0
    chunk_tokens: int = 220
    chunk_overlap: int = 40
    per_document: int = 3
    candidates: int = 40
    batch_chunks: int = 128
    fusion: FusionWeights = field(default_factory=FusionWeights)


class KnowledgeBase:
    """Documents indexed for dense and keyword search, kept in step with each other."""

    def __init__(
        self,
        *,
        config: KnowledgeBaseConfig,
        embedder: Embedder,
        store: ChromaStore,
        registry: Registry,
    ) -> None:
        self.config = config
        self.embedder = embedder
        self._store = store
        self._registry = registry
        self._keyword = KeywordIndex()
        self._generation = -1
        self._write_lock = threading.RLock()
        self._indexer = Indexer(
            config=config, embedder=embedder, store=store, registry=registry, keyword=self._keyword
        )
        self._reconcile()

    @classmethod
    def open(cls, config: KnowledgeBaseConfig, embedder: Embedder) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base described by ``config``."""
        client = connect(data_dir=config.data_dir, chroma_url=config.chroma_url)
        return cls(
            config=config,
            embedder=embedder,
            store=ChromaStore(client, config.collection),
            registry=Registry(config.data_dir / "vnpos.sqlite3"),
        )

    def close(self) -> None:
        """Release the registry's database connection."""
        self._registry.close()

    # ---- reading -------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        """Return every indexed document, newest first."""
        return self._registry.documents()

    def document(self, doc_id: str) -> StoredDocument | None:
        """Return one indexed document, or None."""
        return self._registry.get(doc_id)

    def document_text(self, doc_id: str) -> str | None:
        """Return the indexed text of a document: chunk offsets and quotes point into it."""
        return self._registry.text(doc_id)

    def chunk_count(self) -> int:
        """Return the number of chunks in the vector store."""
        return self._store.count()

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        filters: SearchFilters = NO_FILTERS,
        language: str | None = None,
        mode: SearchMode = "hybrid",
        query_vector: Vectors | None = None,
    ) -> list[SearchHit]:
        """Return the ``k`` chunks most relevant to ``query``, at most a few per document.

        ``language`` is the query's language when the caller knows it (else detected);
        ``mode`` "dense" or "keyword" ranks by one side only; ``query_vector`` is the
        query's embedding when the caller already has it.
        """
        found = self.candidates(
            query, k=k, filters=filters, language=language, query_vector=query_vector
        )
        return fuse(
            found,
            k=k,
            per_document=self.config.per_document,
            weights=self.config.fusion,
            mode=mode,
        )

    def candidates(
        self,
        query: str,
        *,
        k: int = 5,
        filters: SearchFilters = NO_FILTERS,
        language: str | None = None,
        query_vector: Vectors | None = None,
    ) -> Candidates:
        """Return what dense and keyword search find for ``query``, unranked."""
        self._refresh_if_changed()
        found = Candidates(query_language=language or detect_language(query))
        vector = (
            query_vector if query_vector is not None else self.embedder.embed_queries([query])[0]
        )
        n = max(self.config.candidates, 4 * k)
        for chunk, cosine in self._store.query(vector, n=n, filters=filters):
            found.chunks[chunk.chunk_id] = chunk
            found.dense[chunk.chunk_id] = cosine
        found.dense_ids = set(found.dense)
        allowed = self._store.ids_matching(filters) if filters != NO_FILTERS else None
        found.keyword = dict(
            self._keyword.search(
                query, k=n, allowed=allowed, vietnamese=found.query_language == "vi"
            )
        )
        missing = [chunk_id for chunk_id in found.keyword if chunk_id not in found.dense]
        for chunk, chunk_vector in self._store.fetch(missing):
            found.chunks[chunk.chunk_id] = chunk
            found.dense[chunk.chunk_id] = float(np.dot(chunk_vector, vector))
        return found

    # ---- writing -------------------------------------------------------------------

    def ingest(self, locations: Sequence[str], progress: Progress | None = None) -> IngestReport:
        """Ingest files, directories and URLs; failures are reported, never raised."""
        sources = discover(locations, corpus_root=self.config.corpus_dir)
        return self.ingest_sources(sources, progress)

    def ingest_sources(
        self, sources: Sequence[Source], progress: Progress | None = None
    ) -> IngestReport:
        """Ingest already discovered sources in embedding-sized batches."""
        report = IngestReport()
        started = time.perf_counter()
        batch: list[Prepared] = []
        batch_chunks = 0
        for source in sources:
            try:
                prepared = prepare(
                    source, max_bytes=self.config.max_file_bytes, timeout=self.config.url_timeout
                )
            except VnposError as exc:
                report.failed.append((source.location, str(exc)))
            else:
                if self._registry.content_hash(prepared.document.meta.doc_id) == (
                    prepared.document.content_hash
                ):
                    report.skipped.append(prepared.document.meta.doc_id)
                else:
                    batch.append(prepared)
                    batch_chunks += max(1, len(prepared.document.text) // 600)
            if progress:
                progress(1)
            if batch_chunks >= self.config.batch_chunks:
                self._write(batch, report)
                batch, batch_chunks = [], 0
        self._write(batch, report)
        report.seconds = time.perf_counter() - started
        return report

    def ingest_prepared(self, prepared: Prepared) -> IngestReport:
        """Ingest one document prepared by the caller (raw text from the admin API)."""
        report = IngestReport()
        started = time.perf_counter()
        if self._registry.content_hash(prepared.document.meta.doc_id) == (
            prepared.document.content_hash
        ):
            report.skipped.append(prepared.document.meta.doc_id)
        else:
            self._write([prepared], report)
        report.seconds = time.perf_counter() - started
        return report

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index; return False if it was not there."""
        with self._write_lock:
            old = self._registry.chunk_ids(doc_id)
            if not self._registry.delete(doc_id):
                return False
            self._store.delete(old)
            self._keyword.remove(old)
            self._keyword.commit()
            self._generation = self._registry.generation()
        return True

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-chunk and re-embed every registered document from its stored text."""
        report = IngestReport()
        started = time.perf_counter()
        prepared = []
        for stored in self._registry.documents():
            document = self._registry.full_document(stored.meta.doc_id)
            if document is not None:
                prepared.append(Prepared(document, paragraphs(document.text)))
        for i in range(0, len(prepared), 32):
            self._write(prepared[i : i + 32], report)
            if progress:
                progress(len(prepared[i : i + 32]))
        report.updated, report.added = report.updated + report.added, []
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, batch: list[Prepared], report: IngestReport) -> None:
        with self._write_lock:
            self._indexer.write_batch(batch, report)
            self._generation = self._registry.generation()

    # ---- consistency ---------------------------------------------------------------

    def _reconcile(self) -> None:
        """Drop chunks no registered document version owns, then build the keyword index."""
        registered = self._registry.all_chunk_ids()
        stored = list(self._store.iter_chunks())
        orphans = [c.chunk_id for c in stored if c.chunk_id not in registered]
        if orphans:
            log.warning("removing %d chunks left by an interrupted ingestion", len(orphans))
            self._store.delete(orphans)
        self._keyword.reset((c.chunk_id, c.text) for c in stored if c.chunk_id in registered)
        self._generation = self._registry.generation()

    def _refresh_if_changed(self) -> None:
        """Reload the keyword index when another process changed the documents."""
        if self._registry.generation() != self._generation:
            with self._write_lock:
                self._reconcile()
