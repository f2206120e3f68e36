"""BM25 keyword search over chunk ids, changed document by document, never rebuilt whole.

Each chunk gets an integer slot. Committing new chunks adds one segment of postings;
removing a chunk clears its slot's live flag. Small segments are merged and mostly-dead
ones rewritten at commit, so the cost of a change follows its size, not the corpus's.
Scores are Lucene's BM25 (k1 1.5, b 0.75) over the live chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from retrieval.keyword_segments import Segment, Slots, merged, ranges, segment_of
from retrieval.keyword_tokens import Keys, Vocabulary, fold_accents, words

K1 = 1.5
B = 0.75
# A commit leaves at most this many segments: more cost each query a binary search.
MAX_SEGMENTS = 24
# A segment whose live share falls below this is rewritten without its dead chunks.
REWRITE_BELOW = 0.7
# A full build cuts the corpus into segments of this many chunks, bounding peak memory.
BUILD_BATCH = 4096


class KeywordIndex:
    """An in-memory BM25 index over chunk ids."""

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.vocabulary = Vocabulary()
        self.segments: tuple[Segment, ...] = ()
        self.chunk_ids: list[str] = []  # by slot; a dead slot keeps its old id
        # Live flag and token count by slot, swapped as one pair when they grow.
        self.columns = (np.zeros(0, dtype=bool), np.zeros(0, dtype=np.float32))
        self._slot: dict[str, int] = {}
        self._pending: list[tuple[str, Keys]] = []
        self._live_length = 0.0

    @property
    def alive(self) -> npt.NDArray[np.bool_]:
        """Return the live flag of every slot."""
        return self.columns[0]

    @property
    def lengths(self) -> npt.NDArray[np.float32]:
        """Return the token count of every slot."""
        return self.columns[1]

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._slot

    @property
    def ids(self) -> set[str]:
        """Return the chunk ids the index holds."""
        return set(self._slot)

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        """Add or replace ``(chunk_id, text)`` pairs; call ``commit`` to make them searchable."""
        for chunk_id, text in items:
            self._pending.append((chunk_id, self.vocabulary.document_keys(text)))

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget the given chunk ids (at once)."""
        for chunk_id in chunk_ids:
            slot = self._slot.pop(chunk_id, None)
            if slot is not None:
                self.alive[slot] = False
                self._live_length -= float(self.lengths[slot])

    def reset(self, items: Iterable[tuple[str, str]]) -> None:
        """Replace the whole index with ``(chunk_id, text)`` pairs and commit."""
        self._clear()
        batch: list[tuple[str, str]] = []
        for item in items:
            batch.append(item)
            if len(batch) == BUILD_BATCH:
                self.add(batch)
                self.commit()
                batch = []
        self.add(batch)
        self.commit()

    def commit(self) -> None:
        """Make the added chunks searchable and keep the segments few and mostly live."""
        pending, self._pending = self._pending, []
        latest = {chunk_id: keys for chunk_id, keys in pending}
        if latest:
            self.remove(latest)
            first = len(self.chunk_ids)
            self._grow(first + len(latest))
            for offset, (chunk_id, keys) in enumerate(latest.items()):
                self._slot[chunk_id] = first + offset
                self.chunk_ids.append(chunk_id)
                self.lengths[first + offset] = len(keys)
                self._live_length += len(keys)
            self.alive[first : first + len(latest)] = True
            new = segment_of(range(first, first + len(latest)), list(latest.values()))
            self.segments = (*self.segments, new)
        self._tidy()

    def search(
        self,
        query: str,
        *,
        k: int,
        allowed: Sequence[str] | None = None,
        vietnamese: bool = True,
    ) -> list[tuple[str, float]]:
        """Return up to ``k`` ``(chunk_id, score)`` pairs, best first, with score > 0.

        ``allowed`` restricts the search to those chunk ids (used for filters).
        ``vietnamese`` says the query is Vietnamese: only then may a query typed without
        diacritics match accent-folded syllables (English "can" is not "cần").
        """
        # One read of each attribute: a concurrent commit swaps them whole.
        segments, (alive, lengths), live = self.segments, self.columns, len(self)
        accent_free = vietnamese and fold_accents(query) == query
        keys = self.vocabulary.query_keys(query, accent_free=accent_free)
        if not live or not len(keys):
            return []
        postings, idf = _weighed(keys, segments, alive, live)
        norm = K1 * (1 - B + B * lengths / (self._live_length / live))
        scores = np.zeros(len(alive), dtype=np.float64)
        for term, slots, tf in postings:
            weights = idf[term] * tf / (tf + norm[slots])
            scores += np.bincount(slots, weights=weights, minlength=len(scores))
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[[self._slot[c] for c in allowed if c in self._slot]] = True
            scores[~mask] = 0.0
        top = _top(scores, k)
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def query_weight(self, query: str) -> float:
        """Return the IDF of ``query``'s words and word pairs summed, unknown ones at the most.

        A chunk's score over it is how much of the question the chunk holds: a chunk that
        matches only the common words of any question ("như thế nào") holds little of it.
        """
        segments, (alive, _), live = self.segments, self.columns, len(self)
        if not live:
            return 0.0
        count = len(words(query))
        keys = self.vocabulary.query_keys(query, accent_free=False)
        _, idf = _weighed(keys, segments, alive, live)
        unknown = max(0, 2 * count - 1) - len(keys)
        return float(idf.sum() + unknown * np.log1p((live + 0.5) / 0.5))

    def restore_slots(self) -> None:
        """Recompute the id-to-slot map and the live length from ``chunk_ids`` and columns."""
        alive, lengths = self.columns
        live = np.flatnonzero(alive[: len(self.chunk_ids)])
        self._slot = {self.chunk_ids[i]: int(i) for i in live}
        self._live_length = float(lengths[live].sum())

    def _grow(self, size: int) -> None:
        if size <= len(self.alive):
            return
        capacity = max(size, 2 * len(self.alive), 1024)
        alive = np.zeros(capacity, dtype=bool)
        alive[: len(self.alive)] = self.alive
        lengths = np.zeros(capacity, dtype=np.float32)
        lengths[: len(self.lengths)] = self.lengths
        self.columns = (alive, lengths)

    def _tidy(self) -> None:
        kept: list[Segment] = []
        for segment in self.segments:
            share = segment.live_share(self.alive)
            if share >= REWRITE_BELOW:
                kept.append(segment)
            elif share > 0 and (rewritten := merged([segment], self.alive)) is not None:
                kept.append(rewritten)
        while len(kept) > MAX_SEGMENTS:
            kept.sort(key=lambda s: s.postings)
            smallest = merged(kept[:2], self.alive)
            kept = kept[2:] + ([smallest] if smallest is not None else [])
        self.segments = tuple(kept)


def _weighed(
    keys: Keys, segments: Sequence[Segment], alive: npt.NDArray[np.bool_], live: int
) -> tuple[list[tuple[npt.NDArray[np.int64], Slots, npt.NDArray[np.float64]]], np.ndarray]:
    """Return the live postings per segment of the query's distinct terms, and their IDF.

    A term the query repeats weighs as many times.
    """
    terms, repeats = np.unique(keys, return_counts=True)
    postings = [_live_postings(segment, terms, alive) for segment in segments]
    df = sum((np.bincount(term, minlength=len(terms)) for term, _, _ in postings), 0)
    return postings, np.log1p((live - df + 0.5) / (df + 0.5)) * repeats


def _live_postings(
    segment: Segment, terms: Keys, alive: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], Slots, npt.NDArray[np.float64]]:
    """Return the live postings of ``terms`` in ``segment``: term index, slot, count."""
    at = np.searchsorted(segment.keys, terms)
    present = at < len(segment.keys)
    present[present] = segment.keys[at[present]] == terms[present]
    begin = np.where(present, segment.starts[np.minimum(at, len(segment.keys))], 0)
    end = np.where(present, segment.starts[np.minimum(at + 1, len(segment.keys))], 0)
    where = ranges(begin, end)
    term = np.repeat(np.arange(len(terms)), end - begin)
    slots = segment.slots[where]
    live = alive[slots]
    return term[live], slots[live], segment.counts[where][live].astype(np.float64)


def _top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.int64]:
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    best = np.argpartition(-scores, k)[:k]
    return best[np.argsort(-scores[best], kind="stable")]
