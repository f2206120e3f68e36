"""Writing to the knowledge base: one writer at a time, every write under a lease.

A write takes the store lock (re-entrant; embedded Chroma's owner already holds it),
sweeps what dead writers left, records a lease, writes, and ends the lease. A write
that fails keeps its lease, so the next writer sweeps its leftovers. The keyword index
is refreshed from the registry's change log afterwards, like any other process's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retrieval.chroma_store import ChromaStore
from retrieval.config import KnowledgeBaseConfig
from retrieval.consistency import sweep_dead_leases
from retrieval.edition_linker import EditionLinker
from retrieval.edition_store import EditionStore
from retrieval.errors import StoreError
from retrieval.glossary import GlossaryError, is_glossary, read_glossary
from retrieval.glossary_store import GlossaryStore
from retrieval.indexer import Indexer
from retrieval.ingestion import Prepared
from retrieval.intake import Intake
from retrieval.keyword_mirror import KeywordMirror
from retrieval.loaders import Source
from retrieval.locking import WriteLock, this_process
from retrieval.prefetch import prepared_ahead
from retrieval.registry import Registry
from retrieval.repair import RepairReport, repair, rewrite
from retrieval.types import IngestReport

Progress = Callable[[int], None]
log = logging.getLogger(__name__)


class Writer:
    """Ingestion, deletion, repair and reindexing of one knowledge base."""

    def __init__(
        self,
        *,
        config: KnowledgeBaseConfig,
        indexer: Indexer,
        store: ChromaStore,
        registry: Registry,
        lock: WriteLock,
        keyword: KeywordMirror,
        on_wait: Callable[[str], None] | None,
        mutex: threading.RLock,
        glossaries: GlossaryStore,
        editions: EditionStore,
        linker: EditionLinker,
    ) -> None:
        self._glossaries = glossaries
        self._editions = editions
        self._linker = linker
        self._config = config
        self._indexer = indexer
        self._store = store
        self._registry = registry
        self._lock = lock
        self._keyword = keyword
        self._on_wait = on_wait
        self._mutex = mutex

    def ingest_sources(
        self, sources: Sequence[Source], progress: Progress | None = None, *, replace: bool = False
    ) -> IngestReport:
        """Ingest already discovered sources in embedding-sized batches.

        Documents that fail to load, ids held by another source and exact duplicates are
        reported, not raised.

        Raises:
            StoreError: Chroma, the registry or the disk failed; what was committed stays.
        """
        report = IngestReport()
        started = time.perf_counter()
        for glossary in [s for s in sources if is_glossary(s.location)]:
            self._ingest_glossary(glossary, report)
            if progress:
                progress(1)
        sources = [s for s in sources if not is_glossary(s.location)]
        intake = Intake(self._registry, report, replace=replace)
        batch: list[Prepared] = []
        batch_chunks = 0
        known = self._registry.content_hashes()
        for source, loaded in prepared_ahead(sources, self._config.fetch_policy, known=known):
            prepared = intake.admit(source, loaded)
            if prepared is not None:
                batch.append(prepared)
                batch_chunks += max(1, len(prepared.document.text) // 600)
            if progress:
                progress(1)
            if batch_chunks >= self._config.batch_chunks:
                self._write(batch, report)
                batch, batch_chunks = [], 0
        self._write(batch, report)
        report.seconds = time.perf_counter() - started
        return report

    def ingest_prepared(self, prepared: Prepared, *, replace: bool = False) -> IngestReport:
        """Ingest one document prepared by the caller (raw text from the admin API)."""
        report = IngestReport()
        started = time.perf_counter()
        if Intake(self._registry, report, replace=replace).accept(prepared):
            self._write([prepared], report)
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_glossary(self, source: Source, report: IngestReport) -> None:
        """Store a glossary file's terms in place of its previous version."""
        if source.is_url:
            report.failed.append(
                (source.location, f"{source.location}: glossaries are read from files")
            )
            return
        try:
            parsed = read_glossary(Path(source.location))
        except GlossaryError as exc:
            report.failed.append((source.location, str(exc)))
            return
        with self._mutex, self._lock.hold(on_wait=self._on_wait):
            self._glossaries.replace(source.doc_id, parsed.entries)
        report.glossary_terms += len(parsed.entries)
        report.warnings.extend(parsed.problems)

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index; return False if it was not there."""
        with self._writing():
            old = self._registry.chunk_ids(doc_id)
            if not self._registry.delete(doc_id):
                return False
            self._store.delete(old)
            self._registry.clear_tombstones(old)
            self._editions.forget([doc_id])
            self._editions.orphan(doc_id)
        return True

    def _write(self, batch: list[Prepared], report: IngestReport) -> None:
        if not batch:
            return
        with self._writing() as lease:
            added, updated = len(report.added), len(report.updated)
            self._indexer.write_batch(batch, report, lease=lease)
            written = set(report.added[added:] + report.updated[updated:])
            metas = [p.document.meta for p in batch if p.document.meta.doc_id in written]
            # The documents are indexed whatever happens here; only their edition links
            # wait for a re-ingest.
            try:
                self._linker.link(metas, report.warnings)
            except StoreError as exc:
                log.warning("editions not linked: %s", exc, exc_info=True)
                report.warnings.append(f"editions not linked: {exc}")
            except Exception:
                log.exception("editions not linked")
                report.warnings.append("editions not linked (an internal error; see the log)")

    @contextmanager
    def _writing(self) -> Iterator[str]:
        """Hold the store lock and a lease for one write; refresh the keyword index after."""
        with self._mutex, self._lock.hold(on_wait=self._on_wait):
            sweep_dead_leases(self._registry, self._store)
            lease = self._registry.start_lease(this_process())
            yield lease
            # On failure the lease stays: the next writer sweeps what this one left.
            self._registry.end_lease(lease)
        self._keyword.refresh(wait=True)

    def repair(self) -> RepairReport:
        """Make the registry and the collection agree (adopt, drop, re-embed)."""
        with self._writing() as lease:
            return repair(self._registry, self._store, self._indexer, lease=lease)

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Repair, then re-chunk and re-embed every registered document from its text."""
        report = IngestReport()
        started = time.perf_counter()
        with self._writing() as lease:
            repair(self._registry, self._store, self._indexer, lease=lease)
            doc_ids = [d.meta.doc_id for d in self._registry.documents()]
            rewrite(self._registry, self._indexer, doc_ids, report, lease=lease, progress=progress)
        report.updated, report.added = report.updated + report.added, []
        report.seconds = time.perf_counter() - started
        return report
