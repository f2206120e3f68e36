"""Quotes in the reader's language, from the official editions of the quoted text.

A quote found in any edition of a text becomes the original's sentences, and, when an
edition in the reader's language exists, carries that edition's aligned sentences
verbatim: the reader reads the publisher's own translation, the original beside it.
Two quotes that meet in one original sentence are one quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.answering.evidence import EditionQuote, Passage
from retrieval.editions import Editions
from retrieval.knowledge_base import KnowledgeBase


def in_reader_language(
    passages: Sequence[Passage], language: str, knowledge_base: KnowledgeBase
) -> tuple[Passage, ...]:
    """Return the passages as quotes of their originals, with the reader's edition."""
    editions = knowledge_base.editions()
    if not len(editions):
        return tuple(passages)
    result: list[Passage] = []
    for passage in passages:
        quote = _in_language(passage, language, editions, knowledge_base)
        if not any(_overlaps(quote, other) for other in result):
            result.append(quote)
    return tuple(result)


def _in_language(
    passage: Passage, language: str, editions: Editions, knowledge_base: KnowledgeBase
) -> Passage:
    family = editions.family(passage.meta.doc_id)
    if len(family) == 1:
        return passage
    original = _original(passage, family[0], editions, knowledge_base)
    if original is None or original.meta.language == language:
        return original or passage
    for edition_id in family[1:]:
        stored = knowledge_base.document(edition_id)
        if stored is None or stored.meta.language != language:
            continue
        if edition_id == passage.meta.doc_id:
            return replace(original, edition=EditionQuote(passage.meta, passage.text))
        span = editions.from_original(edition_id, (original.start, original.end))
        text = knowledge_base.document_text(edition_id)
        if span is None or text is None:
            continue
        return replace(original, edition=EditionQuote(stored.meta, text[span[0] : span[1]]))
    return passage


def _original(
    passage: Passage, root: str, editions: Editions, knowledge_base: KnowledgeBase
) -> Passage | None:
    """Return the original's sentences aligned with ``passage`` (itself when it is one)."""
    if passage.meta.doc_id == root:
        return passage
    span = editions.to_original(passage.meta.doc_id, (passage.start, passage.end))
    stored = knowledge_base.document(root)
    text = knowledge_base.document_text(root)
    if span is None or stored is None or text is None:
        return None
    start, end = span
    return replace(passage, meta=stored.meta, start=start, end=end, text=text[start:end])


def _overlaps(first: Passage, second: Passage) -> bool:
    return (
        first.meta.doc_id == second.meta.doc_id
        and first.start < second.end
        and second.start < first.end
    )
