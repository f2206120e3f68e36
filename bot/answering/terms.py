"""Key terms of a question that any answer must contain: numbers, codes and names.

Numbers, years, acronyms and codes are written the same way in every language, so they
can be checked against Vietnamese sources whatever the question's language. Capitalised
names are compared without diacritics, so "Nguyen Trong Nghia" matches "Nguyễn Trọng Nghĩa".
"""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.keyword_tokens import fold_accents

_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d.,]?\d)")
_NUMBER = re.compile(r"\d+")
_ROMAN = re.compile(r"\b(?=[IVXL]{2,}\b)(L?X{0,3})(IX|IV|V?I{0,3})\b")
# Latin-script tokens with two capitals or letters and digits mixed: GDP, COP28, TTXVN, G20.
_CODE = re.compile(r"\b(?=[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z0-9])[A-Za-z]+[A-Za-z0-9]*\b")
_DOMAIN = re.compile(r"\b[a-z0-9-]+(?:\.[a-z]{2,})+\b", re.IGNORECASE)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_MONTHS = {
    # en, fr, es, de, pt, it, ru (nominative and genitive stems)
    1: "january janvier enero januar janeiro gennaio январ",
    2: "february février febrero februar fevereiro febbraio феврал",
    3: "march mars marzo märz março марта? март",
    4: "april avril abril aprile апрел",
    5: "may mai mayo maio maggio мая май",
    6: "june juin junio juni junho giugno июн",
    7: "july juillet julio juli julho luglio июл",
    8: "august août agosto август",
    9: "september septembre septiembre setiembre setembro settembre сентябр",
    10: "october octobre octubre oktober outubro ottobre октябр",
    11: "november novembre noviembre novembro ноябр",
    12: "december décembre diciembre dezember dezembro dicembre декабр",
}
_MONTH_NUMBER = {name: month for month, names in _MONTHS.items() for name in names.split()}
# A month name counts only beside a day or year ("14 June", "November 2016"): "mai" is
# also Vietnamese for "tomorrow" and "may" an English verb.
_MONTH = re.compile(
    r"(?<=\d[\s.])\s*(?P<a>" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\w*"
    r"|\b(?P<b>" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\w*(?=\s+\d)",
    re.IGNORECASE,
)


def _roman_value(numeral: str) -> int:
    total = 0
    for current, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[current]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


@lru_cache(maxsize=8192)
def numbers(text: str) -> frozenset[str]:
    """Return the numbers in ``text`` (digits, Roman numerals, months), without leading zeros.

    Cached: every answer looks for numbers in the same candidate sentences again.

    "10/11/2016" gives {"10", "11", "2016"}, "1.570" gives {"1570"}, "XIII" gives {"13"},
    "November 2016" gives {"11", "2016"}.
    """
    joined = _THOUSANDS.sub(lambda m: re.sub(r"[.,]", "", m.group()), text)
    found = {str(int(digits)) for digits in _NUMBER.findall(joined)}
    found.update(str(_roman_value(m.group())) for m in _ROMAN.finditer(text) if m.group())
    for match in _MONTH.finditer(text):
        name = (match.group("a") or match.group("b")).lower()
        found.add(str(_MONTH_NUMBER[name]))
    return frozenset(found)


def codes(text: str) -> set[str]:
    """Return acronyms, alphanumeric codes and domain names, folded to lower case.

    A word in mixed case without digits ("WHen" typed in haste) is not a code.
    """
    found = {
        m.group().lower()
        for m in _CODE.finditer(text)
        if not _ROMAN.fullmatch(m.group())
        and (m.group().isupper() or any(ch.isdigit() for ch in m.group()))
    }
    found.update(m.group().lower() for m in _DOMAIN.finditer(text))
    return found


@lru_cache(maxsize=4096)
def folded_words(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics, spaces collapsed, for containment."""
    return " ".join(re.findall(r"\w+", fold_accents(text).lower()))


def key_terms(question: str) -> frozenset[str]:
    """Return the terms of ``question`` that a supporting passage must contain."""
    return frozenset(numbers(question) | codes(question))


def decisive(term: str) -> bool:
    """Return True for a term no source writes another way (a year, a code, a domain).

    That is a number of two digits or more, a code with digits (COP28, 57-KL/TW) or a
    domain name. Acronyms may be spelled out ("VNA", "Thông tấn xã Việt Nam") and small numbers
    written as words ("4", "bốn"), so their absence is only evidence, not proof.
    """
    if term.isdigit():
        return len(term) >= 2
    return any(ch.isdigit() for ch in term) or "." in term


def covered(terms: frozenset[str], evidence: str) -> frozenset[str]:
    """Return the ``terms`` that occur in ``evidence`` (numbers by value, codes as words)."""
    found_numbers = numbers(evidence)
    words = f" {folded_words(evidence)} "
    return frozenset(
        term for term in terms if term in found_numbers or f" {folded_words(term)} " in words
    )
