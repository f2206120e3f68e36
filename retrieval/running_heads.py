"""Running headers and footers of paginated text: lines that are not the document's content.

A PDF, or text copied from one, repeats a block at every page break: "Viet Nam 1992 (rev.
2013)", "Page 12constituteproject.org", "PDF generated: 27 Apr 2022, 10:51". Left in, such
a line reads as a sentence: it is quoted, and it is aligned with a sentence of another
edition. A line is a running head (or foot) when, with its numbers masked, it recurs at
least three times, never on two lines in a row (a list's items do, blank lines between
or not), is short, holds a number (a page number, a date, a year) and ends no sentence.
Speaker labels and captions hold no number, so they stay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+")
# "Tiểu mục 2" recurs word for word where numbering restarts: a heading, not a running head.
MIN_WORDS = 3
MIN_REPEATS = 3
MAX_CHARS = 80
# A line that ends a sentence ("1. Everyone has the right to work.") is content.
_ENDS = ".!?…:;"


def _lines(texts: Sequence[str]) -> list[list[str]]:
    """Return each text's non-blank lines, spaces collapsed."""
    return [[" ".join(line.split()) for line in text.split("\n") if line.strip()] for text in texts]


def _masked(line: str) -> str:
    return _NUMBER.sub("#", line)


def _repeats(lines: list[list[str]], key: Callable[[str], str]) -> Counter[str]:
    """Count the short lines holding a number by ``key``; a key seen twice in a row is out."""
    counts: Counter[str] = Counter()
    in_a_row: set[str] = set()
    for text in lines:
        for previous, line in zip(["", *text], text, strict=False):
            if len(line) <= MAX_CHARS and _NUMBER.search(line) and line[-1] not in _ENDS:
                counts[key(line)] += 1
                if key(previous) == key(line):
                    in_a_row.add(key(line))
    return Counter({k: n for k, n in counts.items() if n >= MIN_REPEATS and k not in in_a_row})


def running_heads(texts: Sequence[str]) -> frozenset[str]:
    """Return the lines (spaces collapsed) that are running heads or feet in ``texts``.

    A line of three words or more repeated word for word ("PDF generated: 27 Apr 2022,
    10:51") is one; so is a line that repeats with another number ("Page 12...") when it
    mostly stands next to such a line (text extraction does not always keep a page's
    lines in order). Numbered headings ("Article 12.") repeat only with other numbers,
    apart, or word for word but short ("Subsection 2", where numbering restarts).
    """
    lines = _lines(texts)
    exact = {line for line in _repeats(lines, str) if len(_WORD.findall(line)) >= MIN_WORDS}
    beside: Counter[str] = Counter()
    for text in lines:
        for index, line in enumerate(text):
            near = {text[i] for i in (index - 1, index + 1) if 0 <= i < len(text)}
            beside[_masked(line)] += bool(near & exact) and line not in exact
    masked = {k for k, n in _repeats(lines, _masked).items() if beside[k] * 2 >= n}
    return frozenset(
        line for text in lines for line in text if line in exact or _masked(line) in masked
    )


def without_running_heads(texts: Sequence[str]) -> list[str]:
    """Return ``texts`` (the pages of one document, or its whole text) without running heads."""
    found = running_heads(texts)
    if not found:
        return list(texts)
    return [
        "\n".join(line for line in text.split("\n") if " ".join(line.split()) not in found)
        for text in texts
    ]
