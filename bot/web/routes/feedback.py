"""Readers' thumbs up and down on answers."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from bot.web.deps import CallerDep, StoreDep
from bot.web.errors import error_responses
from bot.web.schemas import FeedbackCreate, FeedbackReceipt

router = APIRouter(tags=["public"], responses=error_responses(403, 404, 413, 422, 429, 503))


@router.post("/api/feedback", status_code=201)
async def feedback(body: FeedbackCreate, caller: CallerDep, store: StoreDep) -> FeedbackReceipt:
    """Record a rating of an answer (404 when the message id is unknown)."""
    recorded = await run_in_threadpool(
        store.record_feedback,
        message_id=body.message_id,
        rating=body.rating,
        comment=body.comment,
        channel=caller.channel,
    )
    if not recorded:
        raise HTTPException(
            status_code=404, detail=f"No answer has the message id {body.message_id!r}."
        )
    return FeedbackReceipt(message_id=body.message_id)
