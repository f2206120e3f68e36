"""Checking an LLM's answer against its numbered sources, sentence by sentence.

Citations to sources that do not exist are removed. Each sentence that states something
must be supported by a source it cites: its best cosine with that source's sentences must
stand out from its similarity to the corpus in general, and every number it writes must be
in the source. A supported sentence whose citations were all wrong is cited to the source
that supports it best. The sentence of each cited source that matched best becomes that
citation's verbatim quote.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.background import Background
from bot.answering.prompting import Source
from bot.answering.sentences import Sentence, is_instruction, split_sentences
from bot.answering.terms import numbers
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase
from retrieval.language import detect_language

_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
# A sentence runs to . ! ? … before a space, a citation or the end (not "3.5", "No. 57"),
# or to a CJK full stop, and keeps the citations that follow it.
_SENTENCE = re.compile(
    r"\s*.+?(?:(?<!\bNo)(?<!\bMr)(?<!\bDr)(?<!\bTP)[.!?…]+(?=\s|\[|$)|[。！？]+|$)"
    r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])*",
    re.DOTALL,
)
_KANA = re.compile(r"[\u3040-\u30ff]")
# How far a claim's best source sentence must stand above the corpus in general.
# Measured on the seed corpus: English, French and Chinese renderings of source sentences
# stand 0.048-0.092 above it, invented claims on the same topics 0.020-0.041 (the claims
# of tests/bot/answering/test_validation.py).
DEFAULT_CLAIM_MARGIN = 0.044
# A web address or domain in an answer must be in its sources, however short the sentence.
_LINK = re.compile(r"(?i)\b(?:https?://\S+|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b)")


class Unsupported(Exception):
    """The answer cannot be shown: the message names the reason (for the log)."""


@dataclass(frozen=True)
class Quote:
    """The sentence of a source that best supports what an answer says."""

    source: Source
    sentence: Sentence
    similarity: float


@dataclass(frozen=True)
class CheckedSentence:
    """A supported sentence of the answer, its citations corrected, and their quotes."""

    text: str
    quotes: dict[int, Quote]


def split_answer(text: str) -> list[str]:
    """Return the sentences of ``text`` with their leading space and trailing citations."""
    return [m.group() for m in _SENTENCE.finditer(text) if m.group().strip()]


def complete_sentences(buffer: str) -> tuple[list[str], str]:
    """Split a growing reply into the sentences known to be complete and the rest.

    A sentence is complete once the next one has begun, so the citations written after
    its full stop are known.
    """
    pieces = split_answer(buffer)
    done: list[str] = []
    for piece, following in itertools.pairwise(pieces):
        if following.lstrip().startswith("["):
            break
        done.append(piece)
    return done, buffer[sum(len(p) for p in done) :] if done else buffer


def cited(sentence: str) -> list[int]:
    """Return the source numbers cited in ``sentence``, in order."""
    found: list[int] = []
    for match in _MARKER.finditer(sentence):
        found.extend(int(n) for n in match.group(1).split(","))
    return list(dict.fromkeys(found))


def without_citations(text: str) -> str:
    """Return ``text`` without its [n] markers."""
    return _MARKER.sub("", text)


class AnswerValidator:
    """Checks answers against the sources with the real embedding model."""

    def __init__(
        self,
        knowledge_base: KnowledgeBase,
        vectors: SentenceVectors,
        background: Background,
        *,
        min_margin: float = DEFAULT_CLAIM_MARGIN,
        language_min_letters: int = 20,
    ) -> None:
        self.knowledge_base = knowledge_base
        self.vectors = vectors
        self.background = background
        self.min_margin = min_margin
        self.language_min_letters = language_min_letters

    def in_language(self, text: str, language: str) -> bool:
        """Return True if ``text`` is written in ``language`` (or too short to tell)."""
        plain = without_citations(text)
        if sum(ch.isalpha() for ch in plain) < self.language_min_letters:
            return True
        detected = detect_language(plain, default=language)
        # Japanese borrows Chinese characters; kana settle it.
        return detected == language or (language == "ja" and bool(_KANA.search(plain)))

    def check_sentence(self, sentence: str, sources: Sequence[Source]) -> CheckedSentence:
        """Return the sentence with its citations corrected and quoted.

        Raises:
            Unsupported: No source supports what the sentence says.
        """
        by_number = {source.n: source for source in sources}
        wanted = [n for n in cited(sentence) if n in by_number]
        claim = without_citations(sentence).strip()
        if not any(ch.isalnum() for ch in claim):
            return CheckedSentence(_with_citations(sentence, []), {})
        quotes = {
            n: quote
            for n in wanted
            if (quote := self._best_quote(claim, [by_number[n]])) is not None
        }
        if not quotes:
            # Wrong or missing citations: cite the source that supports it, if one does.
            quote = self._best_quote(claim, sources)
            if quote is None:
                raise Unsupported(f"no source supports {claim[:80]!r}")
            quotes[quote.source.n] = quote
        numbers_ok = numbers(claim) <= set().union(
            *(numbers(self._evidence_text(q.source)) for q in quotes.values())
        )
        if not numbers_ok:
            raise Unsupported(f"a number of {claim[:80]!r} is in no cited source")
        evidence = " ".join(self._evidence_text(q.source) for q in quotes.values()).lower()
        if any(link.lower().rstrip(".,;:") not in evidence for link in _LINK.findall(claim)):
            raise Unsupported(f"a web address of {claim[:80]!r} is in no cited source")
        return CheckedSentence(_with_citations(sentence, list(quotes)), quotes)

    def _best_quote(self, claim: str, sources: Sequence[Source]) -> Quote | None:
        """Return the best-matching sentence of ``sources`` if it supports ``claim``."""
        vector = self.vectors.queries([claim])[0]
        best: Quote | None = None
        for source in sources:
            sentences = self._sentences(source)
            if not sentences:
                continue
            similarities = self.vectors.passages([s.text for s in sentences]) @ vector
            index = int(np.argmax(similarities))
            if best is None or similarities[index] > best.similarity:
                best = Quote(source, sentences[index], float(similarities[index]))
        if best is None or best.similarity - self.background.similarity(vector) < self.min_margin:
            return None
        return best

    def _sentences(self, source: Source) -> list[Sentence]:
        text = self.knowledge_base.document_text(source.meta.doc_id) or ""
        # A source sentence telling the model what to say supports nothing it says.
        return [
            s
            for s in split_sentences(source.meta.doc_id, text)
            if s.start < source.end and s.end > source.start and not is_instruction(s.text)
        ]

    @staticmethod
    def _evidence_text(source: Source) -> str:
        published = source.meta.published.isoformat() if source.meta.published else ""
        return f"{source.text} {source.meta.title} {published}"


def _with_citations(sentence: str, numbers_: Sequence[int]) -> str:
    """Return ``sentence`` with its markers replaced by ``numbers_`` before the end punctuation."""
    plain = without_citations(sentence).rstrip()
    if not numbers_:
        return plain
    markers = "".join(f"[{n}]" for n in numbers_)
    stripped = plain.rstrip(".!?…。！？")
    return f"{stripped} {markers}{plain[len(stripped) :]}"
