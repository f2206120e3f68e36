"""Glosses in answers: the starter glossary's official translations beside the quotes."""

from __future__ import annotations

from bot.answering import Answerer, AskRequest
from retrieval.glossary import read_glossary
from tests.bot.answering.conftest import DevAnswer
from tests.conftest import CORPUS

STARTER = read_glossary(CORPUS / "glossary" / "starter.glossary.csv").entries
SPELLINGS = {e.term: e.spellings() for e in STARTER}


def _written_in(text: str) -> set[tuple[str, str]]:
    """Return the starter terms written in ``text`` as the glossary spells them, and how."""
    return {(e.term, s) for e in STARTER for s in e.spellings() if s in text}


def test_english_answers_on_the_dev_set_gloss_every_glossary_term_their_quotes_contain(
    dev_answers: dict[str, DevAnswer],
) -> None:
    english = {e.term: e.translations["en"] for e in STARTER}
    glossed = 0
    for dev in dev_answers.values():
        if dev.response.language != "en":
            continue
        for citation in dev.response.citations:
            shown = {g.term: g.translation for g in citation.glossary}
            for term, spelling in _written_in(citation.quote + " " + citation.title):
                # A spelling inside a longer glossed term is covered by that term.
                inside = any(
                    term != other and spelling.casefold() in longer.casefold()
                    for other in shown
                    for longer in SPELLINGS[other]
                )
                assert term in shown or inside, (dev.item.id, citation.n, term)
            assert all(english[term] == translation for term, translation in shown.items())
            assert all(g.language == "en" and g.source for g in citation.glossary)
            glossed += len(shown)
    assert glossed >= 10


def test_a_french_answer_carries_french_glosses(answerer: Answerer) -> None:
    response = answerer.ask(
        AskRequest(
            question="Que demande le chef de la Commission centrale de propagande "
            "pour le second semestre 2023 ?"
        )
    )
    assert response.answered and response.language == "fr"
    glosses = {g.term: g for c in response.citations for g in c.glossary}
    assert glosses["Trưởng Ban Tuyên giáo Trung ương"].translation == (
        "chef de la Commission centrale de propagande et d'éducation"
    )
    assert all(g.language == "fr" for g in glosses.values())
    # The quote stays verbatim: the gloss is beside it, not in it.
    assert all("Commission centrale" not in c.quote for c in response.citations)


def test_vietnamese_readers_get_no_glosses(dev_answers: dict[str, DevAnswer]) -> None:
    vietnamese = [d for d in dev_answers.values() if d.response.language == "vi"]
    assert vietnamese and all(c.glossary == [] for d in vietnamese for c in d.response.citations)
