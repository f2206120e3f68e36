"""Answers from official editions: the reader's edition quoted, the original beside it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.answering.models import AskRequest
from bot.answering.pipeline import Answerer
from bot.telegram.answers import answer_messages
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.editions import HARVEST_EN, STATEMENT_EN, STATEMENT_VI, TOURISM_VI, write


@pytest.fixture(scope="module")
def editions_kb(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[KnowledgeBase]:
    """The statement in Vietnamese and its English edition, beside two other documents."""
    root = tmp_path_factory.mktemp("editions")
    folder = root / "corpus"
    for name, text in [
        ("statement-vi", STATEMENT_VI),
        ("statement-en", STATEMENT_EN),
        ("tourism-vi", TOURISM_VI),
        ("harvest-en", HARVEST_EN),
    ]:
        write(folder, name, text)
    config = KnowledgeBaseConfig(data_dir=root / "data", corpus_dir=folder)
    knowledge_base = KnowledgeBase.open(config, embedder)
    assert knowledge_base.ingest([str(folder)]).ok
    yield knowledge_base
    knowledge_base.close()


QUESTION_EN = "How many maritime search and rescue agreements did Viet Nam sign in 2023?"
QUESTION_VI = "Năm 2023 Việt Nam đã ký bao nhiêu thỏa thuận hợp tác tìm kiếm cứu nạn trên biển?"


def test_an_english_question_quotes_the_english_edition_with_the_vietnamese_original(
    editions_kb: KnowledgeBase,
) -> None:
    response = Answerer(editions_kb).ask(AskRequest(question=QUESTION_EN))

    assert response.answered
    first = response.citations[0]
    assert first.doc_id == "statement-vi"
    assert "47 thỏa thuận hợp tác" in first.quote
    assert first.translation is not None
    assert first.translation.kind == "official"
    assert first.translation.doc_id == "statement-en"
    assert (
        first.translation.title
        == "Foreign Ministry holds regular press briefing on maritime cooperation"
    )
    assert "47 cooperation agreements on maritime search and rescue" in first.translation.text
    # The reader reads the publisher's English, not the Vietnamese it translates.
    assert first.translation.text in response.answer
    assert first.quote not in response.answer
    assert "from the publisher's own edition in your language" in response.answer
    # One text in two editions is one source, not two.
    family = [c for c in response.citations if c.doc_id in ("statement-vi", "statement-en")]
    quotes = [c.quote for c in family]
    assert len(quotes) == len(set(quotes))
    assert all(c.doc_id != "statement-en" for c in response.citations)


def test_a_vietnamese_question_quotes_the_vietnamese_text_alone(
    editions_kb: KnowledgeBase,
) -> None:
    response = Answerer(editions_kb).ask(AskRequest(question=QUESTION_VI))

    assert response.answered
    first = response.citations[0]
    assert first.doc_id == "statement-vi" and "47 thỏa thuận" in first.quote
    assert first.translation is None
    assert first.quote in response.answer
    assert "bằng ngôn ngữ gốc" in response.answer


def test_telegram_shows_the_original_in_an_expandable_quote(editions_kb: KnowledgeBase) -> None:
    response = Answerer(editions_kb).ask(AskRequest(question=QUESTION_EN))

    message = "".join(answer_messages(response, "en"))
    assert "<i>Original [1]</i>\n<blockquote expandable>" in message
    assert "47 thỏa thuận hợp tác" in message.split("<blockquote expandable>")[1]
    assert "Official translation" not in message
