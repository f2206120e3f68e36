"""When a text exists in the asker's language, that edition is the one the asker reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answering import Answerer, AskRequest
from retrieval.knowledge_base import KnowledgeBase
from tests.bot.answering.conftest import document_path

ENGLISH = """---
title: "Department of Foreign Information: 2024 in review"
publisher: "Department of Foreign Information"
published: 2024-12-20
language: en
---
In 2024 the Department of Foreign Information organised 17 study trips to Vietnam \
for foreign journalists.

The Department also published books about Vietnam in 12 languages.
"""
VIETNAMESE = """---
title: "Cục Thông tin đối ngoại: nhìn lại năm 2024"
publisher: "Cục Thông tin đối ngoại"
published: 2024-12-20
language: vi
---
Năm 2024, Cục Thông tin đối ngoại đã tổ chức 17 chuyến khảo sát Việt Nam cho phóng viên nước ngoài.

Cục cũng xuất bản sách về Việt Nam bằng 12 thứ tiếng.
"""


@pytest.fixture
def bilingual(make_kb: Callable[..., KnowledgeBase], tmp_path: Path) -> Answerer:
    knowledge_base = make_kb("bilingual")
    report = knowledge_base.ingest(
        [
            document_path(tmp_path, "review-2024.md", ENGLISH),
            document_path(tmp_path, "nhin-lai-2024.md", VIETNAMESE),
        ]
    )
    assert report.ok, report.failed
    return Answerer(knowledge_base)


def test_an_english_question_reads_the_english_edition_with_the_vietnamese_beside_it(
    bilingual: Answerer,
) -> None:
    response = bilingual.ask(
        AskRequest(
            question="How many study trips for foreign journalists did the Department of "
            "Foreign Information organise in 2024?"
        )
    )
    assert response.answered and response.language == "en"
    first = response.citations[0]
    # The two files are editions of one text, linked without a declaration.
    assert first.doc_id == "nhin-lai-2024" and "17 chuyến khảo sát" in first.quote
    assert first.translation is not None and first.translation.doc_id == "review-2024"
    assert "17 study trips" in first.translation.text and first.translation.text in response.answer


def test_a_vietnamese_question_reads_the_vietnamese_text(bilingual: Answerer) -> None:
    response = bilingual.ask(
        AskRequest(
            question="Năm 2024 Cục Thông tin đối ngoại đã tổ chức bao nhiêu chuyến khảo sát cho "
            "phóng viên nước ngoài?"
        )
    )
    assert response.answered and response.language == "vi"
    first = response.citations[0]
    assert first.doc_id == "nhin-lai-2024" and "17" in first.quote and first.translation is None
