"""The measures of a question's evidence that the abstention decision weighs.

Each is a plain number about the question and what retrieval found for it, none about
the rest of the corpus: how close the best quote is to the question, against a fixed
yardstick of how close the question is to text in general; how far the best quote
stands above the best sentence of another document or place; whether keywords agree;
whether the quote holds the kind of thing asked for; how many of the question's numbers
and codes it contains.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from bot.answering.question_types import expected_types, type_match
from bot.answering.yardstick import Offsets
from retrieval.keyword_tokens import fold_accents, tokenize
from retrieval.types import SearchHit

if TYPE_CHECKING:
    from bot.answering.evidence import Passage
    from bot.answering.scoring import Candidate


# Sentences this far apart in one document are about different things (as far apart as
# the sentences gathered around one retrieved chunk reach).
ELSEWHERE_CHARS = 1500


@dataclass(frozen=True)
class Signals:
    """What the evidence for one question measures (see the module docstring)."""

    best: float  # the best cosine of a quoted sentence with the question
    score: float  # the best candidate's ranking score
    background: float  # the question's cosine with text in general of the best quote's language
    runner_up: float  # the best cosine of a sentence of another document or place
    hit_dense: float  # the top retrieved chunk's cosine
    # How much of the question's words the top retrieved chunk holds (the share of its
    # keyword score's ceiling), in the question's language only: across languages the
    # words shared are names (counted by ``entities``) or accidents.
    hit_keyword: float
    lexical: float  # the share of the question's words in the best quote (longer weigh more)
    bigrams: float  # the share of the question's word pairs in the best quote
    entities: float  # the share of the question's capitalised names in the best quote
    pool: float  # the mean cosine of the next ten candidate sentences (is the best alone?)
    title: float  # the question's cosine with the best quote's document title
    expects_type: float  # 1 when the question asks for a person, date, number, place
    type_found: float  # the share of the asked kinds that the best quote provides
    terms: float  # how many numbers and codes the question holds
    terms_missing: float  # how many of them no quote or its context holds
    same_language: float  # 1 when the best quote is in the question's language

    @classmethod
    def names(cls) -> list[str]:
        """Return the names of the measures, in vector order."""
        return [f.name for f in fields(cls)]

    def vector(self) -> np.ndarray:
        """Return the measures as floats, in ``names()`` order."""
        return np.asarray(astuple(self), dtype=np.float64)


def measure(
    question: str,
    *,
    language: str,
    hits: Sequence[SearchHit],
    ranked: Sequence[Candidate],
    passages: Sequence[Passage],
    terms: tuple[int, int],
    offsets: Offsets,
    title: float,
) -> Signals:
    """Return the signals of one question's evidence.

    Cosines with sentences of other languages than the best quote's are moved onto its
    language's scale (by the difference of the ``offsets``), so that comparing them with
    the best one compares how far each stands above ordinary text of its language.
    """
    best = max(passages, key=lambda p: p.similarity - offsets(p.meta.language))
    background = offsets(best.meta.language)

    def fair(cosine: float, language: str) -> float:
        return cosine - offsets(language) + background

    runner_up = max(
        (fair(c.plain, c.meta.language) for c in ranked if _elsewhere(c, ranked[0])),
        default=0.0,
    )
    kinds = expected_types(question)
    top_hit = hits[0] if hits else None
    total, found = terms
    return Signals(
        best=best.similarity,
        score=ranked[0].score,
        background=background,
        runner_up=runner_up,
        hit_dense=fair(top_hit.dense, top_hit.chunk.meta.language) if top_hit else 0.0,
        hit_keyword=(
            top_hit.keyword_held if top_hit and top_hit.chunk.meta.language == language else 0.0
        ),
        lexical=_lexical(question, best.text),
        bigrams=_bigrams(question, best.text),
        entities=_names(question, best.text),
        pool=_pool([fair(c.plain, c.meta.language) for c in ranked], best.similarity),
        title=title,
        expects_type=float(bool(kinds)),
        type_found=type_match(kinds, best.text, question=question),
        terms=float(total),
        terms_missing=float(total - found),
        same_language=float(best.meta.language == language),
    )


def _elsewhere(candidate: Candidate, top: Candidate) -> bool:
    """Return True when ``candidate`` is in another document than ``top``, or far from it.

    A long document (a law of a hundred articles) holds many topics: the runner-up is
    the best sentence of another place, so that a corpus of a few long documents does not
    make every best sentence look alone on its topic.
    """
    if candidate.meta.doc_id != top.meta.doc_id:
        return True
    return abs(candidate.sentence.start - top.sentence.start) > ELSEWHERE_CHARS


def _pool(cosines_of_ranked: Sequence[float], best: float) -> float:
    """Return the mean cosine of the ten best candidates after the best one."""
    cosines = sorted(cosines_of_ranked, reverse=True)[1:11]
    return float(np.mean(cosines)) if cosines else best


def _bigrams(question: str, text: str) -> float:
    wanted = {t for t in tokenize(question) if "_" in t}
    if not wanted:
        return 0.0
    return len(wanted & set(tokenize(text))) / len(wanted)


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZĐÀ-Ỹ][\w-]{2,}")


def _names(question: str, text: str) -> float:
    """Return the share of the question's capitalised words (names) that ``text`` holds."""
    names = {fold_accents(m.group()).lower() for m in _NAME.finditer(question.strip())}
    if not names:
        return 0.0
    folded = fold_accents(text).lower()
    return sum(name in folded for name in names) / len(names)


def _lexical(question: str, text: str) -> float:
    """Return the share of the question's distinctive tokens found in ``text``.

    Long tokens weigh more (a name or a term says more than "the" or "là").
    """
    wanted = {t for t in tokenize(question) if "_" not in t and not t.startswith("~")}
    if not wanted:
        return 0.0
    present = set(tokenize(text))
    weight = {t: math.log(1 + len(t)) for t in wanted}
    # fsum, as in scoring: the same question gives the same number in every process.
    return math.fsum(w for t, w in weight.items() if t in present) / math.fsum(weight.values())
