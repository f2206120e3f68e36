"""The dev set answered once per session by the real answerer over the seeded corpus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.answering import Answerer, AskRequest, AskResponse
from bot.answering.evaluation import EvalItem, load_items
from bot.answering.vectors import SentenceVectors
from bot.store import AppStore
from retrieval.database import sqlite_url
from retrieval.knowledge_base import KnowledgeBase
from tests.conftest import SHARED

DEV_SET = SHARED / "eval" / "seed_questions.jsonl"


@dataclass(frozen=True)
class DevAnswer:
    item: EvalItem
    response: AskResponse


@pytest.fixture(scope="session")
def vectors(seeded_kb: KnowledgeBase) -> SentenceVectors:
    """Sentence vectors cached for the session (every answerer here shares them)."""
    return SentenceVectors(seeded_kb.embedder)


@pytest.fixture(scope="session")
def answerer(
    seeded_kb: KnowledgeBase, vectors: SentenceVectors, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Answerer]:
    """The extractive answerer over the seeded corpus, recording into its own store."""
    store = AppStore(sqlite_url(tmp_path_factory.mktemp("answering") / "app.sqlite3"))
    yield Answerer(seeded_kb, store=store, vectors=vectors)
    store.close()


@pytest.fixture(scope="session")
def dev_answers(answerer: Answerer) -> dict[str, DevAnswer]:
    """Every dev question, asked as a reader would (no language given)."""
    return {
        item.id: DevAnswer(item, answerer.ask(AskRequest(question=item.question), channel="test"))
        for item in load_items(DEV_SET)
    }


def document_path(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)
