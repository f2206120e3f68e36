"""Cutting a document's indexed text into sentences that can be quoted verbatim.

Answers quote these sentences and ingestion aligns editions by them, so both cut alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at . ! ? … or a CJK full stop, optionally followed by closing quotes or
# brackets, before whitespace; a line break always ends one (headings, captions).
_END = re.compile(r"(?:[.!?…](?:[\"”’»)\]]*)(?=\s)|[。！？](?:[」』”)]*))|\n")
# A period after a title, initial or city prefix ("TP. Hồ Chí Minh", "Mr. Smith",
# "No. 57") does not end the sentence.
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-ZĐ]|TP|Tp|TS|ThS|PGS|GS|Mr|Mrs|Ms|Dr|St|No|Nr|Art)$")
# A lower-case continuation ("v.v... do", "điện tử… góp phần") is one sentence.
_LOWER_NEXT = re.compile(r"\s*[a-zà-ỹđ]")
# Below this many word characters a piece is a caption, byline or heading fragment.
_MIN_CHARS = 24


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document: ``text == document_text[start:end]``."""

    doc_id: str
    start: int
    end: int
    text: str


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """Return the quotable sentences of ``text`` in order, trimmed of surrounding space.

    Pieces too short to carry a statement (captions, bylines) are left out.
    """
    return list(_split_cached(doc_id, text))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of every piece of ``text`` between sentence ends.

    The pieces cover the text but for the space between them; short ones (captions,
    headings) are kept, so chunking can cut the whole text by the rule quotes follow.
    """
    bounds: list[tuple[int, int]] = []
    cursor = 0
    for match in _END.finditer(text):
        if match.group() == "\n":
            if _is_soft_break(text, match.start()):
                continue
        elif _ABBREVIATION.search(text[cursor : match.start()]) or _LOWER_NEXT.match(
            text, match.end()
        ):
            continue
        _trimmed(bounds, text, cursor, match.end())
        cursor = match.end()
    _trimmed(bounds, text, cursor, len(text))
    return bounds


def _trimmed(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        begin = start + piece.index(stripped)
        bounds.append((begin, begin + len(stripped)))


@lru_cache(maxsize=256)
def _split_cached(doc_id: str, text: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(doc_id, start, end, text[start:end])
        for start, end in sentence_bounds(text)
        if _carries_a_statement(text[start:end])
    )


def _is_soft_break(text: str, index: int) -> bool:
    r"""Return True for a line break inside a sentence (a wrapped line: "O\n2", "và\nsau").

    A break after end punctuation, before a blank line or before a capital (a heading,
    a new paragraph) ends the sentence.
    """
    before = text[:index].rstrip(" \t")
    after = text[index + 1 :]
    if not before or not after or after.startswith("\n"):
        return False
    if before[-1] in '.!?…:;。！？"”’»)]':
        return False
    head = after.lstrip(" \t")[:1]
    return bool(head) and (head.islower() or head.isdigit())


def _carries_a_statement(piece: str) -> bool:
    # A CJK character carries about as much as a short Latin word.
    weight = sum(3 if ord(ch) >= 0x2E80 else 1 for ch in piece if ch.isalnum())
    return weight >= _MIN_CHARS
