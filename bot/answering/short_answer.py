"""The fact asked for, in the reader's language: a year, a date, a number or a name.

Only spans of a quote, reformatted (see ``fact_spans``). The first quote must hold exactly
one fact of the kind asked for, and be close enough to the question to be about it: a
quote that holds one number but answers another question would make that number the
answer, and a wrong fact is worse than none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale

from bot.answering.fact_kinds import FactKind, fact_kind
from bot.answering.fact_spans import Span, amounts, dates, locale_for, names, years
from bot.answering.terms import numbers
from bot.answering.translation_check import person_names

# The first quote's cosine with the question below which no fact is taken from it; a
# question and a quote in one language are closer than across two. Calibrated on the
# MLQA train split (python bench/short_answers_mlqa.py --split train --language en|vi
# --min-similarity X): across languages, from 0 to 0.78 the wrong short answers fall from
# 10.2% to 3.9% of the questions and the right ones stay at 13.3%; in one language, 0.86
# keeps 10.9% right for 2.3% wrong (0.78: 12.5% for 4.7%).
MIN_SIMILARITY_ACROSS = 0.78
MIN_SIMILARITY_WITHIN = 0.86


@dataclass(frozen=True)
class ShortAnswer:
    """The fact, written for the reader, and the number of the quote it comes from."""

    text: str
    citation: int

    def render(self) -> str:
        """Return the fact with its citation marker: "15 June 2023 [1]"."""
        return f"{self.text} [{self.citation}]"


def facts(kind: FactKind, text: str, *, question: str, locale: Locale) -> list[Span]:
    """Return the facts of ``kind`` in ``text`` (a quote) that the question does not state."""
    asked = numbers(question)
    if kind is FactKind.YEAR:
        return [s for s in years(text, locale) if s.text not in asked]
    if kind is FactKind.DATE:
        return [s for s in dates(text, locale) if not numbers(text[s.start : s.end]) <= asked]
    if kind is FactKind.NUMBER:
        return amounts(text, question, locale)
    found = names(text, question)
    if kind is FactKind.PERSON:
        # Beside "Bí thư Trung ương Đảng", "Nguyễn Trọng Nghĩa" is the one that is a person.
        people = [s for s in found if s.text in person_names(s.text)]
        return people or found
    return found


def short_answer(
    question: str,
    quotes: Sequence[str],
    language: str,
    *,
    similarity: float,
    cross_lingual: bool,
    min_similarity: float | None = None,
) -> ShortAnswer | None:
    """Return the fact ``question`` asks for if the first quote states exactly one.

    ``similarity`` is the first quote's cosine with the question, ``cross_lingual`` whether
    the question and the quoted source are in different languages.
    """
    if min_similarity is None:
        min_similarity = MIN_SIMILARITY_ACROSS if cross_lingual else MIN_SIMILARITY_WITHIN
    kind = fact_kind(question)
    if kind is None or not quotes or similarity < min_similarity:
        return None
    found = facts(kind, quotes[0], question=question, locale=locale_for(language))
    distinct = list(dict.fromkeys(span.text for span in found))
    return ShortAnswer(distinct[0], 1) if len(distinct) == 1 else None
