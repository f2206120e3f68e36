"""Cutting a document's indexed text into sentences that can be quoted verbatim.

Answers quote these sentences and ingestion aligns editions by them, so both cut alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

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
_LIST_ITEM = re.compile(r"(?:\d{1,3}|[a-zđ])[.)]\s")  # "2. ", "a) ", "đ) "
_ENDS_SENTENCE = '.!?…:;。！？"”’»)]'
# A text is hard-wrapped when at least this many lines run on into a lower-case line
# and their lengths cluster within this many characters (10th to 90th percentile).
_MIN_WRAPPED_LINES = 5
_MAX_WRAP_SPREAD = 25
# A wrapped line may run a few characters past the widths seen (a long last word).
_WRAP_SLACK = 5


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
    band = wrap_band(text.split("\n"))
    for match in _END.finditer(text):
        if match.group() == "\n":
            if _is_soft_break(text, match.start(), band):
                continue
        elif _continues(text, cursor, match):
            continue
        _trimmed(bounds, text, cursor, match.end())
        cursor = match.end()
    _trimmed(bounds, text, cursor, len(text))
    return bounds


def _continues(text: str, cursor: int, match: re.Match[str]) -> bool:
    """Return True when the full stop of ``match`` does not end the sentence since ``cursor``.

    It follows an abbreviation, a list item's number ("2. The right...") or comes before
    lower case.
    """
    piece = text[cursor : match.start()]
    return bool(
        _ABBREVIATION.search(piece)
        or piece.strip().isdigit()
        or _LOWER_NEXT.match(text, match.end())
    )


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


def wrap_band(lines: list[str]) -> tuple[int, int] | None:
    r"""Return the range of line lengths a hard-wrapped text breaks at, or None.

    Text copied from a PDF breaks its lines at a fixed width, before capitals as well as
    before lower case ("vote when the\nState hold referendum."). The lines that run on
    into a lower-case line show the width; where they cluster, a line of that length
    that ends in a word runs on whatever the next line starts with. Web articles (a
    paragraph per line) and headings have no such cluster.
    """
    wrapped = sorted(len(line.rstrip()) for line, after in pairwise(lines) if runs_on(line, after))
    if len(wrapped) < _MIN_WRAPPED_LINES:
        return None
    low, high = wrapped[len(wrapped) // 10], wrapped[-1 - len(wrapped) // 10]
    return (low, high) if high - low <= _MAX_WRAP_SPREAD else None


def unwrap(text: str) -> str:
    """Join the lines of a hard-wrapped text into paragraphs (see ``runs_on``)."""
    rows = [" ".join(raw.split()) for raw in text.split("\n")]
    band = wrap_band(rows)
    lines: list[str] = []
    for previous, line in zip(["", *rows], rows, strict=False):
        if lines and lines[-1] and runs_on(previous, line, band):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def runs_on(line: str, after: str, band: tuple[int, int] | None = None) -> bool:
    r"""Return True when ``line`` breaks inside a sentence that the line ``after`` goes on.

    A wrapped line runs on ("O\n2", "và\nsau"). A line that ends with end punctuation,
    or comes before a blank line, a capital (a heading, a new paragraph) or a numbered
    item ("2. The right..."), ends its sentence, except a full-width line of a
    hard-wrapped text (``band``, see ``wrap_band``) that ends in a word.
    """
    before = line.rstrip(" \t")
    after = after.lstrip(" \t")
    head = after[:1]
    if not before or not head or _LIST_ITEM.match(after):
        return False
    if before[-1] not in _ENDS_SENTENCE and (head.islower() or head.isdigit()):
        return True
    in_a_word = before[-1].isalnum() or before[-1] in ",-"
    return band is not None and in_a_word and band[0] <= len(before) <= band[1] + _WRAP_SLACK


def _is_soft_break(text: str, index: int, band: tuple[int, int] | None) -> bool:
    """Return True for the line break at ``index`` inside a sentence (see ``runs_on``)."""
    following = text.find("\n", index + 1)
    line = text[text.rfind("\n", 0, index) + 1 : index]
    return runs_on(line, text[index + 1 : following if following >= 0 else len(text)], band)


def _carries_a_statement(piece: str) -> bool:
    # A CJK character carries about as much as a short Latin word.
    weight = sum(3 if ord(ch) >= 0x2E80 else 1 for ch in piece if ch.isalnum())
    return weight >= _MIN_CHARS
