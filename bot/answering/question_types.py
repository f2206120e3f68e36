"""What kind of answer a question expects (a number, a person, a date, a place, a period).

Cross-lingual sentence similarity finds the passage on the right topic but often not the
sentence holding the answer; a sentence that contains the kind of thing asked for (a
number for "how many", a name for "who") is a better quote. Interrogatives are listed for
the readers' languages; the detectors read the sources, which are Vietnamese or written in
a Latin script.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.answering.terms import numbers


class AnswerType(Enum):
    """A kind of answer."""

    NUMBER = "number"
    PERSON = "person"
    DATE = "date"
    PLACE = "place"
    PERIOD = "period"


_ASKS: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.NUMBER: re.compile(
        r"how many|how much|bao nhiêu|\bmấy\b|combien|cu[aá]nt[oa]s?|wie viele?|quant[oia]s?"
        r"|сколько|多少|几[个名位人]|何人|何名|いくつ|몇|얼마",
        re.IGNORECASE,
    ),
    AnswerType.PERSON: re.compile(
        r"\bwho\b|\bwhom\b|\bai\b|\bqui\b|qui[eé]n(?:es)?|\bwer\b|\bwem\b|\bwen\b|\bquem\b"
        r"|\bкто\b|\bкого\b|谁|誰|누구|누가",
        re.IGNORECASE,
    ),
    AnswerType.DATE: re.compile(
        r"\bwhen\b|khi nào|bao giờ|ngày nào|\bquand\b|cu[aá]ndo|\bwann\b|\bquando\b|когда"
        r"|何时|什么时候|哪一?天|いつ|언제",
        re.IGNORECASE,
    ),
    AnswerType.PLACE: re.compile(
        r"\bwhere\b|ở đâu|tại đâu|\boù\b|d[oó]nde|\bwo\b|\bonde\b|\bгде\b|哪里|在哪|何处|どこ|어디",
        re.IGNORECASE,
    ),
    AnswerType.PERIOD: re.compile(
        r"giai đoạn nào|thời kỳ nào|which period|what period|quelle période|qu[eé] per[ií]odo"
        r"|welche[nmr]? zeitraum|какой период|哪个(?:阶段|时期)|どの期間|어느 기간",
        re.IGNORECASE,
    ),
}

_PERSON = re.compile(
    r"\b(?:ông|bà|Ông|Bà|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+[A-ZĐ]"
    r"|(?:\b[A-ZĐ][\w]*\s+){2,}[A-ZĐ][\w]*"
)
_DATE = re.compile(
    r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?\b|\b(?:ngày|tháng|năm)\s+\d"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)
_PLACE = re.compile(r"\b(?:tại|ở|in|at)\s+(?:[\w.]+\s+)?[A-ZĐ]")
_PERIOD = re.compile(r"\b\d{4}\s*[–—-]\s*\d{4}\b")


def expected_types(question: str) -> frozenset[AnswerType]:
    """Return the kinds of answer ``question`` asks for (empty for open questions)."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


def provides(kind: AnswerType, sentence: str, *, question: str) -> bool:
    """Return True if ``sentence`` contains an answer of ``kind`` not already in ``question``."""
    if kind is AnswerType.NUMBER:
        return bool(numbers(sentence) - numbers(question))
    pattern = {
        AnswerType.PERSON: _PERSON,
        AnswerType.DATE: _DATE,
        AnswerType.PLACE: _PLACE,
        AnswerType.PERIOD: _PERIOD,
    }[kind]
    return pattern.search(sentence) is not None


def type_match(kinds: frozenset[AnswerType], sentence: str, *, question: str) -> float:
    """Return the share of the expected answer kinds that ``sentence`` provides."""
    if not kinds:
        return 0.0
    return sum(provides(kind, sentence, question=question) for kind in kinds) / len(kinds)
