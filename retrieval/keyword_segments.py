"""Immutable postings segments: the building blocks of the keyword index.

A segment maps each term key to the document slots that hold it and how often, sorted
by key, so a query finds its terms by binary search. Segments are never edited: new
documents make a new segment, a deleted document is masked out until the segment that
holds it is rewritten, and small segments are merged. That keeps one changed document
cheap however large the index (the Lucene way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.keyword_tokens import Keys

Slots = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Segment:
    """Postings of ``keys[i]``: ``slots[starts[i]:starts[i + 1]]`` with ``counts`` alike."""

    keys: Keys
    starts: npt.NDArray[np.int64]
    slots: Slots
    counts: npt.NDArray[np.uint16]
    documents: Slots  # the distinct slots this segment holds

    @property
    def postings(self) -> int:
        """Return how many (term, document) pairs the segment holds."""
        return len(self.slots)

    def live_share(self, alive: npt.NDArray[np.bool_]) -> float:
        """Return the share of this segment's documents that are still alive."""
        return float(alive[self.documents].mean()) if len(self.documents) else 0.0

    def expanded_keys(self) -> Keys:
        """Return the key of every posting."""
        return np.repeat(self.keys, np.diff(self.starts))


def segment_of(slots: Sequence[int], keys: Sequence[Keys]) -> Segment:
    """Return a segment holding document ``slots[i]`` with term keys ``keys[i]``."""
    sizes = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    flat = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    owners = np.repeat(np.asarray(slots, dtype=np.int32), sizes)
    return _from_postings(flat, owners, np.ones(len(flat), dtype=np.uint16))


def merged(segments: Sequence[Segment], alive: npt.NDArray[np.bool_]) -> Segment | None:
    """Return one segment with the live postings of ``segments``; None when none is left."""
    keys = np.concatenate([s.expanded_keys() for s in segments])
    slots = np.concatenate([s.slots for s in segments])
    counts = np.concatenate([s.counts for s in segments])
    keep = alive[slots]
    if not keep.any():
        return None
    return _from_postings(keys[keep], slots[keep], counts[keep])


def _from_postings(keys: Keys, slots: Slots, counts: npt.NDArray[np.uint16]) -> Segment:
    order = np.lexsort((slots, keys))
    keys, slots, counts = keys[order], slots[order], counts[order]
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (slots[1:] != slots[:-1])
    if not distinct.all():
        group = np.cumsum(distinct) - 1
        summed = np.bincount(group, weights=counts)
        counts = np.minimum(summed, np.iinfo(np.uint16).max).astype(np.uint16)
        keys, slots = keys[distinct], slots[distinct]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    return Segment(
        keys=keys[starts],
        starts=np.append(starts, len(keys)).astype(np.int64),
        slots=slots,
        counts=counts,
        documents=np.unique(slots).astype(np.int32),
    )


def ranges(begin: npt.NDArray[np.int64], end: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the concatenation of ``range(begin[i], end[i])`` for every i, vectorised."""
    sizes = end - begin
    total = int(sizes.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(begin - (np.cumsum(sizes) - sizes), sizes)
    return np.arange(total, dtype=np.int64) + offsets
