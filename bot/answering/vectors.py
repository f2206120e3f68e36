"""Sentence vectors, cached: the same sentences of the same documents are scored again and again."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Sequence

import numpy as np

from retrieval.embedding import Embedder, Vectors

# Questions embedded ahead and not yet answered; far more than ever wait for a slot.
_MAX_AHEAD = 1024


class SentenceVectors:
    """Embeds sentences as passages (and questions as queries) with an LRU cache.

    Thread-safe: answers are computed in worker threads of the web server. Questions
    embedded ahead (``embed_questions_ahead``) wait for their answer, one vector per
    asking, so that no question is embedded twice and none is answered from a cache.
    """

    def __init__(self, embedder: Embedder, *, capacity: int = 20_000) -> None:
        self.embedder = embedder
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._ahead: OrderedDict[str, deque[np.ndarray]] = OrderedDict()

    @property
    def capacity(self) -> int:
        """Return how many vectors the cache holds at most."""
        return self._capacity

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised passage vector per text, shape (len(texts), dimension)."""
        self.embed_missing(texts)
        with self._lock:
            found = [self._lookup(text) for text in texts]
        if not found:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack(found).astype(np.float32, copy=False)

    def embed_missing(self, texts: Sequence[str]) -> int:
        """Embed and cache the texts not cached yet; return how many that was."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            computed = self.embedder.embed_passages(missing)
            with self._lock:
                for text, vector in zip(missing, computed, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        return len(missing)

    def known(self) -> dict[str, np.ndarray]:
        """Return a copy of the cached vectors (to save a warm-up for later)."""
        with self._lock:
            return dict(self._cache)

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Add vectors computed earlier to the cache."""
        with self._lock:
            self._cache.update(vectors)

    def queries(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised query vector per text (questions and answer sentences)."""
        with self._lock:
            taken = [self._take_ahead(text) for text in texts]
        missing = [text for text, vector in zip(texts, taken, strict=True) if vector is None]
        if len(missing) == len(texts):
            return self.embedder.embed_queries(list(texts))
        computed = iter(self.embedder.embed_queries(missing)) if missing else iter(())
        return np.stack([next(computed) if v is None else v for v in taken])

    def embed_questions_ahead(self, texts: Sequence[str]) -> None:
        """Embed questions about to be answered, in one pass; each asking's ``queries`` takes one.

        Unclaimed vectors (a question refused before its search) are dropped oldest first.
        """
        unique = list(dict.fromkeys(texts))
        vectors = dict(zip(unique, self.embedder.embed_queries(unique), strict=True))
        with self._lock:
            for text in texts:
                self._ahead.setdefault(text, deque()).append(vectors[text])
                self._ahead.move_to_end(text)
            while len(self._ahead) > _MAX_AHEAD:
                self._ahead.popitem(last=False)

    def _take_ahead(self, text: str) -> np.ndarray | None:
        waiting = self._ahead.get(text)
        if not waiting:
            return None
        vector = waiting.popleft()
        if not waiting:
            del self._ahead[text]
        return vector

    def _lookup(self, text: str) -> np.ndarray:
        vector = self._cache.get(text)
        if vector is None:
            # Evicted by another thread between computing and reading: recompute it.
            vector = self.embedder.embed_passages([text])[0]
        else:
            self._cache.move_to_end(text)
        return vector
