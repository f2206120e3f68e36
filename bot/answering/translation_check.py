"""Whether a machine translation kept what must not change: numbers, dates, codes, names.

A translation that turns "15/6/2023" into "15/6/2024", or drops "Nguyễn Trọng Nghĩa",
misquotes an official source; it is discarded and the original shown alone. Numbers are
compared by value (months written as words count: "15 June 2023" keeps 15, 6, 2023),
codes with digits as written, and Vietnamese personal names without diacritics.
"""

from __future__ import annotations

import re

from bot.answering.terms import codes, decisive, folded_words, numbers

# Vietnamese family names that open most personal names and no common place name
# ("Hà Nội", "Thái Bình", "Cao Bằng", "Lâm Đồng" are places); a capitalised run of two to
# four syllables starting with one is taken for a person's name.
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô|Đinh|Đoàn|Trịnh|Trương"
    "|Lương|Kiều|Vương|Quách|Triệu"
)
_SYLLABLE = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]+"
# Document numbers such as 57-KL/TW or 25/2022/NĐ-CP, kept as written.
_DOCUMENT_CODE = re.compile(r"(?<!\w)\d+(?:/\d+)*[-/][A-ZĐ]+(?:[-/][A-ZĐ]+)*(?!\w)")
_PERSON = re.compile(r"(?<!\w)(?:" + _SURNAMES + r")(?:\s+" + _SYLLABLE + r"){1,3}(?!\w)")


def person_names(text: str) -> set[str]:
    """Return the Vietnamese personal names in ``text``."""
    return {match.group() for match in _PERSON.finditer(text)}


def translation_problem(original: str, translation: str) -> str | None:
    """Return what the translation changed or dropped, or None when it kept everything."""
    if not translation.strip():
        return "the translation is empty"
    kept, given = numbers(original), numbers(translation)
    if kept != given:
        changed = sorted(kept ^ given, key=lambda n: (len(n), n))
        return f"numbers differ: {', '.join(changed)}"
    for code in sorted(set(_DOCUMENT_CODE.findall(original))):
        if code not in translation:
            return f"the code {code} is missing"
    words = f" {folded_words(translation)} "
    for code in sorted(c for c in codes(original) if decisive(c)):
        if f" {folded_words(code)} " not in words:
            return f"the code {code} is missing"
    for name in sorted(person_names(original)):
        if f" {folded_words(name)} " not in words:
            return f"the name {name} is missing"
    return None
