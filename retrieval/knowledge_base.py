"""The knowledge base: ingestion, deletion and search over Chroma plus a keyword index.

Embedded Chroma is owned by one process at a time: opening the knowledge base takes the
store lock for the life of the process. With a Chroma server, writers take the lock for
each write. Every write runs under a lease, and only dead leases' chunks are ever swept.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Sequence

import numpy as np
from chromadb.api import ClientAPI

from retrieval.advisory_lock import AdvisoryLock
from retrieval.chroma_store import ChromaStore, connect, describe_location
from retrieval.config import KnowledgeBaseConfig
from retrieval.consistency import Consistency, check, sweep_dead_leases
from retrieval.document_texts import DocumentTexts
from retrieval.edition_linker import EditionLinker
from retrieval.edition_store import EditionStore
from retrieval.editions import Editions
from retrieval.embedding import Embedder, Vectors
from retrieval.errors import InconsistentStore, StoreBusy, StoreError
from retrieval.glossary_store import GlossaryStore
from retrieval.indexer import Indexer
from retrieval.ingestion import Prepared
from retrieval.keyword_mirror import KeywordMirror
from retrieval.keyword_tokens import content_query
from retrieval.language import detect_language
from retrieval.loaders import Source, discover
from retrieval.locking import StoreLock, WriteLock
from retrieval.registry import Registry
from retrieval.repair import RepairReport
from retrieval.search import Candidates, SearchMode, fuse
from retrieval.types import (
    NO_FILTERS,
    Chunk,
    IngestReport,
    SearchFilters,
    SearchHit,
    StoredDocument,
)
from retrieval.writer import Writer

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
# Below this, the data dir's disk counts as full: SQLite and Chroma cannot commit safely.
MIN_FREE_BYTES = 50_000_000
Waiting = Callable[[str], None]


class KnowledgeBase:
    """Documents indexed for dense and keyword search, kept in step with each other."""

    def __init__(
        self,
        *,
        config: KnowledgeBaseConfig,
        embedder: Embedder,
        store: ChromaStore,
        registry: Registry,
        lock: WriteLock,
        on_wait: Waiting | None = None,
        repairing: bool = False,
    ) -> None:
        self.config = config
        self.embedder = embedder
        self._store = store
        self._registry = registry
        self._texts = DocumentTexts(registry)
        self._lock = lock
        self._on_wait = on_wait
        self._keyword = KeywordMirror(
            registry, store, config.data_dir / "keyword" / f"{config.collection}.npz"
        )
        self._mutex = threading.RLock()
        self.glossaries = GlossaryStore(registry.database)
        self.edition_links = EditionStore(registry.database)
        self._writer = Writer(
            config=config,
            indexer=Indexer(config=config, embedder=embedder, store=store, registry=registry),
            store=store,
            registry=registry,
            lock=lock,
            keyword=self._keyword,
            on_wait=on_wait,
            mutex=self._mutex,
            glossaries=self.glossaries,
            editions=self.edition_links,
            linker=EditionLinker(
                registry=registry, store=store, embedder=embedder, editions=self.edition_links
            ),
        )
        self.embedded = config.chroma_url is None
        if self.embedded:
            lock.acquire(on_wait=on_wait)
        try:
            self._sweep_if_idle()
            if not repairing:
                self._refuse_lost_registry()
            self._keyword.load()
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open(
        cls,
        config: KnowledgeBaseConfig,
        embedder: Embedder,
        *,
        role: str = "cli",
        on_wait: Waiting | None = None,
        repairing: bool = False,
    ) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base described by ``config``.

        ``on_wait`` is told when another process holds the store and we wait for it
        (without it, a held store raises ``StoreBusy``); ``repairing`` opens a registry
        that lost its documents, for ``repair`` to rebuild it.
        """
        location = describe_location(data_dir=config.data_dir, chroma_url=config.chroma_url)
        config.data_dir.mkdir(parents=True, exist_ok=True)

        def client() -> ClientAPI:
            return connect(data_dir=config.data_dir, chroma_url=config.chroma_url)

        lock: WriteLock = StoreLock(config.data_dir / "vnpos.lock", role=role)
        if config.chroma_url is None:
            # Take the lock before touching embedded Chroma: its owner may be writing.
            lock.acquire(on_wait=on_wait)
        try:
            registry = Registry(config.data_dir / "vnpos.sqlite3", database_url=config.database_url)
            if config.chroma_url is not None and registry.database.postgres:
                # Replicas on several hosts share no data dir: they take turns in Postgres.
                lock = AdvisoryLock(registry.database, name=config.collection, role=role)
            try:
                return cls(
                    config=config,
                    embedder=embedder,
                    store=ChromaStore(
                        client(), config.collection, location=location, reconnect=client
                    ),
                    registry=registry,
                    lock=lock,
                    on_wait=on_wait,
                    repairing=repairing,
                )
            except BaseException:
                registry.close()
                raise
        finally:
            lock.release()

    def close(self) -> None:
        """Release the store lock and the registry's database connection."""
        self._registry.close()
        if self.embedded:
            self._lock.release()

    # ---- reading -------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        """Return every indexed document, newest first."""
        return self._registry.documents()

    def generation(self) -> int:
        """Return a counter that changes whenever any document is written or deleted."""
        return self._registry.generation()

    def document(self, doc_id: str) -> StoredDocument | None:
        """Return one indexed document, or None."""
        return self._registry.get(doc_id)

    def origin(self, doc_id: str) -> str | None:
        """Return what a document was read from (path, URL or ``text:<id>``), or None."""
        return self._registry.origin(doc_id)

    def editions(self) -> Editions:
        """Return the official-edition links between documents."""
        return self.edition_links.editions()

    def document_text(self, doc_id: str) -> str | None:
        """Return the indexed text of a document: chunk offsets and quotes point into it."""
        return self._texts.get(doc_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """Return a document's chunks as the vector store holds them, in reading order."""
        found = [chunk for chunk, _ in self._store.fetch(self._registry.chunk_ids(doc_id))]
        return sorted(found, key=lambda chunk: chunk.index)

    def chunk_count(self) -> int:
        """Return the number of chunks in the vector store."""
        return self._store.count()

    def health(self) -> dict[str, str]:
        """Return each dependency's state: "ok", or what is wrong with it."""
        states = {}
        registry = self._registry.database
        for name, probe, failed in (
            ("chroma", self._store.count, "down"),
            (
                registry.dependency,
                self._registry.count,
                "down" if registry.postgres else "unreadable",
            ),
        ):
            try:
                probe()
                states[name] = "ok"
            except StoreError as exc:
                states[name] = failed
                log.warning("health: %s", exc)
        free = shutil.disk_usage(self.config.data_dir).free
        states["disk"] = "ok" if free >= MIN_FREE_BYTES else f"full ({free // 1_000_000} MB free)"
        return states

    def check(self) -> Consistency:
        """Compare the registry with the collection (changes nothing)."""
        with self._mutex:
            live = not self.embedded and not self._lock.is_free()
            return check(self._registry, self._store, leases_live=live)

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
            family=self.editions().root,
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
        self._keyword.refresh()
        self._texts.refresh()
        found = Candidates(query_language=language or detect_language(query))
        vector = (
            query_vector if query_vector is not None else self.embedder.embed_queries([query])[0]
        )
        n = max(self.config.candidates, 4 * k)
        for chunk, cosine in self._dense(vector, n=n, filters=filters):
            if not self._keyword.holds(chunk.chunk_id):
                continue
            found.chunks[chunk.chunk_id] = chunk
            found.dense[chunk.chunk_id] = cosine
        found.dense_ids = set(found.dense)
        allowed = self._store.ids_matching(filters) if filters != NO_FILTERS else None
        vietnamese = found.query_language == "vi"
        keyword_query = content_query(query, found.query_language)
        found.keyword = dict(
            self._keyword.search(keyword_query, k=n, allowed=allowed, vietnamese=vietnamese)
        )
        found.keyword_weight = self._keyword.query_weight(keyword_query)
        missing = [chunk_id for chunk_id in found.keyword if chunk_id not in found.dense]
        for chunk, chunk_vector in self._store.fetch(missing):
            found.chunks[chunk.chunk_id] = chunk
            found.dense[chunk.chunk_id] = float(np.dot(chunk_vector, vector))
        # A keyword hit the store no longer holds (deleted meanwhile) is left out.
        found.keyword = {i: s for i, s in found.keyword.items() if i in found.chunks}
        return found

    def _dense(
        self, vector: Vectors, *, n: int, filters: SearchFilters
    ) -> list[tuple[Chunk, float]]:
        """Query the store; after a stale-handle failure reopen it, else answer from keywords."""
        try:
            return self._store.query(vector, n=n, filters=filters)
        except StoreError:
            log.warning("dense search failed; reopening the collection", exc_info=True)
        self._store.reopen()
        try:
            return self._store.query(vector, n=n, filters=filters)
        except StoreError:
            self._store.count()  # raises when the store is down rather than inconsistent
            log.exception("dense search still fails; answering from the keyword index alone")
            return []

    # ---- writing -------------------------------------------------------------------

    def ingest(
        self, locations: Sequence[str], progress: Progress | None = None, *, replace: bool = False
    ) -> IngestReport:
        """Ingest files, directories and URLs; document failures are reported, not raised."""
        sources = discover(locations, corpus_root=self.config.corpus_dir)
        return self.ingest_sources(sources, progress, replace=replace)

    def ingest_sources(
        self, sources: Sequence[Source], progress: Progress | None = None, *, replace: bool = False
    ) -> IngestReport:
        """Ingest already discovered sources (see ``Writer.ingest_sources``)."""
        try:
            return self._writer.ingest_sources(sources, progress, replace=replace)
        finally:
            self._texts.clear()

    def ingest_prepared(self, prepared: Prepared, *, replace: bool = False) -> IngestReport:
        """Ingest one document prepared by the caller (raw text from the admin API)."""
        try:
            return self._writer.ingest_prepared(prepared, replace=replace)
        finally:
            self._texts.clear()

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index; return False if it was not there."""
        try:
            return self._writer.delete(doc_id)
        finally:
            self._texts.clear()

    def repair(self) -> RepairReport:
        """Make the registry and the collection agree (adopt, drop, re-embed)."""
        try:
            return self._writer.repair()
        finally:
            self._texts.clear()

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Repair, then re-chunk and re-embed every registered document from its text."""
        try:
            return self._writer.reindex(progress)
        finally:
            self._texts.clear()

    # ---- consistency ---------------------------------------------------------------

    def _sweep_if_idle(self) -> None:
        """Sweep dead leases when no other process is writing."""
        try:
            with self._lock.hold():
                sweep_dead_leases(self._registry, self._store)
        except StoreBusy:
            log.debug("another process is writing; its leases are left alone")

    def _refuse_lost_registry(self) -> None:
        """Refuse to run on a registry that lists nothing beside a non-empty collection."""
        if self._registry.count() or self._registry.leases():
            return
        stored = self._store.count()
        if stored:
            raise InconsistentStore(
                f"{self._registry.label} lists no documents, but "
                f"{self._store.location} holds {stored} chunks in the collection "
                f"{self.config.collection!r}; nothing was deleted. Point VNPOS_DATA_DIR at "
                "the data dir that indexed them, or run `vnpos docs repair` to rebuild the "
                "registry from the collection."
            )
