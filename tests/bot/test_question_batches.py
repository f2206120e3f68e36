"""Questions that wait for an answer slot share one model pass and get the same answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.answering.vectors import SentenceVectors
from bot.chat import AnswerSlots, Chats, ChatSession
from bot.question_batches import QuestionBatches
from bot.store import AppStore
from retrieval.embedding import Embedder, Vectors
from retrieval.knowledge_base import KnowledgeBase

QUESTIONS = [
    "Which Korean company works with Vietnam on vmusic.vn?",
    "When did the Politburo issue Conclusion No. 57-KL/TW on foreign information work?",
    "Thông tin đối ngoại của Thông tấn xã Việt Nam được đăng tải trên bao nhiêu hãng thông tấn?",
    "2016年11月10日在河内举行的对外信息工作会议约有多少名代表参加？",
    "How do I bake bread?",
]


class WatchedEmbedder:
    """The real embedder, watched: the questions of each query pass."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.query_passes: list[list[str]] = []

    @property
    def dimension(self) -> int:
        return self.embedder.dimension

    @property
    def passages_embedded(self) -> int:
        return self.embedder.passages_embedded

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.query_passes.append([t for t in texts if t in QUESTIONS])
        return self.embedder.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embedder.embed_passages(texts)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AppStore]:
    store = AppStore(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    yield store
    store.close()


def test_waiting_questions_are_embedded_in_one_pass_and_answered_as_alone(
    seeded_kb: KnowledgeBase, embedder: Embedder, store: AppStore
) -> None:
    alone = Answerer(seeded_kb, store=store)
    chats_alone = Chats(alone, slots=AnswerSlots(1))
    watched = WatchedEmbedder(embedder)
    batched = Answerer(seeded_kb, store=store, vectors=SentenceVectors(watched))
    chats = Chats(
        batched,
        slots=AnswerSlots(1),
        batches=QuestionBatches(batched.embed_questions_ahead),
    )

    async def ask_all(chats: Chats) -> list[tuple[str, list[str]]]:
        turns = await asyncio.gather(
            *(
                chats.ask(f"reader {i}", q, session=ChatSession, channel="test")
                for i, q in enumerate(QUESTIONS)
            )
        )
        return [
            (t.response.answer, [c.doc_id for c in t.response.citations])
            for t in turns
            if t.response is not None
        ]

    expected = asyncio.run(ask_all(chats_alone))
    assert asyncio.run(ask_all(chats)) == expected
    question_passes = [p for p in watched.query_passes if p]
    # All five arrived while none was answered: one pass, and no answer embedded its own.
    assert question_passes == [QUESTIONS]


def test_a_question_embedded_ahead_serves_one_asking_only(embedder: Embedder) -> None:
    watched = WatchedEmbedder(embedder)
    vectors = SentenceVectors(watched)
    question = QUESTIONS[0]
    vectors.embed_questions_ahead([question])
    first, second = vectors.queries([question, question])
    # The first asking took the vector embedded ahead; the second made its own pass.
    assert watched.query_passes == [[question], [question]]
    assert float(first @ second) > 0.999
