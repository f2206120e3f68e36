"""The fact asked for, in the reader's language: a date, a number, a name or a place.

Only spans of a quote, reformatted: a name or a place is copied as the source writes it
(names are language-neutral), a date or a number is rewritten in the reader's locale by
Babel ("15/6/2023" -> "15 June 2023", "15 juin 2023", "2023年6月15日"). A quote that
holds more than one candidate of the asked kind gives no short answer: a wrong fact is
worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.answering.question_types import AnswerType, expected_types, question_patterns
from bot.answering.terms import folded_words, numbers
from bot.answering.translation_check import person_names

# How far into a Latin or Cyrillic question its interrogative may start ("By 2016, how many").
_HEAD_CHARS = 25
# Babel's plain "en" writes "June 15, 2023"; the sources' readers are mostly British-style.
_LOCALES = {"en": "en_GB", "zh": "zh_Hans"}

_FULL_DATE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"|(?<![\d/])(?P<d2>\d{1,2})\s*[/-]\s*(?P<m2>\d{1,2})\s*[/-]\s*(?P<y2>\d{4})(?![\d/])"
)
_MONTH_YEAR = re.compile(r"tháng\s+(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})")
_DAY_MONTH = re.compile(r"(?<![\d/.,])(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![\d/.,])")
_YEAR = re.compile(r"(?:năm|vào)\s+(?P<y>1\d{3}|20\d{2})(?!\d)")
# Vietnamese numbers: dots between thousands, a comma before decimals; a scale word after.
_NUMBER = re.compile(
    r"(?<![\w.,/])(?P<n>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<f>\d+))?(?![\w/])"
    r"(?:\s+(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ))?(?P<pct>\s*%)?"
)
_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_WORD = r"[A-ZĐÀ-Ỹ][\wÀ-ỹđ'’-]*"
_PLACE = re.compile(rf"\b(?:tại|ở)\s+(?P<place>(?:TP\.\s*)?{_WORD}(?:\s+{_WORD}){{0,4}})")
# "TP. Hồ Chí Minh" is a city: a name after these words is a place's.
_PLACE_BEFORE = re.compile(r"(?:TP\.|Tp\.|[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Đđ]ường)\s*$")
_TITLED = re.compile(
    rf"\b(?:ông|bà|Ông|Bà|Mr\.?|Mrs\.?|Ms\.?|Tổng thống|Thủ tướng|Chủ tịch|Giáo sư|Tiến sĩ)\s+"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})"
)


@dataclass(frozen=True)
class ShortAnswer:
    """The fact, written for the reader, and the number of the quote it comes from."""

    text: str
    citation: int

    def render(self) -> str:
        """Return the fact with its citation marker: "15 June 2023 [1]"."""
        return f"{self.text} [{self.citation}]"


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def _valid(year: int, month: int, day: int = 1) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates(text: str, locale: Locale) -> list[str]:
    found: list[str] = []
    rest = text
    for match in _FULL_DATE.finditer(text):
        d, m, y = (match.group(k) or match.group(k + "2") for k in "dmy")
        value = _valid(int(y), int(m), int(d))
        if value:
            found.append(format_date(value, "long", locale=locale))
        rest = rest.replace(match.group(), " ")
    for match in _MONTH_YEAR.finditer(rest):
        value = _valid(int(match["y"]), int(match["m"]))
        if value:
            found.append(format_skeleton("yMMMM", value, locale=locale))
        rest = rest.replace(match.group(), " ")
    for match in _DAY_MONTH.finditer(rest):
        value = _valid(2000, int(match["m"]), int(match["d"]))
        if value:
            found.append(format_skeleton("MMMMd", value, locale=locale))
        rest = rest.replace(match.group(), " ")
    found += [
        format_skeleton("y", date(int(m["y"]), 1, 1), locale=locale) for m in _YEAR.finditer(rest)
    ]
    return found


def _numbers(text: str, question: str, locale: Locale) -> list[str]:
    asked = numbers(question)
    undated = _FULL_DATE.sub(" ", _MONTH_YEAR.sub(" ", _DAY_MONTH.sub(" ", _YEAR.sub(" ", text))))
    found = []
    for match in _NUMBER.finditer(undated):
        whole = match["n"].replace(".", "")
        if whole in asked or whole.lstrip("0") in asked:
            continue
        value: float = float(f"{whole}.{match['f']}") if match["f"] else int(whole)
        if match["scale"]:
            value *= _SCALES[match["scale"]]
        if match["pct"]:
            found.append(format_percent(value / 100, locale=locale, decimal_quantization=False))
        else:
            found.append(format_decimal(value, locale=locale))
    return found


def _names(text: str, question: str) -> list[str]:
    """Return people's names: Vietnamese ones, else names after a title (ông, Mr, ...)."""
    asked = f" {folded_words(question)} "

    def new(names: list[str]) -> list[str]:
        return [n for n in names if f" {folded_words(n)} " not in asked]

    people = [n for n in person_names(text) if not _PLACE_BEFORE.search(text[: text.find(n)])]
    vietnamese = new(sorted(people, key=text.find))
    if vietnamese:
        return vietnamese
    # Other capitalised runs are as often a place, a title or a work as a person: no guess.
    return new([m["name"] for m in _TITLED.finditer(text)])


def _places(text: str, question: str) -> list[str]:
    asked = f" {folded_words(question)} "
    return [
        m["place"] for m in _PLACE.finditer(text) if f" {folded_words(m['place'])} " not in asked
    ]


def candidates(kind: AnswerType, text: str, *, question: str, language: str) -> list[str]:
    """Return the distinct facts of ``kind`` in ``text`` (a quote), written for the reader."""
    locale = _locale(language)
    if kind is AnswerType.DATE:
        found = _dates(text, locale)
    elif kind is AnswerType.NUMBER:
        found = _numbers(text, question, locale)
    elif kind is AnswerType.PERSON:
        found = _names(text, question)
    elif kind is AnswerType.PLACE:
        found = _places(text, question)
    else:
        found = []
    return list(dict.fromkeys(found))


def _asked_first(question: str) -> bool:
    """Return False when a Latin or Cyrillic question's interrogative is not at its head.

    In "What did the group rename themselves when Bennington joined?" the "when" belongs
    to a clause; the question asks for a name. Chinese, Japanese, Korean and Vietnamese
    put the interrogative anywhere, so their questions pass.
    """
    if not re.match(r"[\W\d_]*[A-Za-zÀ-ÿЀ-ӿ]", question) or re.search(r"[à-ỹđ]", question):
        return True
    starts = [m.start() for p in question_patterns() if (m := p.search(question))]
    return bool(starts) and min(starts) < _HEAD_CHARS


def short_answer(question: str, quotes: Sequence[str], language: str) -> ShortAnswer | None:
    """Return the fact ``question`` asks for if the first quote holds exactly one of it."""
    kinds = expected_types(question)
    if len(kinds) != 1 or not quotes or not _asked_first(question):
        return None
    (kind,) = kinds
    found = candidates(kind, quotes[0], question=question, language=language)
    return ShortAnswer(found[0], 1) if len(found) == 1 else None
