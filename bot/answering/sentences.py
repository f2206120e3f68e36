"""Which sentences lean on their predecessor, address the assistant, or are no sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.sentences import Sentence, split_sentences

__all__ = [
    "Sentence",
    "is_caption",
    "is_instruction",
    "is_quotable",
    "leans_on_previous",
    "split_sentences",
]

# Sentences that address the assistant rather than the reader: prompt injection. They
# are neither quoted nor accepted as support for what an LLM writes.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,30}\b(?:instructions?|prompts?|rules)\b"
    r"|\b(?:system prompt|you are now|reply only|answer only|respond only)\b"
    r"|\btell (?:every|all|the) (?:readers?|users?)\b|</?(?:system|source|assistant)>"
    r"|bỏ qua.{0,30}(?:hướng dẫn|chỉ dẫn|yêu cầu)|ignorez?.{0,30}\binstructions\b",
    re.IGNORECASE,
)
# A photo caption, a byline or a credit is a short line of names, not a statement:
# "Thủ tướng Lào Thongloun Sisoulith.", "Tuyết Mai (Theo Huffington Post)", "Ảnh: TTXVN".
# Short and generic, such a line is close to every question and answers none.
CAPTION_WORDS = 8
_CREDIT = re.compile(r"\b(?:Ảnh|Photo|Nguồn|Source)\s*:", re.IGNORECASE)


@lru_cache(maxsize=16384)
def is_caption(text: str) -> bool:
    """Return True if ``text`` is a caption, byline or credit rather than a sentence.

    A line of at most ``CAPTION_WORDS`` words with at most one lower-case word (a title
    and a name) or a photo credit. Cached like ``is_instruction``.
    """
    words = text.split()
    if len(words) > CAPTION_WORDS:
        return False
    if _CREDIT.search(text):
        return True
    lower = sum(1 for word in words if (letter := _first_letter(word)) and letter.islower())
    return len(words) >= 2 and lower <= 1


def _first_letter(word: str) -> str:
    return next((c for c in word if c.isalpha()), "")


# A sentence that opens with a pronoun or a back-reference leans on the one before it:
# "Ông là người cao tuổi nhất..." says nothing of whom without its predecessor. A title
# followed by a name ("Ông Nguyễn Văn A") names its subject and stands alone.
_REFERENCE = re.compile(
    r"^(?:(?:Ông|Bà|Anh|Chị|Cô|Em)(?:\s+(?:ấy|ta|này))?(?!\s+[A-ZĐÀ-Ỹ])"
    r"|Họ|Nó|Hắn|Điều này|Việc này|Đây|Đó là|Theo (?:ông|bà|anh|chị)"
    r"|He|She|It|They|This|These|That|Those|His|Her|Its|Their"
    r"|Il|Elle|Ils|Elles|Cela|Ceci)\b"
)


def leans_on_previous(text: str) -> bool:
    """Return True when ``text`` opens with a pronoun that refers to the sentence before."""
    return _REFERENCE.match(text) is not None


@lru_cache(maxsize=16384)
def is_instruction(text: str) -> bool:
    """Return True if ``text`` gives orders to an assistant ("ignore previous instructions").

    Cached: every answer checks the same candidate sentences again.
    """
    return _INSTRUCTION.search(text) is not None


def is_quotable(text: str) -> bool:
    """Return True unless ``text`` addresses the assistant or is a caption, byline or credit."""
    return not (is_instruction(text) or is_caption(text))
