"""Console: what readers asked that went unanswered, doubtful and disliked answers, as CSV too."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from bot.web.console.pages import PREFIX, SessionDep, render
from bot.web.deps import KnowledgeBaseDep, StateDep, StoreDep
from bot.web.question_report import QuestionReport, low_confidence_threshold, question_report

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/questions", response_class=HTMLResponse)
async def questions(
    request: Request,
    session: SessionDep,
    state: StateDep,
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
) -> Response:
    """Show the unanswered groups with their nearest documents, and the doubtful answers."""
    report = await run_in_threadpool(
        functools.partial(
            question_report,
            knowledge_base,
            store,
            below=low_confidence_threshold(state.settings),
            nearest=True,
        )
    )
    return render(request, "questions.html", session=session, report=report)


@router.get("/questions.csv")
async def questions_csv(
    session: SessionDep,
    state: StateDep,
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
    kind: Annotated[str, Query(pattern="^(unanswered|answers)$")] = "unanswered",
) -> Response:
    """Download the unanswered groups, or the doubtful and disliked answers, as CSV."""
    report = await run_in_threadpool(
        functools.partial(
            question_report, knowledge_base, store, below=low_confidence_threshold(state.settings)
        )
    )
    body = unanswered_csv(report) if kind == "unanswered" else answers_csv(report)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="vnpos-{kind}.csv"'},
    )


def unanswered_csv(report: QuestionReport) -> str:
    """Return one CSV row per group of unanswered questions."""
    rows = [
        [
            group.question,
            group.count,
            _counts(group.languages),
            _counts(group.reasons),
            _counts(group.channels),
            group.last_asked,
            " | ".join(group.examples),
        ]
        for group in report.groups
    ]
    header = ["question", "count", "languages", "reasons", "channels", "last_asked", "examples"]
    return _csv([header, *rows])


def answers_csv(report: QuestionReport) -> str:
    """Return one CSV row per low-confidence or disliked answer."""
    rows = []
    for why, answers in (("low_confidence", report.low_confidence), ("disliked", report.disliked)):
        for answer in answers:
            confidence = "" if answer.confidence is None else f"{answer.confidence:.3f}"
            sources = " | ".join(c.doc_id for c in answer.citations)
            rows.append(
                [
                    why,
                    answer.created_at,
                    answer.language,
                    answer.channel,
                    answer.question,
                    confidence,
                    (answer.rating.comment or "") if answer.rating else "",
                    sources,
                ]
            )
    header = [
        "listed_as",
        "created_at",
        "language",
        "channel",
        "question",
        "confidence",
        "comment",
        "sources",
    ]
    return _csv([header, *rows])


def _counts(counts: dict[str, int]) -> str:
    return " ".join(f"{key}:{value}" for key, value in sorted(counts.items()))


def _csv(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # A cell that starts like a formula would run in a spreadsheet: quote it as text.
        writer.writerow([_inert(cell) for cell in row])
    return out.getvalue()


def _inert(cell: object) -> object:
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
