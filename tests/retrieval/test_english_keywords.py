"""English questions over English documents: their exact words count, as Vietnamese ones do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.conftest import CORPUS

ENGLISH = Path(__file__).parent / "english"


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[KnowledgeBase]:
    data_dir = tmp_path_factory.mktemp("english")
    knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=data_dir), embedder)
    assert knowledge_base.ingest([str(CORPUS), str(ENGLISH)]).ok
    yield knowledge_base
    knowledge_base.close()


def test_the_passage_that_holds_an_english_questions_words_comes_first(
    knowledge_base: KnowledgeBase,
) -> None:
    question = "Which rule has the highest legal effect for the Press Council?"
    dense = knowledge_base.search(question, language="en", mode="dense")
    assert "highest legal effect" not in dense[0].chunk.text  # meaning alone ranks it lower
    hits = knowledge_base.search(question, language="en")
    assert "highest legal effect" in hits[0].chunk.text


def test_english_function_words_alone_match_no_passage(knowledge_base: KnowledgeBase) -> None:
    found = knowledge_base.candidates("What is it that they were doing there?", language="en")
    assert found.keyword == {}
    assert knowledge_base.candidates("What does the Council do?", language="en").keyword
