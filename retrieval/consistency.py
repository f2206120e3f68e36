"""The registry against the collection: what is consistent, what to sweep, what to adopt.

Plain functions over the registry and the store. Only ``sweep_dead_leases`` and
``adopt`` change anything, and only their callers (holding the store lock) decide when.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from retrieval.chroma_store import ChromaStore, IndexEntry
from retrieval.registry import Lease, Registry
from retrieval.types import Chunk, Document, DocumentMeta

log = logging.getLogger(__name__)


@dataclass
class Consistency:
    """The outcome of comparing the registry's chunk ids with the collection's."""

    documents: int = 0
    registered: int = 0
    stored: int = 0
    orphans: dict[str, list[str]] = field(default_factory=dict)  # doc id -> chunk ids
    in_flight: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # chunk id -> doc ids
    dead_leases: list[Lease] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when every registered chunk is stored once and nothing is orphaned."""
        return not (self.orphans or self.missing or self.duplicates or self.dead_leases)

    def lines(self) -> list[str]:
        """Return the report for people, one finding a line."""
        orphaned = sum(len(ids) for ids in self.orphans.values())
        lines = [
            f"documents {self.documents}, chunks registered {self.registered}, "
            f"chunks stored {self.stored}",
            f"orphans {orphaned} (in {len(self.orphans)} documents), "
            f"missing {sum(len(ids) for ids in self.missing.values())} "
            f"(in {len(self.missing)} documents), duplicates {len(self.duplicates)}, "
            f"in flight {len(self.in_flight)}",
        ]
        for doc_id, ids in sorted(self.missing.items())[:20]:
            lines.append(f"missing: {doc_id} lacks {len(ids)} of its chunks")
        for doc_id, ids in sorted(self.orphans.items())[:20]:
            lines.append(f"orphan: {len(ids)} chunks of {doc_id or '(no doc id)'} are unregistered")
        for chunk_id, owners in sorted(self.duplicates.items())[:20]:
            lines.append(f"duplicate: {chunk_id} is claimed by {', '.join(owners)}")
        for lease in self.dead_leases:
            lines.append(
                f"interrupted: ingestion {lease.ingestion_id[:8]} by pid {lease.pid} on "
                f"{lease.host} ({lease.command}) started {lease.started_at}"
            )
        lines.append("consistent" if self.ok else "INCONSISTENT: run `vnpos docs repair`")
        return lines


def check(registry: Registry, store: ChromaStore, *, leases_live: bool) -> Consistency:
    """Compare registry and collection; ``leases_live`` says another writer is running."""
    owners = registry.chunk_owners()
    entries = list(store.index_entries())
    stored = {e.chunk_id for e in entries}
    leases = {lease.ingestion_id: lease for lease in registry.leases()}
    found = Consistency(documents=registry.count(), registered=len(owners), stored=len(stored))
    for entry in entries:
        if entry.chunk_id in owners:
            continue
        if leases_live and entry.ingestion in leases:
            found.in_flight.append(entry.chunk_id)
        else:
            found.orphans.setdefault(entry.doc_id, []).append(entry.chunk_id)
    for chunk_id, doc_ids in owners.items():
        if len(doc_ids) > 1:
            found.duplicates[chunk_id] = doc_ids
        if chunk_id not in stored:
            for doc_id in doc_ids:
                found.missing.setdefault(doc_id, []).append(chunk_id)
    if not leases_live:
        found.dead_leases = list(leases.values())
    return found


def sweep_dead_leases(registry: Registry, store: ChromaStore) -> int:
    """Drop tombstoned chunks and those of ingestions that died; return how many.

    The caller holds the store lock, so no lease in the registry belongs to a live
    ingestion. Chunks marked with no lease, or with a lease this registry never issued
    (another data dir's, on a shared Chroma server), are never touched here.
    """
    buried = registry.tombstones()
    registered = registry.all_chunk_ids()
    if buried:
        store.delete([i for i in buried if i not in registered])
        registry.clear_tombstones(buried)
    removed = len(buried)
    for lease in registry.leases():
        registered = registry.all_chunk_ids()
        leftovers = [
            e.chunk_id
            for e in store.index_entries(ingestion=lease.ingestion_id)
            if e.chunk_id not in registered
        ]
        if leftovers:
            log.warning(
                "removing %d chunks of an ingestion interrupted at %s (pid %d on %s: %s)",
                len(leftovers),
                lease.started_at,
                lease.pid,
                lease.host,
                lease.command,
            )
            store.delete(leftovers)
            removed += len(leftovers)
        registry.end_lease(lease.ingestion_id)
    return removed


def rebuild_text(chunks: list[Chunk]) -> str:
    """Rebuild a document's indexed text from its chunks' spans.

    Chunks are spans of the text cut at sentence boundaries, so what lies between them
    is whitespace; a gap of two or more characters is taken for a paragraph break.
    """
    text = ""
    for chunk in sorted(chunks, key=lambda c: c.start):
        gap = chunk.start - len(text)
        if gap > 0:
            text += "\n" * gap if gap >= 2 else " "
        if chunk.end > len(text):
            text += chunk.text[len(text) - chunk.start :]
    return text


def adoptable(store: ChromaStore, orphans: dict[str, list[str]]) -> dict[str, list[Chunk]]:
    """Return the orphaned documents that can be registered: one whole version each."""
    wanted = {chunk_id for ids in orphans.values() for chunk_id in ids}
    by_version: dict[tuple[str, str], list[Chunk]] = defaultdict(list)
    for chunk in store.iter_chunks():
        if chunk.chunk_id in wanted and chunk.doc_id:
            version = chunk.chunk_id.rpartition("#")[2].split(":")[0]
            by_version[(chunk.doc_id, version)].append(chunk)
    best: dict[str, list[Chunk]] = {}
    for (doc_id, _version), chunks in by_version.items():
        if len(chunks) > len(best.get(doc_id, [])):
            best[doc_id] = sorted(chunks, key=lambda c: c.index)
    return best


def adopted_document(chunks: list[Chunk], entries: dict[str, IndexEntry]) -> Document:
    """Return the registry document that owns ``chunks`` (taken from the collection)."""
    meta: DocumentMeta = chunks[0].meta
    content_hash = entries[chunks[0].chunk_id].content_hash or "adopted"
    return Document(meta, rebuild_text(chunks), content_hash)
