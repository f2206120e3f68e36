"""Machine translations of an answer's quotes, checked before a reader sees them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.answering.models import Citation, Translation
from bot.answering.translation import TranslationError, Translator
from bot.answering.translation_check import translation_problem

log = logging.getLogger(__name__)


def translated(
    citations: Sequence[Citation],
    translator: Translator,
    language: str,
    document_language: Callable[[str], str | None],
) -> list[Citation]:
    """Return the citations with machine translations of the quotes not in ``language``.

    A translation that changed or dropped a number, a code or a name is left out, and so
    is every translation when the translator fails: the answer stands without them.
    """
    pending = [
        (index, citation, source)
        for index, citation in enumerate(citations)
        if citation.translation is None
        and (source := document_language(citation.doc_id))
        and source != language
    ]
    result = list(citations)
    for source in dict.fromkeys(s for _, _, s in pending):
        group = [(i, c) for i, c, s in pending if s == source]
        try:
            texts = translator.translate(
                [c.quote for _, c in group], source=source, target=language
            )
        except TranslationError as exc:
            log.warning("quotes shown untranslated: %s", exc)
            continue
        for (index, citation), text in zip(group, texts, strict=True):
            problem = translation_problem(citation.quote, text)
            if problem:
                log.warning("machine translation of [%s] discarded: %s", citation.n, problem)
                continue
            result[index] = citation.model_copy(
                update={
                    "translation": Translation(
                        text=text, language=language, kind="machine", doc_id=citation.doc_id
                    )
                }
            )
    return result
