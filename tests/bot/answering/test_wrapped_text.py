"""A document wrapped at a fixed width, as text taken from a PDF is, is quoted in sentences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.answering import Answerer, AskRequest
from retrieval.knowledge_base import KnowledgeBase
from tests.bot.answering.conftest import document_path
from tests.conftest import CORPUS

# Laid out as the English edition of the Constitution comes out of its PDF: every
# sentence broken over lines of about 80 characters, topic labels between them.
WRAPPED = """---
title: "Constitution of the Socialist Republic of Viet Nam (extract)"
language: en
---
Article 32.
1. Every one enjoys the right of ownership with regard to his lawful income, savings,
housing, chattel, means of production funds in enterprises or other economic
organizations.
Right to transfer property
2. The right of private ownership and the right of inheritance are protected by the
law.
3. In cases made absolutely necessary by reason of national defence, security and
the national interest, in case of emergency, and protection against natural
calamity, the State can make a forcible purchase of or can requisition pieces of
property of individuals or organizations against compensation, taking into
account current market prices.
Article 80.
1. The deputy to the National Assembly has the right to interpellate the State
President, the Chairman of the National Assembly, the Prime Minister, Cabinet
Ministers and other members of the Government, the President of the Supreme
People's Court, and the Head of the Supreme People's Procuracy.
"""


def test_a_hard_wrapped_sentence_is_one_quote_not_its_lines(
    make_kb: Callable[..., KnowledgeBase], tmp_path: Path
) -> None:
    knowledge_base = make_kb("wrapped")
    report = knowledge_base.ingest(
        [
            document_path(tmp_path, "constitution-extract.txt", WRAPPED),
            str(CORPUS / "seeds" / "001_8bae1434a54b0515.txt"),
        ]
    )
    assert report.ok
    answerer = Answerer(knowledge_base)
    asked = {
        "What property does the Constitution let everyone own?": (
            "lawful income, savings, housing, chattel",
            "economic organizations.",
        ),
        "Whom may a deputy to the National Assembly interpellate?": (
            "the State President, the Chairman",
            "Supreme People's Procuracy.",
        ),
    }
    for question, (inside, ending) in asked.items():
        response = answerer.ask(AskRequest(question=question))
        assert response.answered, question
        quotes = [c.quote for c in response.citations if c.doc_id == "constitution-extract"]
        assert any(inside in q and q.endswith(ending) for q in quotes), (question, quotes)
        # Whole sentences (a quote may join paragraphs): none ends where a line did.
        paragraphs = [part for q in quotes for part in q.split("\n\n")]
        assert all(part.endswith(".") and "\n" not in part for part in paragraphs), quotes
