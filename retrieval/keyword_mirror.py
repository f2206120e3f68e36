"""The keyword index kept in step with the registered chunks, from the registry's change log.

Writers never touch it directly: after any write, by this process or another, the
documents named in the change log since the last look are reloaded from the store.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from retrieval.chroma_store import ChromaStore
from retrieval.keyword_index import KeywordIndex
from retrieval.registry import Registry


class KeywordMirror:
    """A BM25 index over the registered chunks of the store."""

    def __init__(self, registry: Registry, store: ChromaStore) -> None:
        self._registry = registry
        self._store = store
        self._index = KeywordIndex()
        self._doc_chunks: dict[str, list[str]] = {}
        self._registered: set[str] = set()
        self._generation = -1
        self._mutex = threading.Lock()

    def load(self) -> None:
        """Build the index from every registered chunk in the store."""
        with self._mutex:
            self._load()

    def refresh(self) -> None:
        """Apply the documents that changed since the last look."""
        generation = self._registry.generation()
        if generation == self._generation:
            return
        with self._mutex:
            changed = self._registry.changes_since(self._generation)
            if changed is None:
                self._load()
                return
            for doc_id in changed:
                self._index.remove(self._doc_chunks.pop(doc_id, []))
                fetched = self._store.fetch(self._registry.chunk_ids(doc_id))
                self._index.add((chunk.chunk_id, chunk.text) for chunk, _ in fetched)
                if fetched:
                    self._doc_chunks[doc_id] = [chunk.chunk_id for chunk, _ in fetched]
            self._registered = {i for ids in self._doc_chunks.values() for i in ids}
            self._index.commit()
            self._generation = generation

    def holds(self, chunk_id: str) -> bool:
        """Return True when ``chunk_id`` belongs to a registered document version.

        The store may also hold chunks of an ingestion in flight or of one that died;
        search shows only committed documents, whole.
        """
        return chunk_id in self._registered

    def search(
        self, query: str, *, k: int, allowed: Sequence[str] | None, vietnamese: bool
    ) -> list[tuple[str, float]]:
        """Return up to ``k`` ``(chunk_id, score)`` pairs (see ``KeywordIndex.search``)."""
        return self._index.search(query, k=k, allowed=allowed, vietnamese=vietnamese)

    def _load(self) -> None:
        generation = self._registry.generation()
        registered = self._registry.all_chunk_ids()
        items: list[tuple[str, str]] = []
        self._doc_chunks = {}
        for chunk in self._store.iter_chunks():
            if chunk.chunk_id in registered:
                items.append((chunk.chunk_id, chunk.text))
                self._doc_chunks.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
        self._index.reset(items)
        self._registered = {chunk_id for chunk_id, _ in items}
        self._generation = generation
