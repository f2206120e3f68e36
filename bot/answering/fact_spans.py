"""The dates, years, numbers and names a quote holds, where they are, written for the reader.

Only spans of the quote, reformatted: a name is copied as the source writes it (names are
language-neutral), a date or a number is rewritten in the reader's locale by Babel
("15/6/2023" -> "15 June 2023", "15 juin 2023", "2023年6月15日"; "1.570" -> "1,570").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.answering.terms import folded_words, numbers

# Babel's plain "en" writes "June 15, 2023"; the sources' readers are mostly British-style.
_LOCALES = {"en": "en_GB", "zh": "zh_Hans"}

_FULL_DATE = re.compile(
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*(?:năm|,)\s*(?P<y>\d{4})"
    r"|(?<![\d/])(?P<d2>\d{1,2})\s*[/-]\s*(?P<m2>\d{1,2})\s*[/-]\s*(?P<y2>\d{4})(?![\d/])"
)
_MONTH_YEAR = re.compile(r"tháng\s+(?P<m>\d{1,2})\s*(?:/|-|năm)\s*(?P<y>\d{4})")
_DAY_MONTH = re.compile(
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?!\d)"
    r"|(?<![\d/.,])(?P<d2>\d{1,2})\s*/\s*(?P<m2>\d{1,2})(?![\d/.,])"
)
# A year stands alone ("năm 1939", "1800,"): four digits from 1000 to 2099, not part of
# a longer number, a decimal or a code.
_YEAR = re.compile(r"(?<![\w.,/-])(?P<y>1\d{3}|20\d{2})(?![\w/]|[.,]\d)")
# Vietnamese numbers: dots between thousands, a comma before decimals; a scale word after.
_NUMBER = re.compile(
    r"(?<![\w.,/])(?P<n>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<f>\d+))?(?![\w/])"
    r"(?:\s+(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ))?(?P<pct>\s*%)?"
)
_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
# A word of a name: letters, digits and inner marks ("Jolie-Pitt", "OS/2", "P-38G", "R.B.").
_TOKEN = re.compile(r"[^\W_][\w'’./-]*")
# Letters only Vietnamese writes: a capitalised word with one that opens a sentence is
# most often an ordinary word ("Kết", "Nghiên"), a name most often has a second word.
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
# Lower-case words that may join the capitalised words of one name ("Fahd bin Abdulaziz").
_JOINERS = frozenset({"de", "of", "bin", "van", "von", "der", "du", "al"})
# Words that open a sentence or a clause with a capital without being a name.
_NOT_NAME_WORDS = """
    the a an in on at of for and but he she it they we his her its their this that these
    those there when after before during while as by from with to is was le la les un une
    des el los las il lo der die das ein eine năm ngày tháng theo trong khi sau trước
    với vào từ đến ông bà anh chị cô họ nó những các một này đó tuy nhiên ngoài bên tại ở
    là được có cũng vì nếu mặc dù đây đồng thời hiện nay ban đầu cuối cùng vua sông núi"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


@dataclass(frozen=True)
class Span:
    """A fact in a quote: where it is and how the reader reads it."""

    start: int
    end: int
    text: str


def locale_for(language: str) -> Locale:
    """Return the Babel locale the facts are written in for readers of ``language``."""
    try:
        return Locale.parse(_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def _valid(year: int, month: int, day: int = 1) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def load_locales(languages: Iterable[str]) -> None:
    """Load Babel's data for these readers now: a first use reads it from disk (~40 ms)."""
    sample = date(2023, 6, 15)
    for language in languages:
        locale = locale_for(language)
        format_date(sample, "long", locale=locale)
        format_skeleton("yMMMM", sample, locale=locale)
        format_decimal(1200.5, locale=locale)
        format_percent(0.4, locale=locale)


def dates(text: str, locale: Locale) -> list[Span]:
    """Return the dates of ``text`` in order; where readings overlap, the fullest wins."""
    found: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: date | None, written: str) -> None:
        if value is not None and not _overlaps(match.span(), taken):
            found.append(Span(match.start(), match.end(), written))
            taken.append(match.span())

    for match in _FULL_DATE.finditer(text):
        d, m, y = (match.group(k) or match.group(k + "2") for k in "dmy")
        value = _valid(int(y), int(m), int(d))
        add(match, value, format_date(value, "long", locale=locale) if value else "")
    for match in _MONTH_YEAR.finditer(text):
        value = _valid(int(match["y"]), int(match["m"]))
        add(match, value, format_skeleton("yMMMM", value, locale=locale) if value else "")
    for match in _DAY_MONTH.finditer(text):
        d, m = (match.group(k) or match.group(k + "2") for k in "dm")
        value = _valid(2000, int(m), int(d))
        add(match, value, format_skeleton("MMMMd", value, locale=locale) if value else "")
    for span in years(text, locale):
        if not _overlaps((span.start, span.end), taken):
            found.append(span)
    return sorted(found, key=lambda s: s.start)


def years(text: str, locale: Locale) -> list[Span]:
    """Return the years of ``text``, dates included (the year of "15/6/2023")."""
    return [
        Span(m.start(), m.end(), format_skeleton("y", date(int(m["y"]), 1, 1), locale=locale))
        for m in _YEAR.finditer(text)
    ]


def amounts(text: str, question: str, locale: Locale) -> list[Span]:
    """Return the numbers of ``text`` that are not dates nor numbers of the question."""
    asked = numbers(question)
    dated = [(s.start, s.end) for s in dates(text, locale)]
    found = []
    for match in _NUMBER.finditer(text):
        whole = match["n"].replace(".", "")
        if whole.lstrip("0") in asked or _overlaps(match.span(), dated):
            continue
        value: float = float(f"{whole}.{match['f']}") if match["f"] else int(whole)
        if match["scale"]:
            value *= _SCALES[match["scale"]]
        written = (
            format_percent(value / 100, locale=locale, decimal_quantization=False)
            if match["pct"]
            else format_decimal(value, locale=locale)
        )
        found.append(Span(match.start(), match.end(), written))
    return found


def names(text: str, question: str) -> list[Span]:
    """Return the runs of capitalised words of ``text`` that the question does not name."""
    asked = f" {folded_words(question)} "
    found: list[Span] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and not _capitalised(run[-1].group()):
            run.pop()
        if run:
            start, end = run[0].start(), run[-1].end()
            while end > start and text[end - 1] in ".,'’-/":
                end -= 1
            name = text[start:end]
            opening = not text[:start].strip() or text[:start].rstrip(" \"'“(")[-1:] in ".!?:;\n"
            if opening and len(run) == 1 and _VIETNAMESE.search(name):
                name = ""  # "Kết quả là ...": a Vietnamese word capitalised to open a sentence
            if name and f" {folded_words(name)} " not in asked:
                found.append(Span(start, end, name))
        run.clear()

    for match in _TOKEN.finditer(text):
        word = match.group()
        adjacent = bool(run) and _continues(text, run[-1], match)
        if _capitalised(word):
            if not adjacent:
                close()
            run.append(match)
        elif adjacent and word in _JOINERS:
            run.append(match)
        else:
            close()
    close()
    return found


def _capitalised(word: str) -> bool:
    """Return True for a word that may be part of a name (not a capitalised function word)."""
    return word[0].isupper() and word.rstrip(".,").casefold() not in _NOT_NAMES


def _continues(text: str, previous: re.Match[str], match: re.Match[str]) -> bool:
    """Return True if ``match`` follows ``previous`` in one name: only a space between.

    A full stop ends the name unless it marks an initial ("R.B. Bean", "TP. Hồ Chí Minh").
    """
    if text[previous.end() : match.start()].strip():
        return False
    word = previous.group()
    return not word.endswith(".") or len(word.replace(".", "")) <= 2
