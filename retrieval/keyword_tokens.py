"""Keyword tokens with Vietnamese in mind, as strings for people and as integers for the index.

Vietnamese writes one syllable per space-separated token and most words are two
syllables, so syllable bigrams stand in for words (no segmenter needed at query time).
Accent-folded unigrams let a question typed without diacritics still match.

The index keys each token by an int64 built from word ids, so that indexing a corpus
never creates one string object per bigram: a word is its id, a folded word
``FOLDED + id`` and a bigram ``BIGRAM + first * WORD_LIMIT + second``.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*", re.UNICODE)

WORD_LIMIT = 1 << 30
FOLDED = 1 << 60
BIGRAM = 1 << 61

Keys = npt.NDArray[np.int64]


@lru_cache(maxsize=200_000)
def fold_accents(text: str) -> str:
    """Return ``text`` without diacritics (đ becomes d), for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def words(text: str) -> list[str]:
    """Return the lower-cased words of ``text``."""
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


# In an index of mostly Vietnamese text English function words are rare, so BM25 would
# weigh "the" and "of" like names: an English query is matched by its content words only.
_ENGLISH_FUNCTION_WORD_LIST = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself me more most my no nor not of off on once only or other our out over own same
    she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom
    whose why will with would you your
"""
_ENGLISH_FUNCTION_WORDS = frozenset(_ENGLISH_FUNCTION_WORD_LIST.split())


def content_query(query: str, language: str) -> str:
    """Return ``query`` as the keyword index reads it: an English one without function words."""
    if language != "en":
        return query
    return " ".join(w for w in words(query) if w not in _ENGLISH_FUNCTION_WORDS)


def tokenize(text: str) -> list[str]:
    """Return the keyword tokens of ``text``: syllables, syllable bigrams, folded syllables."""
    found = words(text)
    tokens = list(found)
    tokens.extend(f"{a}_{b}" for a, b in itertools.pairwise(found))
    tokens.extend(f"~{folded}" for w in found if (folded := fold_accents(w)) != w)
    return tokens


class Vocabulary:
    """Word ids that only grow, and each word's folded form, shared by every segment."""

    def __init__(self, words: list[str] | None = None) -> None:
        self.words: list[str] = []
        self._ids: dict[str, int] = {}
        self._folded = np.full(1024, -1, dtype=np.int64)
        self._mutex = threading.Lock()
        for word in words or []:
            if word not in self._ids:
                self._assign(word)

    def __len__(self) -> int:
        return len(self.words)

    def document_keys(self, text: str) -> Keys:
        """Return the keys of every token of ``text``, learning new words."""
        with self._mutex:
            ids = [self._ids[w] if w in self._ids else self._assign(w) for w in words(text)]
            return self._keys(np.asarray(ids, dtype=np.int64), folded=True)

    def query_keys(self, text: str, *, accent_free: bool) -> Keys:
        """Return the keys of ``text``'s words and bigrams; unknown words match nothing.

        ``accent_free``: the query is typed without diacritics, so its words may also
        match the folded forms of accented words.
        """
        ids = np.asarray([self._ids.get(w, -1) for w in words(text)], dtype=np.int64)
        keys = self._keys(ids, folded=False)
        if accent_free:
            known = ids[ids >= 0]
            keys = np.concatenate([keys, FOLDED + known])
        return keys[keys >= 0]

    def _keys(self, ids: npt.NDArray[np.int64], *, folded: bool) -> Keys:
        pairs = BIGRAM + ids[:-1] * WORD_LIMIT + ids[1:]
        pairs = pairs[(ids[:-1] >= 0) & (ids[1:] >= 0)]
        parts = [ids, pairs]
        if folded and len(ids):
            folds = self._folded[ids]
            parts.append(FOLDED + folds[folds >= 0])
        return np.concatenate(parts)

    def _assign(self, word: str) -> int:
        if len(self.words) >= WORD_LIMIT - 1:
            raise OverflowError("the keyword vocabulary is full")
        word_id = len(self.words)
        self.words.append(word)
        self._ids[word] = word_id
        if word_id == len(self._folded):
            self._folded = np.concatenate([self._folded, np.full_like(self._folded, -1)])
        folded = fold_accents(word)
        if folded != word:
            known = self._ids.get(folded)
            self._folded[word_id] = known if known is not None else self._assign(folded)
        return word_id
