"""The example questions the widget offers are ones the shipped corpus answers."""

from __future__ import annotations

import pytest

from bot import catalogue
from bot.answering import Answerer, AskRequest

EXAMPLES = [
    (language, question)
    for language, strings in catalogue.sections("widget").items()
    for question in strings["examples"]
]


@pytest.mark.parametrize(("language", "question"), EXAMPLES)
def test_every_example_question_is_answered_with_a_citation(
    answerer: Answerer, language: str, question: str
) -> None:
    response = answerer.ask(AskRequest(question=question))
    assert response.answered, (language, response.reason, response.confidence)
    assert response.citations
