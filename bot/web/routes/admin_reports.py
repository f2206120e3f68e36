"""Admin API: statistics, readers' feedback, and what readers ask that the corpus lacks."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from bot.web.admin_schemas import (
    FeedbackList,
    FeedbackPublic,
    StatsPublic,
    UnansweredGroupPublic,
    UnansweredReport,
)
from bot.web.deps import AdminDep, KnowledgeBaseDep, StoreDep
from bot.web.errors import error_responses
from bot.web.unanswered import Question, group_questions

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[AdminDep],
    responses=error_responses(401, 403, 422, 503),
)


@router.get("/stats")
async def stats(knowledge_base: KnowledgeBaseDep, store: StoreDep) -> StatsPublic:
    """Count documents, chunks, answered and unanswered questions, and feedback."""
    documents = await run_in_threadpool(knowledge_base.documents)
    chunks = await run_in_threadpool(knowledge_base.chunk_count)
    counts = await run_in_threadpool(store.stats)
    return StatsPublic.from_counts(documents=len(documents), chunks=chunks, store=counts)


@router.get("/feedback")
async def feedback(store: StoreDep, limit: int = Query(default=200, ge=1, le=1000)) -> FeedbackList:
    """List readers' ratings of answers, newest first."""
    records = await run_in_threadpool(store.feedback, limit)
    return FeedbackList(feedback=[FeedbackPublic.from_record(r) for r in records])


@router.get("/unanswered")
async def unanswered(
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
    limit: int = Query(default=1000, ge=1, le=5000),
) -> UnansweredReport:
    """Group the questions the assistant could not answer, most recently asked first."""
    records = await run_in_threadpool(store.unanswered, limit)
    questions = [Question(r.question, r.language, r.created_at, r.reason) for r in records]
    groups = await run_in_threadpool(
        group_questions, questions, knowledge_base.embedder.embed_queries
    )
    return UnansweredReport(
        questions=len(questions),
        groups=[UnansweredGroupPublic.from_group(g) for g in groups],
    )
