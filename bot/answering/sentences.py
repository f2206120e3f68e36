"""Which sentences lean on their predecessor, and which address the assistant."""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.sentences import Sentence, split_sentences

__all__ = ["Sentence", "is_instruction", "leans_on_previous", "split_sentences"]

# Sentences that address the assistant rather than the reader: prompt injection. They
# are neither quoted nor accepted as support for what an LLM writes.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,30}\b(?:instructions?|prompts?|rules)\b"
    r"|\b(?:system prompt|you are now|reply only|answer only|respond only)\b"
    r"|\btell (?:every|all|the) (?:readers?|users?)\b|</?(?:system|source|assistant)>"
    r"|bỏ qua.{0,30}(?:hướng dẫn|chỉ dẫn|yêu cầu)|ignorez?.{0,30}\binstructions\b",
    re.IGNORECASE,
)
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
