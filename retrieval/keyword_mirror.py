"""The keyword index kept in step with the registered chunks, from the registry's change log.

Writers never touch it directly: after any write, by this process or another, the
documents named in the change log since the last look are reloaded from the store, and
only those. The index is saved beside the store, so a start-up applies the changes made
since it was saved instead of re-tokenising the corpus. A full rebuild (no saved index,
or a change log that no longer reaches back) runs in the background at any time after
start-up: searches meanwhile use the index they have.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from retrieval.chroma_store import ChromaStore
from retrieval.keyword_file import load_index, save_index
from retrieval.keyword_index import KeywordIndex
from retrieval.registry import Registry

# Save after applying changes at most this often: a save at 100k chunks takes seconds.
SAVE_EVERY_S = 30.0

log = logging.getLogger(__name__)


class KeywordMirror:
    """A BM25 index over the registered chunks of the store."""

    def __init__(self, registry: Registry, store: ChromaStore, path: Path | None = None) -> None:
        self._registry = registry
        self._store = store
        self._path = path
        self._index = KeywordIndex()
        self._doc_chunks: dict[str, list[str]] = {}
        self._generation = -1
        self._mutex = threading.Lock()
        self._rebuilding: threading.Thread | None = None
        self._saved_at = 0.0

    def load(self) -> None:
        """Read the saved index and apply what changed since, or build it from the store."""
        with self._mutex:
            saved = load_index(self._path) if self._path else None
            if saved is not None and saved.generation <= self._registry.generation():
                self._index, self._generation = saved.index, saved.generation
                self._doc_chunks = dict(saved.extra.get("documents", {}))
                if self._apply_changes() and self._index.ids == self._registry.all_chunk_ids():
                    return
                log.info("the saved keyword index does not match the store; rebuilding it")
            self._index, self._doc_chunks, self._generation = self._built()
            self._save()

    def refresh(self, *, wait: bool = False) -> None:
        """Apply the documents that changed since the last look.

        ``wait``: block until the index reflects the registry (a writer's own change);
        otherwise, when another thread is applying changes, return at once.
        """
        if self._registry.generation() == self._generation:
            return
        if not self._mutex.acquire(blocking=wait):
            return
        try:
            if not self._apply_changes():
                self._rebuild_in_background()
            elif time.monotonic() - self._saved_at > SAVE_EVERY_S:
                self._saved_at = time.monotonic()
                # Not on the request that applied the change: a save takes seconds at scale.
                threading.Thread(target=self._save_locked, name="keyword-save", daemon=True).start()
        finally:
            self._mutex.release()

    def holds(self, chunk_id: str) -> bool:
        """Return True when ``chunk_id`` belongs to a registered document version.

        The store may also hold chunks of an ingestion in flight or of one that died;
        search shows only committed documents, whole.
        """
        return chunk_id in self._index

    def search(
        self, query: str, *, k: int, allowed: Sequence[str] | None, vietnamese: bool
    ) -> list[tuple[str, float]]:
        """Return up to ``k`` ``(chunk_id, score)`` pairs (see ``KeywordIndex.search``)."""
        return self._index.search(query, k=k, allowed=allowed, vietnamese=vietnamese)

    def query_weight(self, query: str) -> float:
        """Return the most a chunk can score for ``query`` (see ``KeywordIndex.query_weight``)."""
        return self._index.query_weight(query)

    def _apply_changes(self) -> bool:
        """Bring the index to the registry's generation; False when the log cannot tell."""
        generation = self._registry.generation()
        changed = self._registry.changes_since(self._generation)
        if changed is None:
            return False
        for doc_id in sorted(changed):
            self._index.remove(self._doc_chunks.pop(doc_id, []))
            fetched = self._store.fetch(self._registry.chunk_ids(doc_id))
            self._index.add((chunk.chunk_id, chunk.text) for chunk, _ in fetched)
            if fetched:
                self._doc_chunks[doc_id] = [chunk.chunk_id for chunk, _ in fetched]
        self._index.commit()
        self._generation = generation
        return True

    def _built(self) -> tuple[KeywordIndex, dict[str, list[str]], int]:
        started = time.perf_counter()
        generation = self._registry.generation()
        registered = self._registry.all_chunk_ids()
        doc_chunks: dict[str, list[str]] = {}

        def registered_chunks() -> Iterator[tuple[str, str]]:
            for chunk in self._store.iter_chunks():
                if chunk.chunk_id in registered:
                    doc_chunks.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
                    yield chunk.chunk_id, chunk.text

        index = KeywordIndex()
        index.reset(registered_chunks())
        took = time.perf_counter() - started
        log.info("keyword index built: %d chunks in %.1f s", len(index), took)
        return index, doc_chunks, generation

    def _rebuild_in_background(self) -> None:
        if self._rebuilding is not None and self._rebuilding.is_alive():
            return

        def rebuild() -> None:
            try:
                index, doc_chunks, generation = self._built()
                with self._mutex:
                    self._index, self._doc_chunks, self._generation = index, doc_chunks, generation
                    if not self._apply_changes():
                        log.warning("the change log moved on during a rebuild; rebuilding again")
                        self._generation = -2
                    self._save()
            except Exception:
                log.exception("rebuilding the keyword index failed; keeping the previous one")

        self._rebuilding = threading.Thread(target=rebuild, name="keyword-rebuild", daemon=True)
        self._rebuilding.start()

    def _save_locked(self) -> None:
        with self._mutex:
            self._save()

    def _save(self) -> None:
        self._saved_at = time.monotonic()
        if self._path is None:
            return
        try:
            save_index(
                self._index,
                self._path,
                generation=self._generation,
                extra={"documents": self._doc_chunks},
            )
        except OSError:
            log.exception("could not save the keyword index to %s; it stays in memory", self._path)
