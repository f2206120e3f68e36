"""A news article's photo captions and bylines are never what an answer quotes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.answering import Answerer, AskRequest
from retrieval.knowledge_base import KnowledgeBase
from tests.bot.answering.conftest import document_path
from tests.conftest import CORPUS

# Written for this test, laid out as aggregated news articles are: captions and a byline
# are lines of their own between the paragraphs.
ARTICLE = """---
title: "Thủ tướng Lào thăm chính thức Việt Nam"
language: vi
---
Thủ tướng Lào Thongloun Sisoulith.

Thủ tướng Lào Thongloun Sisoulith đã có chuyến thăm chính thức Việt Nam từ ngày 8 đến \
ngày 10 tháng 1 năm 2017 theo lời mời của Thủ tướng Nguyễn Xuân Phúc.

Hai bên nhất trí tăng cường hợp tác trong các lĩnh vực giao thông, năng lượng và giáo dục.

Lễ đón tại Phủ Chủ tịch. Ảnh: TTXVN.

Minh Anh (Theo Vientiane Times)
"""
CAPTIONS = ("Thủ tướng Lào Thongloun Sisoulith.", "Ảnh: TTXVN", "Minh Anh (Theo")


def test_the_sentence_is_quoted_not_the_caption_beside_it(
    make_kb: Callable[..., KnowledgeBase], tmp_path: Path
) -> None:
    knowledge_base = make_kb("captions")
    report = knowledge_base.ingest(
        [
            document_path(tmp_path, "tham-lao.txt", ARTICLE),
            str(CORPUS / "seeds" / "001_8bae1434a54b0515.txt"),
        ]
    )
    assert report.ok
    answerer = Answerer(knowledge_base)
    for question in (
        "When did the Lao Prime Minister visit Vietnam?",
        "Thủ tướng Lào thăm Việt Nam khi nào?",
        "Thủ tướng Lào là ai?",
    ):
        response = answerer.ask(AskRequest(question=question))
        assert response.answered
        quotes = [c.quote for c in response.citations]
        assert any("chuyến thăm chính thức" in quote for quote in quotes)
        assert not any(quote.strip() == CAPTIONS[0] for quote in quotes)
        assert not any(caption in quote for quote in quotes for caption in CAPTIONS[1:])
