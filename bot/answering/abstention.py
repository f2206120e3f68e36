"""Deciding whether the evidence is strong enough to answer at all.

A calibrated decision: the fitted model (``abstention_model``) turns the evidence's
signals into a confidence that the quotes answer the question; below the threshold the
assistant says its sources do not cover it, and why. A year, a long number or a code of
the question that no quote holds still refuses (no source writes 2016 or COP28 another
way); acronyms and small numbers only weigh against answering ("VNA" may be spelled
out, "4" written "bốn").

``bench/calibrate_abstention.py`` refits the model and prints the trade-off between
declining unanswerable questions and refusing answerable ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from bot.answering.abstention_model import AbstentionModel, shipped_model
from bot.answering.evidence import Evidence
from bot.answering.signals import Signals
from bot.answering.terms import decisive


class Reason(Enum):
    """Why a question is answered or not (``AskResponse.reason`` names the refusals)."""

    SUPPORTED = "supported"
    NOT_COVERED = "not_covered"
    OFF_TOPIC = "off_topic"
    MISSING_TERMS = "missing_terms"
    LOW_CONFIDENCE = "low_confidence"


@dataclass(frozen=True)
class Decision:
    """The verdict on one question's evidence, with the model's confidence (0-1)."""

    answer: bool
    reason: Reason
    confidence: float = 0.0


Mode = Literal["margin", "calibrated"]
# How far the best quote must stand above the corpus's general similarity (margin mode).
DEFAULT_MIN_MARGIN = 0.0336


@dataclass(frozen=True)
class AbstentionPolicy:
    """How to decide: ``margin`` (the default) or the fitted model (``calibrated``).

    ``margin``: answer when every key term of the question is quoted, the best quote
    stands ``min_margin`` above the question's mean similarity to this corpus's
    sentences, and the model's confidence is above its floor (which hardly any
    answerable question of the calibration data falls below: it stops off-topic
    questions that a corpus of mixed languages makes look close).
    ``calibrated``: answer when the model's confidence reaches its fitted threshold (or
    ``threshold``). Both report the model's confidence.
    """

    mode: Mode = "margin"
    model: AbstentionModel = field(default_factory=shipped_model)
    threshold: float | None = None
    min_margin: float = DEFAULT_MIN_MARGIN

    @property
    def needed(self) -> float:
        """Return the confidence an answer needs."""
        return self.model.threshold if self.threshold is None else self.threshold

    def decide(self, evidence: Evidence) -> Decision:
        """Return whether ``evidence`` supports answering, and why."""
        signals = evidence.signals
        if not evidence.passages or signals is None:
            return Decision(False, Reason.NOT_COVERED)
        confidence = self.model.confidence(signals)
        if self.mode == "margin":
            if evidence.missing_terms:
                return Decision(False, Reason.MISSING_TERMS, confidence)
            if evidence.margin < self.min_margin:
                return Decision(False, Reason.NOT_COVERED, confidence)
            if confidence < self.model.floor:
                return Decision(False, self._why(signals), confidence)
            return Decision(True, Reason.SUPPORTED, confidence)
        if any(decisive(term) for term in evidence.missing_terms):
            return Decision(False, Reason.MISSING_TERMS, confidence)
        if confidence >= self.needed:
            return Decision(True, Reason.SUPPORTED, confidence)
        if signals.terms_missing:
            return Decision(False, Reason.MISSING_TERMS, confidence)
        if confidence >= self.needed / 2:
            return Decision(False, Reason.LOW_CONFIDENCE, confidence)
        return Decision(False, self._why(signals), confidence)

    def _why(self, signals: Signals) -> Reason:
        """Return "off_topic" for a question far from everything, else "not_covered"."""
        if signals.best - signals.background < self.model.off_topic_stand_out:
            return Reason.OFF_TOPIC
        return Reason.NOT_COVERED
