"""Quotes one paragraph each: the sentences around a break are cited apart.

Adjacent sentences that both answer are joined into one passage, also across a
paragraph break (a list's next item, the next paragraph of a statement). The reader
gets them one paragraph per quote, the best sentence's paragraph first, so that no
quote runs from one paragraph into another subject.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answering.evidence import Passage
    from bot.answering.scoring import Candidate


def by_paragraph(passage: Passage, group: list[Candidate]) -> list[Passage]:
    """Return ``passage`` cut at its paragraph breaks, the paragraph of its best sentence first.

    Sentences on both sides of a break can both answer, but a quote never runs from one
    paragraph into the next: the reader sees the best one's paragraph, the other is cited.
    """
    pieces: list[Passage] = []
    offset = passage.start
    for line in passage.text.split("\n"):
        start = offset + len(line) - len(line.lstrip())
        end = offset + len(line.rstrip())
        offset += len(line) + 1
        inside = [c for c in group if start <= c.sentence.start < end]
        if end > start and inside:
            pieces.append(
                replace(
                    passage,
                    start=start,
                    end=end,
                    text=passage.text[start - passage.start : end - passage.start],
                    score=max(c.score for c in inside),
                    similarity=max(c.plain for c in inside),
                )
            )
    best = group[0].sentence.start
    return sorted(pieces, key=lambda piece: not piece.start <= best < piece.end) or [passage]
