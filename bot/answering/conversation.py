"""Resolving follow-up questions ("and in 2016?") against the conversation's previous turn."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# Openers that continue the previous question, in the readers' languages.
_CONTINUATION = re.compile(
    r"^\s*(?:and|what about|how about|also|còn|và|thế còn|vậy còn|et|qu'en est-il|y|und"
    r"|was ist mit|а|и|что насчёт|что насчет|e)\b",
    re.IGNORECASE,
)
_CJK_CONTINUATION = re.compile(r"^\s*(?:那|那么|还有|それでは|では|じゃあ|그럼|그러면)")
# Pronouns that point back to someone or something named before.
_ANAPHORA = re.compile(
    r"\b(?:he|she|it|they|him|her|them|his|its|their|there|that|this|ông ấy|bà ấy|họ|đó"
    r"|il|elle|ils|elles|lui|er|sie|ihn|ihm|él|ella|ellos|он|она|они|его|её|их)\b"
    r"|他|她|它|他们|彼|彼女|그는|그녀",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD = re.compile(r"\w+")


class PreviousTurn(Protocol):
    """What resolution needs of the previous turn (``bot.store.Turn`` has it)."""

    @property
    def resolved_question(self) -> str:
        """The previous question as it was searched."""
        ...

    @property
    def language(self) -> str:
        """The previous answer's language."""
        ...


@dataclass(frozen=True)
class Resolved:
    """The question to search for, and the previous turn's language when it was a follow-up."""

    question: str
    follow_up: bool
    previous_language: str | None = None


def is_follow_up(question: str, *, max_words: int = 3, max_anaphoric_words: int = 10) -> bool:
    """Return True if ``question`` only makes sense after the previous one."""
    words = len(_WORD.findall(question))
    cjk_chars = sum(ord(ch) >= 0x3000 for ch in question)
    if cjk_chars:
        # CJK has no spaces: count characters instead of words.
        return bool(_CJK_CONTINUATION.match(question)) or cjk_chars <= 2 * max_words
    if _CONTINUATION.match(question) and words <= max_anaphoric_words:
        return True
    if words <= max_words:
        return True
    return bool(_ANAPHORA.search(question)) and words <= max_anaphoric_words


def resolve(question: str, history: Sequence[PreviousTurn]) -> Resolved:
    """Expand a follow-up with the previous question, replacing its years with the new ones.

    "and in 2016?" after "Where was the 2023 review held?" is searched as
    "Where was the 2016 review held? and in 2016?", so that its key terms are those of
    the follow-up, not of the question before.
    """
    if not history or not is_follow_up(question):
        return Resolved(question, follow_up=False)
    previous = history[-1]
    earlier = previous.resolved_question
    years = _YEAR.findall(question)
    if years and _YEAR.search(earlier):
        earlier = _YEAR.sub(years[0], earlier)
    return Resolved(f"{earlier} {question}", follow_up=True, previous_language=previous.language)
