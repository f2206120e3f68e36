"""The corpus yardstick follows the documents without holding up a question."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bot.answering.background import Background
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase
from tests.conftest import CORPUS

ENGLISH = (
    "The weather service expects heavy rain across the northern provinces this weekend. "
    "Farmers are advised to harvest early and to clear drainage channels. "
    "Schools in three districts will close on Monday if the rivers keep rising."
)


def test_a_change_is_followed_in_a_thread_while_questions_use_the_previous_yardstick(
    make_kb: Callable[..., KnowledgeBase], tmp_path: Path
) -> None:
    knowledge_base = make_kb()
    assert knowledge_base.ingest([str(CORPUS / "seeds")]).ok
    vectors = SentenceVectors(knowledge_base.embedder)
    # A sample smaller than the corpus: the case of a large corpus, in five documents.
    background = Background(knowledge_base, vectors, max_documents=2)
    question = vectors.queries(["How will the rain affect schools?"])[0]
    before = background.similarity(question)

    (tmp_path / "rain.txt").write_text(ENGLISH, encoding="utf-8")
    assert knowledge_base.ingest([str(tmp_path / "rain.txt")]).ok
    # From now on every document is sampled, so the added one is, whatever its id's hash.
    background.max_documents = 10
    assert background.similarity(question) == before  # answered at once, rebuilt behind
    deadline = time.monotonic() + 60
    while background.similarity(question) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    after = background.similarity(question)
    assert not np.isclose(after, before)
    assert after > before  # the English document is like the English question


def test_a_small_corpus_is_followed_at_once(make_kb: Callable[..., KnowledgeBase]) -> None:
    knowledge_base = make_kb()
    vectors = SentenceVectors(knowledge_base.embedder)
    background = Background(knowledge_base, vectors)
    question = vectors.queries(["What is Vietnam's position on the East Sea?"])[0]
    assert background.similarity(question) == 0.0  # nothing indexed yet
    assert knowledge_base.ingest([str(CORPUS / "seeds")]).ok
    assert background.similarity(question) > 0.5
