"""Glosses for citations: the official translations of the terms their quotes contain."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.models import Citation, GlossaryTerm
from retrieval.glossary import Glossary

# The glossaries translate from the sources' language; its readers need no glosses.
SOURCE_LANGUAGE = "vi"


def glossed(citations: Sequence[Citation], glossary: Glossary, language: str) -> list[Citation]:
    """Return the citations, each with the glosses of the terms in its title and quote."""
    if language == SOURCE_LANGUAGE or not glossary.entries:
        return list(citations)
    return [
        citation.model_copy(
            update={
                "glossary": [
                    GlossaryTerm(
                        term=g.term, translation=g.translation, language=g.language, source=g.source
                    )
                    for g in glossary.glosses([citation.title, citation.quote], language)
                ]
            }
        )
        for citation in citations
    ]
