"""Questions: a whole answer, or an answer streamed as Server-Sent Events."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Hashable

from fastapi import APIRouter, HTTPException
from fastapi.sse import EventSourceResponse, ServerSentEvent

from bot.answering.models import AskRequest, AskResponse, StreamEvent
from bot.chat import ChatSession
from bot.web.deps import AnswererDep, CallerDep, ChatsDep
from bot.web.errors import INTERNAL_ERROR, error_responses

log = logging.getLogger(__name__)

SEARCHING = '{"stage": "searching"}'
router = APIRouter(tags=["public"], responses=error_responses(403, 413, 422, 429, 503))


@router.post("/api/ask")
async def ask(request: AskRequest, caller: CallerDep, chats: ChatsDep) -> AskResponse:
    """Answer a question with numbered citations to the sources."""
    # The conversation lives in the client; its questions are answered in turn.
    chat: Hashable = ("web", request.conversation_id) if request.conversation_id else object()
    session = ChatSession(conversation_id=request.conversation_id)
    turn = await chats.ask(
        chat,
        request.question,
        session=lambda: session,
        channel=caller.channel,
        language=request.language,
    )
    if turn.response is None:
        raise HTTPException(
            status_code=429,
            detail="This conversation already has questions waiting; wait for their answers.",
            headers={"Retry-After": "5"},
        )
    return turn.response


@router.post("/api/ask/stream", response_class=EventSourceResponse)
async def ask_stream(
    request: AskRequest, caller: CallerDep, answerer: AnswererDep, chats: ChatsDep
) -> AsyncIterator[ServerSentEvent]:
    """Stream an answer: ``status``, ``delta`` text, then ``citations``, then ``done``.

    Every event's data is JSON. ``status`` comes at once with ``{"stage": "searching"}``
    (even while the question waits for an answer slot), then with ``{"stage":
    "answering", "sources": n}`` when the sources are chosen; ``delta`` and ``error``
    carry a string, ``citations`` the citation list, ``done`` the whole AskResponse.
    """
    events = answerer.ask_stream(request, channel=caller.channel)
    yield ServerSentEvent(event="status", raw_data=SEARCHING)
    try:
        # The CPU-bound search and scoring happen before the first event; what follows
        # (text pieces, or an LLM's tokens) must not hold a slot.
        async with chats.slot_for(request.question):
            first = await anext(events, None)
        if first is not None:
            yield as_server_sent_event(first)
        async for event in events:
            yield as_server_sent_event(event)
    except Exception:
        # The response has started, so no handler can turn this into an error status.
        log.exception("the answer stream failed")
        yield ServerSentEvent(event="error", data=INTERNAL_ERROR)


def as_server_sent_event(event: StreamEvent) -> ServerSentEvent:
    """Encode one answer event; structured payloads already arrive as JSON text."""
    if event.event in ("status", "citations", "done"):
        return ServerSentEvent(event=event.event, raw_data=event.data)
    return ServerSentEvent(event=event.event, data=event.data)
