"""Bringing registry and collection back in step: adopt, drop, re-embed.

Run by the knowledge base while it holds the store lock and a lease, after dead leases
and tombstones are swept, so every remaining difference is old damage: chunks with no
registered owner (adopted as documents when they form one, else dropped), registered
chunks missing from the store and chunks claimed twice (their documents re-indexed).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from retrieval.chroma_store import ChromaStore
from retrieval.consistency import adoptable, adopted_document, check
from retrieval.dedup import paragraphs
from retrieval.indexer import Indexer
from retrieval.ingestion import Prepared
from retrieval.registry import Registry
from retrieval.types import IngestReport

log = logging.getLogger(__name__)

_BATCH = 32


@dataclass
class RepairReport:
    """What a repair changed."""

    adopted: list[str] = field(default_factory=list)
    dropped: int = 0
    reindexed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return the one-line summary printed after a repair."""
        return (
            f"adopted {len(self.adopted)} documents from the collection, dropped "
            f"{self.dropped} orphaned chunks, re-indexed {len(self.reindexed)} documents"
        )


def repair(registry: Registry, store: ChromaStore, indexer: Indexer, *, lease: str) -> RepairReport:
    """Make the registry and the collection agree; return what changed."""
    found = check(registry, store, leases_live=False)
    result = RepairReport()
    unregistered = {d: ids for d, ids in found.orphans.items() if registry.get(d) is None}
    stale = [i for d, ids in found.orphans.items() if d not in unregistered for i in ids]
    entries = {e.chunk_id: e for e in store.index_entries()}
    kept: set[str] = set()
    for doc_id, chunks in adoptable(store, unregistered).items():
        document = adopted_document(chunks, entries)
        chunk_ids = [c.chunk_id for c in chunks]
        registry.put(
            document,
            full_text=document.text,
            chunk_ids=chunk_ids,
            fingerprints=[p.fingerprint for p in paragraphs(document.text)],
            text_hash=hashlib.sha256(document.text.encode()).hexdigest(),
        )
        kept.update(chunk_ids)
        result.adopted.append(doc_id)
    stale += [i for ids in unregistered.values() for i in ids if i not in kept]
    store.delete(stale)
    result.dropped = len(stale)
    damaged = set(found.missing) | {d for owners in found.duplicates.values() for d in owners}
    result.reindexed = sorted(damaged)
    rewrite(registry, indexer, result.reindexed, IngestReport(), lease=lease)
    if result.adopted or result.dropped or result.reindexed:
        log.warning("repair: %s", result.summary())
    return result


def rewrite(
    registry: Registry,
    indexer: Indexer,
    doc_ids: list[str],
    report: IngestReport,
    *,
    lease: str,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Re-chunk and re-embed ``doc_ids`` from their stored texts."""
    prepared = []
    for doc_id in doc_ids:
        document = registry.full_document(doc_id)
        if document is not None:
            prepared.append(Prepared(document, paragraphs(document.text), registry.origin(doc_id)))
    for i in range(0, len(prepared), _BATCH):
        batch = prepared[i : i + _BATCH]
        indexer.write_batch(batch, report, lease=lease)
        if progress:
            progress(len(batch))
