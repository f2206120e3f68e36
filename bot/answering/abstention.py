"""Deciding whether the evidence is strong enough to answer at all.

Retrieval scores do not separate answerable from unanswerable questions on this corpus
(E5 puts every question about Vietnam near every article about Vietnam). Two tests do
better together:

- every number, year, month and code of the question must appear in a quote or the
  sentences beside it ("GDP growth in 2023", "population in 2024" cannot be answered
  by a sentence without those);
- the best quoted sentence must stand out from the question's similarity to the corpus
  in general by ``min_margin``.

``bench/calibrate_abstention.py`` prints how the dev set's answers change with
``min_margin``; the default sits in the middle of the range where at least 7 of the 8
unanswerable questions are refused and at most 1 answerable one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.answering.evidence import Evidence

DEFAULT_MIN_MARGIN = 0.0336


class Reason(Enum):
    """Why a question is answered or not (logged; the unanswered list groups by question)."""

    SUPPORTED = "supported"
    NO_SOURCES = "no passage was retrieved"
    MISSING_TERMS = "a number or code of the question is in no quote"
    WEAK_MATCH = "no quote stands out from the corpus"


@dataclass(frozen=True)
class Decision:
    """The verdict on one question's evidence."""

    answer: bool
    reason: Reason


@dataclass(frozen=True)
class AbstentionPolicy:
    """The thresholds of the evidence test."""

    min_margin: float = DEFAULT_MIN_MARGIN

    def decide(self, evidence: Evidence) -> Decision:
        """Return whether ``evidence`` supports answering, and why."""
        if not evidence.passages:
            return Decision(False, Reason.NO_SOURCES)
        if evidence.missing_terms:
            return Decision(False, Reason.MISSING_TERMS)
        if evidence.margin < self.min_margin:
            return Decision(False, Reason.WEAK_MATCH)
        return Decision(True, Reason.SUPPORTED)
