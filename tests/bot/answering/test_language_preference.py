"""When a document exists in the asker's language, it is the one quoted."""

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


@pytest.mark.parametrize(
    ("question", "language", "doc_id"),
    [
        (
            "How many study trips for foreign journalists did the Department of Foreign "
            "Information organise in 2024?",
            "en",
            "review-2024",
        ),
        (
            "Năm 2024 Cục Thông tin đối ngoại đã tổ chức bao nhiêu chuyến khảo sát cho phóng "
            "viên nước ngoài?",
            "vi",
            "nhin-lai-2024",
        ),
    ],
)
def test_the_document_in_the_askers_language_is_quoted_first(
    bilingual: Answerer, question: str, language: str, doc_id: str
) -> None:
    response = bilingual.ask(AskRequest(question=question))
    assert response.answered and response.language == language
    assert response.citations[0].doc_id == doc_id and "17" in response.citations[0].quote
