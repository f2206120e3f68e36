"""Admin API: a reader's conversation, exported or deleted (readers' data rights)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from bot.answering.models import Citation
from bot.web.deps import AdminDep, StoreDep
from bot.web.errors import error_responses

router = APIRouter(
    prefix="/api/admin/conversations",
    tags=["admin"],
    dependencies=[AdminDep],
    responses=error_responses(401, 403, 404, 503),
)


class MessagePublic(BaseModel):
    """One question of a conversation and the answer it got."""

    message_id: str
    channel: str
    question: str
    language: str
    answered: bool
    answer: str
    citations: list[Citation]
    created_at: str


class ConversationPublic(BaseModel):
    """Everything stored of one conversation, oldest first."""

    conversation_id: str
    messages: list[MessagePublic]


class DeletedConversation(BaseModel):
    """Confirms that a conversation was deleted."""

    conversation_id: str
    deleted_messages: int


def _missing(conversation_id: str) -> HTTPException:
    return HTTPException(
        status_code=404, detail=f"No stored conversation has the id {conversation_id!r}."
    )


@router.get("/{conversation_id}")
async def export_conversation(conversation_id: str, store: StoreDep) -> ConversationPublic:
    """Export a conversation: its questions, answers and citations."""
    messages = await run_in_threadpool(store.conversation, conversation_id)
    if not messages:
        raise _missing(conversation_id)
    return ConversationPublic(
        conversation_id=conversation_id,
        messages=[
            MessagePublic(
                message_id=m.message_id,
                channel=m.channel,
                question=m.question,
                language=m.language,
                answered=m.answered,
                answer=m.answer,
                citations=list(m.citations),
                created_at=m.created_at,
            )
            for m in messages
        ],
    )


@router.delete("/{conversation_id}")
async def delete_conversation(conversation_id: str, store: StoreDep) -> DeletedConversation:
    """Delete a conversation and the ratings of its answers."""
    deleted = await run_in_threadpool(store.delete_conversation, conversation_id)
    if not deleted:
        raise _missing(conversation_id)
    return DeletedConversation(conversation_id=conversation_id, deleted_messages=deleted)
