"""Which fact a question asks for, when it asks for one: a year, a date, a number, a name.

Only the interrogative at the head of the question counts: in "What did the group rename
themselves when Bennington joined?" the "when" belongs to a clause and the question asks
for a name. Chinese, Japanese, Korean and Vietnamese put the interrogative anywhere.
"""

from __future__ import annotations

import re
from enum import Enum


class FactKind(Enum):
    """A kind of fact a short answer can state."""

    YEAR = "year"
    DATE = "date"
    NUMBER = "number"
    PERSON = "person"
    PLACE = "place"
    NAME = "name"


# How far into a Latin or Cyrillic question its interrogative may start ("By 2016, how many").
_HEAD_CHARS = 25
# How many words may follow an interrogative that ends the question ("... of whom?").
_TAIL_WORDS = 2
_PLACES = (
    r"city|country|state|province|region|town|village|island|river|continent|nation"
    r"|ville|pays|ciudad|país|provincia|stadt|land|город|стран[аеуы]"
)
# Most specific first: "what year" is a year, not any name; "when" any date.
_ASKS: tuple[tuple[FactKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            FactKind.YEAR,
            r"\b(?:what|which) (?:year|decade|century)\b|en quelle année|quelle année"
            r"|en qu[eé] año|qu[eé] año|in welchem jahr|welches jahr|в каком году|какого года"
            r"|哪一年|哪年|何年に|몇 년도|năm nào|năm bao nhiêu",
        ),
        (
            FactKind.DATE,
            r"\bwhen\b|\b(?:what|which) (?:date|day|month)\b|khi nào|bao giờ|ngày nào|tháng nào"
            r"|\bquand\b|quel jour|quelle date|cu[aá]ndo|\bwann\b|\bquando\b|когда|何时"
            r"|什么时候|哪一?天|いつ|언제",
        ),
        (
            FactKind.NUMBER,
            r"how (?:many|much|old|long|tall|high|far|large|big|close|deep|wide|heavy)"
            r"|\bwhat (?:percentage|percent|proportion|share|number)\b"
            r"|\bwhat (?:is|was) the (?:population|cost|price|size|area|length|height|number)\b"
            r"|bao nhiêu|\bmấy\b|combien|quel pourcentage|cu[aá]nt[oa]s?|wie viele?"
            r"|quant[oia]s?|сколько|多少|几[个名位人岁]|何人|何名|いくつ|몇|얼마",
        ),
        (
            FactKind.PERSON,
            r"\bwho\b|\bwhom\b|\bwhose\b|\bai\b|\bqui\b|qui[eé]n(?:es)?|\bwer\b|\bwem\b|\bwen\b"
            r"|\bquem\b|\bкто\b|\bкого\b|谁|誰|누구|누가",
        ),
        (
            FactKind.PLACE,
            rf"\bwhere\b|\b(?:what|which) (?:{_PLACES})\b|in what (?:{_PLACES})\b|ở đâu|tại đâu"
            r"|(?:nước|quốc gia|thành phố|tỉnh|vùng|khu vực) nào|哪个(?:国家|城市|省)"
            r"|\boù\b|d[oó]nde|\bwo\b|\bonde\b|\bгде\b|哪里|在哪|何处|どこ|어디",
        ),
        (
            FactKind.NAME,
            r"\bwhat (?:is|was) the name\b|\bwhat (?:is|was) (?:it|he|she) called\b"
            # "Which city", "what company": one named thing; "what weaknesses" is open.
            r"|\bwhich (?!(?:is|was|are|were|of|one|ones|way|ways|kind|type|sort)\b)[a-z]+\b"
            r"|\bwhat (?:company|team|club|film|movie|song|album|book|party|program|ship|award"
            r"|website|band|temple|president|sport|language)\b"
            r"|comment s'appelle|quel est le nom|c[oó]mo se llama|как называ|叫什么|tên (?:là )?gì",
        ),
    )
)


_NAMED = frozenset({FactKind.PERSON, FactKind.PLACE, FactKind.NAME})


def fact_kind(question: str) -> FactKind | None:
    """Return the one kind of fact ``question`` asks for, or None (open, or asks two)."""
    found = [(m, kind) for kind, pattern in _ASKS if (m := pattern.search(question))]
    if not found:
        return None
    anywhere = not re.search(r"[A-Za-zÀ-ÿЀ-ӿ]", question) or re.search(r"[à-ỹđ]", question)
    first, kind = min(found, key=lambda f: f[0].start())
    # "... is the co-official language of what country?" asks at its end.
    at_end = kind in _NAMED and len(question[first.end() :].split()) <= _TAIL_WORDS
    if not (anywhere or first.start() < _HEAD_CHARS or at_end):
        return None
    # "When did Pichai join Google and who ..." asks for two facts: no short answer.
    family = {FactKind.YEAR: FactKind.DATE}
    strong = {FactKind.DATE, FactKind.NUMBER, FactKind.PERSON}
    asked = {family.get(k, k) for m, k in found if m.start() != first.start()} & strong
    return kind if asked <= {family.get(kind, kind)} else None
