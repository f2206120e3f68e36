"""Cutting Telegram HTML into messages below the length limit, without breaking markup."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.constants import MessageLimit

MAX_MESSAGE_LENGTH: int = MessageLimit.MAX_TEXT_LENGTH
# Tags, entities and single characters: a message may end between any two of these.
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")
# A sentence ends at its punctuation, closing quotes and citation markers ("said. [2] ").
_SENTENCE_END = re.compile(r"(?:[.!?…;]|[。！？；])[\"'”’»)\]」』]*(?:\s?\[\d+\])*\s?$")
_LOOK_BACK = 32

# How good a place to cut is: the best one that fits wins, the latest among equals.
_PARAGRAPH, _LINE, _SENTENCE, _SPACE, _ANYWHERE = 4, 3, 2, 1, 0


@dataclass(frozen=True)
class _Tag:
    name: str
    opening: str

    @property
    def closing(self) -> str:
        return f"</{self.name}>"


def _length(fragment: str) -> int:
    # Telegram counts UTF-16 code units; counting the markup too errs on the safe side.
    return len(fragment.encode("utf-16-le")) // 2


def _quality(atoms: list[str], end: int) -> int:
    """Return how good it is to end a message before ``atoms[end]``."""
    previous = atoms[end - 1]
    if previous == "\n":
        return _PARAGRAPH if end >= 2 and atoms[end - 2] == "\n" else _LINE
    tail = _TAG.sub("", "".join(atoms[max(0, end - _LOOK_BACK) : end]))
    if _SENTENCE_END.search(tail) and (previous.isspace() or not tail[-1].isascii()):
        return _SENTENCE
    return _SPACE if previous.isspace() else _ANYWHERE


def _apply(stack: list[_Tag], atom: str) -> None:
    """Track which tags are open after ``atom``."""
    if not atom.startswith("<") or len(atom) < 3:
        return
    match = _TAG_NAME.match(atom)
    if match is None:
        return
    name = match.group(1).lower()
    if atom.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].name == name:
                del stack[i:]
                break
    elif not atom.endswith("/>"):
        stack.append(_Tag(name, atom))


def _closing(stack: list[_Tag]) -> str:
    return "".join(tag.closing for tag in reversed(stack))


def split_html(html: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split Telegram HTML into messages of at most ``limit`` characters.

    Messages end at a paragraph, line or sentence boundary where one fits, else at a
    space, else anywhere between characters; never inside a tag or an entity. Tags open
    at a cut are closed at the end of one message and reopened at the start of the next.

    Args:
        html: Well-formed Telegram HTML (escaped text, balanced supported tags).
        limit: The maximum length of a message, in UTF-16 code units.

    Returns:
        The messages in order, none of them blank.
    """
    atoms = _ATOM.findall(html)
    messages: list[str] = []
    start, stack = 0, list[_Tag]()
    while start < len(atoms):
        while start < len(atoms) and atoms[start].isspace():
            start += 1
        if start == len(atoms):
            break
        end, stack_at_end = _fit(atoms, start, stack, limit)
        body = list(atoms[start:end])
        while body and body[-1].isspace():
            body.pop()
        message = "".join(tag.opening for tag in stack) + "".join(body) + _closing(stack_at_end)
        if _TAG.sub("", message).strip():
            messages.append(message)
        start, stack = end, stack_at_end
    return messages


def _fit(atoms: list[str], start: int, stack: list[_Tag], limit: int) -> tuple[int, list[_Tag]]:
    """Return where the message starting at ``atoms[start]`` ends, and the tags open there.

    The best kind of boundary wins if it leaves the message at least half full; otherwise
    the message ends at the last boundary that fits, so that no message is needlessly short.
    """
    open_tags = list(stack)
    used = sum(_length(tag.opening) for tag in stack)
    latest: dict[int, tuple[int, int, list[_Tag]]] = {}  # quality -> end, length, open tags
    i = start
    while i < len(atoms):
        used += _length(atoms[i])
        _apply(open_tags, atoms[i])
        i += 1
        if used + _length(_closing(open_tags)) > limit:
            break
        if i == len(atoms):
            return i, open_tags
        latest[_quality(atoms, i)] = (i, used, list(open_tags))
    if not latest:
        # Not even one atom fits after the reopened tags: send it anyway rather than loop.
        return i, open_tags
    for quality in sorted(latest, reverse=True):
        end, length, tags = latest[quality]
        if length >= limit // 2:
            return end, tags
    end, _, tags = max(latest.values(), key=lambda candidate: candidate[0])
    return end, tags
