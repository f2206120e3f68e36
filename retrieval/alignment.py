"""Monotonic sentence alignment of two editions of one text, over sentence vectors.

In the spirit of vecalign (Thompson and Koehn, 2019): a dynamic programme over the two
sentence sequences in which each step pairs one sentence of one side with one to three
of the other (1-1, 1-2, 2-1, 1-3, 3-1: a list a translation cut into items) or leaves a
sentence out. Sentences with a heading or caption between them never pair as one. A
pair gains how far its cosine stands above what its sentences score with their nearest
sentences on the other side (a margin, as in Artetxe and Schwenk's mining: a legal
text's sentences all look alike, so a raw cosine says little); leaving a sentence out
gains nothing, so a sentence the other edition lacks stays unpaired rather than forced
onto a neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Bead", "align", "distinctness"]

# How many nearest sentences on the other side set a sentence's background.
_NEIGHBOURS = 4
# The background is held within these bounds. With a sentence or two a side it would
# equal the pair's own cosine; the floor is what unrelated sentences of two languages
# reach (99th percentile over MLQA's contexts of other articles: 0.78). In a text of
# near-identical clauses it would rise above what a translation scores (the ceiling).
_BACKGROUND_FLOOR = 0.78
_BACKGROUND_CEILING = 0.80
# Each extra sentence in a pair must pay for itself.
_MERGE_PENALTY = 0.015
# How many sentences either side of a pair compete with it (see ``distinctness``).
_NEARBY = 3
# Above this many cells the programme keeps to a band around the diagonal.
_FULL_CELLS = 400_000
_STEPS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 0), (0, 1))
_UNREACHED = float("-inf")


@dataclass(frozen=True)
class Bead:
    """Sentences ``source[0]:source[1]`` translate ``target[0]:target[1]``."""

    source: tuple[int, int]
    target: tuple[int, int]
    similarity: float


def align(
    source: np.ndarray,
    target: np.ndarray,
    *,
    source_apart: Sequence[bool] = (),
    target_apart: Sequence[bool] = (),
) -> list[Bead]:
    """Return the monotonic alignment of two sequences of unit sentence vectors.

    Args:
        source: One vector per sentence of one edition, in order (n x d).
        target: The same for the other edition (m x d).
        source_apart: For each sentence of ``source`` but the last, whether text that is
            no sentence (a heading, a caption) stands between it and the next: such
            sentences never pair as one, or a quote would take in the next article's
            heading. Empty: any may.
        target_apart: The same for ``target``.

    Returns:
        The aligned pairs in order; sentences of either side that match nothing are in none.
    """
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return []
    single = source @ target.T
    background_source = _background(single)
    background_target = _background(single.T)
    gains: dict[tuple[int, int], list[list[float]]] = {}
    for di, dj in _STEPS:
        if di and dj and di <= n and dj <= m:
            table = _gains(source, target, background_source, background_target, di, dj)
            table[_joins_apart(source_apart, n, di), :] = _UNREACHED
            table[:, _joins_apart(target_apart, m, dj)] = _UNREACHED
            gains[(di, dj)] = table.tolist()
    band = _band(n, m)
    best = [[_UNREACHED] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    step_of: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        row = best[i]
        for j in range(m + 1):
            here = row[j]
            if here == _UNREACHED or not _inside(i, j, n, m, band):
                continue
            for di, dj in _STEPS:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                if di and dj:
                    value = gains[(di, dj)][i][j]
                    if value <= 0:
                        continue
                    value += here
                else:
                    value = here
                if value > best[ni][nj]:
                    best[ni][nj] = value
                    step_of[(ni, nj)] = (di, dj)
    return _trace(step_of, n, m, source, target)


def distinctness(beads: list[Bead], source: np.ndarray, target: np.ndarray) -> float:
    """Return how far, on average, each pair stands above its sentences' nearby matches.

    A translation's sentences match each other better than the sentences around them on
    the other side; two texts on one subject have pairs that are merely the least bad.
    Only neighbours within a few sentences compete: a legal text repeats its clauses
    ("as provided by law") far apart.
    """
    if not beads:
        return 0.0
    similarity = source @ target.T
    n, m = similarity.shape
    margins = []
    for bead in beads:
        (i0, i1), (j0, j1) = bead.source, bead.target
        inside = float(similarity[i0:i1, j0:j1].max())
        rows = similarity[i0:i1, max(0, j0 - _NEARBY) : min(m, j1 + _NEARBY)].copy()
        rows[:, j0 - max(0, j0 - _NEARBY) : j1 - max(0, j0 - _NEARBY)] = -1.0
        columns = similarity[max(0, i0 - _NEARBY) : min(n, i1 + _NEARBY), j0:j1].copy()
        columns[i0 - max(0, i0 - _NEARBY) : i1 - max(0, i0 - _NEARBY), :] = -1.0
        outside = max(float(rows.max()), float(columns.max()))
        margins.append(inside - outside if outside > -1.0 else inside)
    return float(np.mean(margins))


def _background(similarity: np.ndarray) -> np.ndarray:
    """Return each row's mean cosine with its nearest columns, held within bounds."""
    k = min(_NEIGHBOURS, similarity.shape[1])
    nearest = -np.sort(-similarity, axis=1)[:, :k]
    return np.clip(nearest.mean(axis=1), _BACKGROUND_FLOOR, _BACKGROUND_CEILING)


def _gains(
    source: np.ndarray,
    target: np.ndarray,
    background_source: np.ndarray,
    background_target: np.ndarray,
    di: int,
    dj: int,
) -> np.ndarray:
    """Return the gain of pairing sentences ``i:i+di`` with ``j:j+dj``, for every i and j."""
    cosine = _windows(source, di) @ _windows(target, dj).T
    bar_source = np.convolve(background_source, np.ones(di) / di, mode="valid")
    bar_target = np.convolve(background_target, np.ones(dj) / dj, mode="valid")
    penalty = _MERGE_PENALTY * (di + dj - 2)
    return np.asarray(cosine - (bar_source[:, None] + bar_target[None, :]) / 2 - penalty)


def _joins_apart(apart: Sequence[bool], count: int, size: int) -> np.ndarray:
    """Return, for each window of ``size`` sentences, whether it reads across a heading."""
    if size == 1 or not apart:
        return np.zeros(count - size + 1, dtype=bool)
    return np.array([any(apart[start : start + size - 1]) for start in range(count - size + 1)])


def _windows(vectors: np.ndarray, size: int) -> np.ndarray:
    """Return the unit vectors of each ``size`` adjacent sentences read as one."""
    if size == 1:
        return vectors
    summed = sum(vectors[offset : len(vectors) - size + 1 + offset] for offset in range(size))
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    return np.asarray(summed / np.maximum(norms, 1e-9))


def _band(n: int, m: int) -> float | None:
    """Return how far from the diagonal a long alignment may stray, as a share of it."""
    return None if n * m <= _FULL_CELLS else 0.15


def _inside(i: int, j: int, n: int, m: int, band: float | None) -> bool:
    return band is None or abs(i / n - j / m) <= band


def _trace(
    step_of: dict[tuple[int, int], tuple[int, int]],
    n: int,
    m: int,
    source: np.ndarray,
    target: np.ndarray,
) -> list[Bead]:
    """Follow the best steps back from the end; keep the steps that paired sentences."""
    beads: list[Bead] = []
    i, j = n, m
    while (i, j) in step_of:
        di, dj = step_of[(i, j)]
        i, j = i - di, j - dj
        if di and dj:
            left = _unit(source[i : i + di].sum(axis=0))
            right = _unit(target[j : j + dj].sum(axis=0))
            beads.append(Bead((i, i + di), (j, j + dj), round(float(left @ right), 4)))
    return beads[::-1]


def _unit(vector: np.ndarray) -> np.ndarray:
    return np.asarray(vector / max(float(np.linalg.norm(vector)), 1e-9))
