"""A channel is one module over the shared chat session: this one fits in the test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import Answerer, AskRequest, AskResponse
from bot.chat import AnswerSlots, Chats, ChatSession
from bot.store import AppStore
from retrieval.knowledge_base import KnowledgeBase

QUESTION = "Which Korean company works with Vietnam on vmusic.vn?"


class ConsoleChannel:
    """A channel of the tests' own: text in, text out, its sessions in a dict."""

    name = "console"

    def __init__(self, chats: Chats) -> None:
        self.chats = chats
        self.sessions: dict[str, ChatSession] = {}

    async def receive(self, chat: str, text: str) -> str:
        """Answer one message of ``chat``, or say why not."""
        turn = await self.chats.ask(
            chat,
            text,
            session=lambda: self.sessions.setdefault(chat, ChatSession()),
            channel=self.name,
        )
        if turn.response is None:
            return {"too_long": "Too long.", "busy": "Busy, wait.", "dropped": ""}[
                str(turn.refused)
            ]
        return turn.response.answer


class CountingAnswerer:
    """The real answerer, watched: how many answers run at once."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.running = self.most = 0
        self.lock = threading.Lock()

    def ask(self, request: AskRequest, *, channel: str) -> AskResponse:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return self.answerer.ask(request, channel=channel)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def answerer(seeded_kb: KnowledgeBase, tmp_path: Path) -> Iterator[Answerer]:
    store = AppStore(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    yield Answerer(seeded_kb, store=store)
    store.close()


def test_a_new_channel_answers_and_keeps_its_chats_conversation(answerer: Answerer) -> None:
    channel = ConsoleChannel(Chats(answerer, slots=AnswerSlots(2)))
    reply = asyncio.run(channel.receive("ana", QUESTION))
    assert "Naver" in reply
    session = channel.sessions["ana"]
    assert session.citations and session.citations[0].doc_id.endswith("003_f689955a8045994b")

    asyncio.run(channel.receive("ana", "And when was that?"))
    assert answerer.store is not None
    history = answerer.store.history(str(session.conversation_id))
    assert [turn.question for turn in history] == [QUESTION, "And when was that?"]
    assert asyncio.run(channel.receive("ana", "x" * 2001)) == "Too long."


def test_chats_share_the_answer_slots_and_a_flooding_chat_is_told_once(
    answerer: Answerer,
) -> None:
    counting = CountingAnswerer(answerer)
    chats = Chats(counting, slots=AnswerSlots(1), max_waiting=2)  # type: ignore[arg-type]
    channel = ConsoleChannel(chats)

    async def traffic() -> list[str]:
        others = [channel.receive(name, QUESTION) for name in ("bo", "cy")]
        flood = [channel.receive("dee", QUESTION) for _ in range(4)]
        return await asyncio.gather(*others, *flood)

    replies = asyncio.run(traffic())
    assert counting.most == 1
    # Other chats are answered; the flooding chat gets two answers, one notice, then silence.
    assert all("Naver" in reply for reply in replies[:4])
    assert replies[4:] == ["Busy, wait.", ""]
