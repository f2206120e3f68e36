"""Trust on a corpus the calibration never saw: the seeds plus three English statements.

English documents beside Vietnamese ones make every English question look closer to the
corpus: E5 scores any English sentence higher for an English question than a Vietnamese
one. Measured against text in general of each quote's own language (the yardstick),
the calibrated model's floor holds off most of what the margin lets through, and
calibrated mode all of it. The bars are what was measured, to hold the ground gained.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering import AbstentionPolicy, Answerer, AskRequest
from bot.answering.abstention_model import shipped_model
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.conftest import CORPUS

STATEMENTS = Path(__file__).parent / "statements"

# Written for this test only: none of these is in bench/questions/off_topic.jsonl.
OFF_TOPIC = [
    ("en", "What is the capital of Australia?"),
    ("en", "Will it rain in Hanoi tomorrow?"),
    ("en", "Did Viet Nam beat Thailand at football?"),
    ("en", "How do I make pancakes without eggs?"),
    ("vi", "Cách trồng rau sạch trên ban công?"),
    ("vi", "Tỷ số trận Manchester United gặp Liverpool tối qua?"),
    ("fr", "Comment changer un pneu de voiture ?"),
    ("fr", "Quelle est la meilleure recette de tarte aux pommes ?"),
    ("zh", "如何学习弹吉他？"),
    ("zh", "北京到上海的高铁要多长时间？"),
    ("ru", "Как научиться играть в шахматы?"),
    ("es", "¿Cuál es el río más largo de Europa?"),
    ("de", "Wie pflege ich eine Orchidee richtig?"),
    ("ja", "富士山の高さは何メートルですか？"),
    ("ko", "김치찌개 만드는 법을 알려 주세요."),
]

STATEMENT_QUESTIONS = [
    ("How long are Vietnam's electronic visas valid now?", "e-visa", "90 days"),
    (
        "How many government scholarships are offered to international students in 2024?",
        "scholarship",
        "150",
    ),
    ("Which archipelago was added to the Ha Long Bay World Heritage site?", "heritage", "Cat Ba"),
]


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[KnowledgeBase]:
    data_dir = tmp_path_factory.mktemp("trust")
    knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=data_dir), embedder)
    assert knowledge_base.ingest([str(CORPUS), str(STATEMENTS)]).ok
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="module")
def answerer(knowledge_base: KnowledgeBase) -> Answerer:
    return Answerer(knowledge_base)


def _declined(answerer: Answerer) -> list[str]:
    declined = []
    for _language, question in OFF_TOPIC:
        response = answerer.ask(AskRequest(question=question))
        if not response.answered:
            assert response.reason in {"off_topic", "not_covered", "low_confidence"}
            assert response.citations == []
            declined.append(question)
    return declined


def test_the_floor_declines_off_topic_questions_that_the_margin_lets_through(
    answerer: Answerer,
) -> None:
    assert len({language for language, _ in OFF_TOPIC}) >= 6
    margin_only = Answerer(
        answerer.knowledge_base,
        policy=AbstentionPolicy(model=replace(shipped_model(), floor=0.0)),
    )
    assert len(_declined(margin_only)) <= 3  # the weakness the floor is there for
    assert len(_declined(answerer)) >= 12


def test_calibrated_mode_declines_every_off_topic_question(knowledge_base: KnowledgeBase) -> None:
    calibrated = Answerer(knowledge_base, policy=AbstentionPolicy(mode="calibrated"))
    assert _declined(calibrated) == [question for _, question in OFF_TOPIC]


@pytest.mark.parametrize(("question", "doc_id", "fact"), STATEMENT_QUESTIONS)
def test_the_english_statements_answer_what_they_cover(
    answerer: Answerer, question: str, doc_id: str, fact: str
) -> None:
    response = answerer.ask(AskRequest(question=question))
    assert response.answered and response.reason is None
    assert response.citations[0].doc_id == doc_id
    assert fact in response.answer
    assert 0 < (response.confidence or 0) <= 1


def test_a_deleted_document_is_never_quoted_again(tmp_path: Path, embedder) -> None:
    knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=tmp_path), embedder)
    try:
        assert knowledge_base.ingest([str(CORPUS), str(STATEMENTS)]).ok
        answerer = Answerer(knowledge_base)
        question = AskRequest(question="How long are Vietnam's electronic visas valid now?")
        assert answerer.ask(question).answered
        assert knowledge_base.delete("e-visa")
        after = answerer.ask(question)
        assert all(c.doc_id != "e-visa" for c in after.citations)
        assert "90 days" not in after.answer
    finally:
        knowledge_base.close()
