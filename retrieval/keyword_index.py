"""BM25 keyword search with Vietnamese-aware tokens, kept beside the vector store.

Vietnamese writes one syllable per space-separated token and most words are two
syllables, so syllable bigrams stand in for words (no segmenter needed at query time).
Accent-folded unigrams let a question typed without diacritics still match.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence

import bm25s
import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*", re.UNICODE)


def fold_accents(text: str) -> str:
    """Return ``text`` without diacritics (đ becomes d), for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def tokenize(text: str) -> list[str]:
    """Return the keyword tokens of ``text``: syllables, syllable bigrams, folded syllables."""
    words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]
    tokens = list(words)
    tokens.extend(f"{a}_{b}" for a, b in itertools.pairwise(words))
    tokens.extend(f"~{folded}" for w in words if (folded := fold_accents(w)) != w)
    return tokens


class KeywordIndex:
    """An in-memory BM25 index over chunk ids, rebuilt cheaply from stored tokens."""

    def __init__(self) -> None:
        self._tokens: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._bm25: bm25s.BM25 | None = None

    def __len__(self) -> int:
        return len(self._tokens)

    @property
    def ids(self) -> set[str]:
        """Return the chunk ids the index holds."""
        return set(self._tokens)

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        """Add or replace ``(chunk_id, text)`` pairs; call ``commit`` to make them searchable."""
        for chunk_id, text in items:
            self._tokens[chunk_id] = tokenize(text)

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget the given chunk ids; call ``commit`` afterwards."""
        for chunk_id in chunk_ids:
            self._tokens.pop(chunk_id, None)

    def reset(self, items: Iterable[tuple[str, str]]) -> None:
        """Replace the whole index with ``(chunk_id, text)`` pairs and commit."""
        self._tokens.clear()
        self.add(items)
        self.commit()

    def commit(self) -> None:
        """Rebuild the BM25 statistics from the current token lists."""
        self._ids = list(self._tokens)
        self._position = {chunk_id: i for i, chunk_id in enumerate(self._ids)}
        if not self._ids:
            self._bm25 = None
            return
        bm25 = bm25s.BM25()
        bm25.index([self._tokens[i] for i in self._ids], show_progress=False)
        self._bm25 = bm25

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
        query_tokens = [t for t in tokenize(query) if not t.startswith("~")]
        if self._bm25 is None or not query_tokens:
            return []
        # Accent-free queries match the folded tokens instead of the accented ones.
        if vietnamese and query_tokens and fold_accents(query) == query:
            query_tokens += [f"~{t}" for t in query_tokens if "_" not in t]
        scores: npt.NDArray[np.float32] = self._bm25.get_scores(query_tokens)
        if allowed is not None:
            mask = np.zeros(len(self._ids), dtype=bool)
            mask[[self._position[c] for c in allowed if c in self._position]] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
