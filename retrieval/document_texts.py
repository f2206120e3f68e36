"""The indexed texts of documents, held in memory between writes.

Answering one question reads the texts of the few documents it quotes a dozen times
(sentence splits, context, titles); each read was a query. The cache is checked against
the registry's generation once per search, so another process's write is seen by the
next question, and this process's own writes clear it at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from retrieval.registry import Registry


class DocumentTexts:
    """An LRU of document texts, valid for one registry generation."""

    def __init__(self, registry: Registry, *, capacity: int = 256) -> None:
        self._registry = registry
        self._capacity = capacity
        self._texts: OrderedDict[str, str | None] = OrderedDict()
        self._generation: int | None = None
        self._lock = threading.Lock()

    def get(self, doc_id: str) -> str | None:
        """Return the indexed text of ``doc_id`` (None when it is not registered)."""
        with self._lock:
            if doc_id in self._texts:
                self._texts.move_to_end(doc_id)
                return self._texts[doc_id]
        text = self._registry.text(doc_id)
        with self._lock:
            self._texts[doc_id] = text
            while len(self._texts) > self._capacity:
                self._texts.popitem(last=False)
        return text

    def refresh(self) -> None:
        """Forget the texts that changed since the generation the cache was filled at."""
        generation = self._registry.generation()
        with self._lock:
            if generation == self._generation:
                return
            known, self._generation = self._generation, generation
        changed = self._registry.changes_since(known) if known is not None else None
        with self._lock:
            if changed is None:
                self._texts.clear()
            for doc_id in changed or ():
                self._texts.pop(doc_id, None)

    def clear(self) -> None:
        """Forget every text (after a write of this process)."""
        with self._lock:
            self._texts.clear()
            self._generation = None
