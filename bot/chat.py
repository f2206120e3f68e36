"""A chat with the assistant, whatever the channel: its memory, its turn, the answer slots.

A channel (Telegram, the web API, a test's own) keeps a ``ChatSession`` per chat where it
likes (PTB's persisted chat data, a browser's conversation id) and asks through
``Chats``: questions of one chat are answered in order, a chat that floods is told once,
and answers of every channel share one limit on how many are computed at once.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from bot.answering.models import MAX_QUESTION_CHARS, AskRequest, AskResponse, Citation
from bot.question_batches import QuestionBatches

if TYPE_CHECKING:
    from bot.answering import Answerer

MAX_WAITING_PER_CHAT = 3


@dataclass
class ChatSession:
    """A chat's conversation with the answerer and the sources of its last answer."""

    conversation_id: str | None = None
    answer_id: str | None = None
    citations: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class Turn:
    """What came of a question: the answer, or why there is none.

    ``too_long``: over the question limit; ``busy``: the chat has too many questions
    waiting (tell the reader); ``dropped``: still busy, and the reader was already told.
    """

    response: AskResponse | None = None
    refused: Literal["too_long", "busy", "dropped"] | None = None


class AnswerSlots:
    """How many answers this process computes at once, whichever channel asks (CPU-bound)."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._semaphore = asyncio.Semaphore(self.size)

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Wait for a free slot and hold it."""
        async with self._semaphore:
            yield


class Chats:
    """Answers chats' questions in order, within the process's answer slots."""

    def __init__(
        self,
        answerer: Answerer,
        *,
        slots: AnswerSlots,
        max_waiting: int = MAX_WAITING_PER_CHAT,
        batches: QuestionBatches | None = None,
    ) -> None:
        """Answer with ``answerer``; ``batches`` embeds the questions waiting for a slot."""
        self.answerer = answerer
        self.slots = slots
        self.queue = ChatQueue(max_waiting)
        self.batches = batches

    @asynccontextmanager
    async def slot_for(self, question: str) -> AsyncIterator[None]:
        """Embed ``question`` with the others waiting, then hold an answer slot for it."""
        if self.batches is not None:
            await self.batches.embed(question)
        async with self.slots.held():
            yield

    async def ask(
        self,
        chat: Hashable,
        question: str,
        *,
        session: Callable[[], ChatSession],
        channel: str,
        language: str | None = None,
    ) -> Turn:
        """Answer ``question`` in its chat's conversation and remember the answer there.

        Args:
            chat: The chat's key in its channel (questions of one chat wait in turn).
            question: The reader's text.
            session: Returns the chat's session once its turn has come (an earlier
                question of the chat may just have changed it); it is updated in place.
            channel: Recorded with the answer ("telegram", "widget", ...).
            language: The answer language the reader chose; None follows the question.
        """
        if len(question) > MAX_QUESTION_CHARS:
            return Turn(refused="too_long")
        async with self.queue.turn(chat) as admitted:
            if not admitted:
                return Turn(refused="busy" if self.queue.should_tell_busy(chat) else "dropped")
            state = session()
            request = AskRequest(
                question=question, language=language, conversation_id=state.conversation_id
            )
            ask = functools.partial(self.answerer.ask, request, channel=channel)
            async with self.slot_for(request.question):
                # Answers are CPU-bound: keep the event loop for the other chats.
                response = await asyncio.to_thread(ask)
            state.conversation_id = response.conversation_id
            state.answer_id = response.message_id
            state.citations = list(response.citations)
            return Turn(response=response)


class ChatQueue:
    """Answer each chat's questions one at a time, with a bound on how many may wait.

    A chat over its bound is told once to wait and its further questions are dropped, so
    that a flooding user holds at most ``max_waiting`` of its channel's concurrent handlers.
    """

    def __init__(self, max_waiting: int) -> None:
        self._max_waiting = max_waiting
        self._waiting: Counter[Hashable] = Counter()
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._told: set[Hashable] = set()

    def should_tell_busy(self, chat_id: Hashable) -> bool:
        """Return True the first time a chat is over its bound since it was last idle."""
        if chat_id in self._told:
            return False
        self._told.add(chat_id)
        return True

    @asynccontextmanager
    async def turn(self, chat_id: Hashable) -> AsyncIterator[bool]:
        """Wait for the chat's turn; yield False at once if too many questions are waiting."""
        if self._waiting[chat_id] >= self._max_waiting:
            yield False
            return
        self._waiting[chat_id] += 1
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        try:
            async with lock:
                yield True
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id]
                del self._locks[chat_id]
                self._told.discard(chat_id)
