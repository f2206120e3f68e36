"""Admin API: statistics, readers' feedback, and what readers ask that the corpus lacks."""

from __future__ import annotations

import functools

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from bot import reports
from bot.web.deps import AdminDep, KnowledgeBaseDep, StateDep, StoreDep
from bot.web.errors import error_responses
from bot.web.question_report import low_confidence_threshold, question_report
from bot.web.report_schemas import (
    FeedbackList,
    FeedbackPublic,
    ReviewedAnswerPublic,
    StatsPublic,
    UnansweredGroupPublic,
    UnansweredReport,
)

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[AdminDep],
    responses=error_responses(401, 403, 422, 503),
)


@router.get("/stats")
async def stats(
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
    days: int = Query(default=30, ge=1, le=366, description="Days the breakdowns cover"),
) -> StatsPublic:
    """Count documents, chunks, questions and feedback, by day, language and channel."""
    documents = await run_in_threadpool(knowledge_base.documents)
    chunks = await run_in_threadpool(knowledge_base.chunk_count)
    counts = await run_in_threadpool(store.stats)
    first_day = reports.since(days)
    rows = await run_in_threadpool(reports.usage_rows, store.database, first_day=first_day)
    return StatsPublic.from_counts(
        documents=len(documents),
        chunks=chunks,
        store=counts,
        since=first_day,
        breakdowns={key: reports.usage_by(rows, key) for key in ("day", "language", "channel")},
    )


@router.get("/feedback")
async def feedback(store: StoreDep, limit: int = Query(default=200, ge=1, le=1000)) -> FeedbackList:
    """List readers' ratings with the answers they rated, newest first."""
    rated = await run_in_threadpool(reports.rated_answers, store.database, rating=None, limit=limit)
    return FeedbackList(feedback=[FeedbackPublic.from_reviewed(r) for r in rated])


@router.get("/unanswered")
async def unanswered(
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
    state: StateDep,
    limit: int = Query(default=1000, ge=1, le=5000),
    below: float | None = Query(
        default=None,
        ge=0,
        le=1,
        description="Confidence under which an answer is listed (default: the threshold "
        "of the calibrated abstention, VNPOS_ABSTAIN_THRESHOLD or the shipped model's)",
    ),
) -> UnansweredReport:
    """Group the questions not answered; list answers given with low confidence or rated 👎."""
    threshold = below if below is not None else low_confidence_threshold(state.settings)
    report = await run_in_threadpool(
        functools.partial(question_report, knowledge_base, store, below=threshold, limit=limit)
    )
    return UnansweredReport(
        questions=report.questions,
        groups=[UnansweredGroupPublic.from_group(g) for g in report.groups],
        low_confidence_below=threshold,
        low_confidence=[ReviewedAnswerPublic.from_reviewed(r) for r in report.low_confidence],
        disliked=[ReviewedAnswerPublic.from_reviewed(r) for r in report.disliked],
    )
