"""Scoring answers against an evaluation file (DESIGN.md, "Evaluation files")."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from bot.answering.models import AskRequest, AskResponse
from retrieval.errors import VnposError


class EvalItem(BaseModel):
    """One question of an evaluation file."""

    id: str
    lang: str
    question: str
    answerable: bool
    gold_docs: list[str] = Field(default_factory=list)
    must_mention_any: list[str] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list, description="Gold answer texts, if known")


class EvalFileError(VnposError):
    """The evaluation file is not JSONL of evaluation items (the message says where)."""


@dataclass(frozen=True)
class ItemResult:
    """How one question was answered."""

    id: str
    lang: str
    answerable: bool
    answered: bool
    gold_hit: bool
    mention_hit: bool
    latency_ms: float
    cited: tuple[str, ...]
    answer_found: bool | None = None  # a gold answer text in the answer or quotes
    answer_chars: int = 0


@dataclass(frozen=True)
class Summary:
    """The scores of a group of questions (one language, or all)."""

    questions: int
    answerable: int
    gold_hits: int
    mention_hits: int
    unanswerable: int
    abstained: int
    refused: int
    p50_ms: float
    p95_ms: float
    with_answers: int = 0
    answers_found: int = 0
    median_chars: float = 0.0

    @property
    def abstention_accuracy(self) -> float | None:
        """Return the share of unanswerable questions answered "not in the sources"."""
        return self.abstained / self.unanswerable if self.unanswerable else None

    @property
    def refusal_rate(self) -> float | None:
        """Return the share of answerable questions that were refused."""
        return self.refused / self.answerable if self.answerable else None


def load_items(path: Path) -> list[EvalItem]:
    """Read an evaluation file.

    Raises:
        EvalFileError: A line is not a JSON object with the expected fields.
    """
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise EvalFileError(
                f"{path}:{number}: expected a JSON object with id, lang, question, answerable, "
                f"gold_docs and must_mention_any; got {line[:80]!r} ({type(exc).__name__})"
            ) from exc
    return items


def score(item: EvalItem, response: AskResponse, latency_ms: float) -> ItemResult:
    """Compare one answer with what the evaluation item expects.

    A gold document is named by its file stem, so it is compared with the last part of
    each cited doc_id; a mention counts in the answer or the cited quotes, ignoring case.
    """
    cited = tuple(dict.fromkeys(c.doc_id.rsplit("/", 1)[-1] for c in response.citations))
    text = " ".join([response.answer, *(c.quote for c in response.citations)]).casefold()
    return ItemResult(
        id=item.id,
        lang=item.lang,
        answerable=item.answerable,
        answered=response.answered,
        gold_hit=bool(set(item.gold_docs) & set(cited)),
        mention_hit=any(m.casefold() in text for m in item.must_mention_any),
        latency_ms=latency_ms,
        cited=cited,
        answer_found=any(a.casefold() in text for a in item.answers) if item.answers else None,
        answer_chars=len(response.answer) if response.answered else 0,
    )


def run(
    ask: Callable[[AskRequest], AskResponse],
    items: Iterable[EvalItem],
    advance: Callable[[int], None] | None = None,
) -> list[ItemResult]:
    """Ask every question (without its language: detecting it is part of the test)."""
    results = []
    for item in items:
        started = time.perf_counter()
        response = ask(AskRequest(question=item.question))
        results.append(score(item, response, (time.perf_counter() - started) * 1000))
        if advance:
            advance(1)
    return results


def summarise(results: Sequence[ItemResult]) -> Summary:
    """Return the scores of ``results``."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_ms for r in results] or [0.0]
    with_answers = [r for r in answerable if r.answer_found is not None]
    lengths = [r.answer_chars for r in answerable if r.answered] or [0]
    return Summary(
        questions=len(results),
        answerable=len(answerable),
        gold_hits=sum(r.answered and r.gold_hit for r in answerable),
        mention_hits=sum(r.answered and r.mention_hit for r in answerable),
        unanswerable=len(unanswerable),
        abstained=sum(not r.answered for r in unanswerable),
        refused=sum(not r.answered for r in answerable),
        p50_ms=float(np.percentile(latencies, 50)),
        p95_ms=float(np.percentile(latencies, 95)),
        with_answers=len(with_answers),
        answers_found=sum(bool(r.answered and r.answer_found) for r in with_answers),
        median_chars=float(np.median(lengths)),
    )


def by_language(results: Sequence[ItemResult]) -> dict[str, Summary]:
    """Return the scores of each language, in order of first appearance."""
    languages = dict.fromkeys(r.lang for r in results)
    return {lang: summarise([r for r in results if r.lang == lang]) for lang in languages}


def report_json(results: Sequence[ItemResult]) -> dict[str, object]:
    """Return the whole report as JSON-ready data."""

    def plain(summary: Summary) -> dict[str, object]:
        return {
            **asdict(summary),
            "abstention_accuracy": summary.abstention_accuracy,
            "refusal_rate": summary.refusal_rate,
        }

    return {
        "overall": plain(summarise(results)),
        "languages": {lang: plain(s) for lang, s in by_language(results).items()},
        "questions": [asdict(r) for r in results],
    }


def report_table(results: Sequence[ItemResult]) -> str:
    """Return the per-language and overall scores as a text table."""
    header = (
        f"{'language':<9}{'questions':>10}{'gold cited':>12}{'mentioned':>11}"
        f"{'answer found':>14}{'abstained':>11}{'refused':>9}{'median chars':>14}"
        f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    rows = [header]
    groups = [*by_language(results).items(), ("overall", summarise(results))]
    for name, s in groups:
        found = f"{s.answers_found}/{s.with_answers}" if s.with_answers else "-"
        rows.append(
            f"{name:<9}{s.questions:>10}{f'{s.gold_hits}/{s.answerable}':>12}"
            f"{f'{s.mention_hits}/{s.answerable}':>11}{found:>14}"
            f"{f'{s.abstained}/{s.unanswerable}':>11}{f'{s.refused}/{s.answerable}':>9}"
            f"{s.median_chars:>14.0f}{s.p50_ms:>9.0f}{s.p95_ms:>9.0f}"
        )
    misses = [
        f"{r.id} ({'refused' if not r.answered else 'gold' if not r.gold_hit else 'mention'})"
        for r in results
        if r.answerable and not (r.answered and r.gold_hit and r.mention_hit)
    ] + [f"{r.id} (answered)" for r in results if not r.answerable and r.answered]
    if misses:
        rows.append("misses: " + ", ".join(misses))
    return "\n".join(rows)
