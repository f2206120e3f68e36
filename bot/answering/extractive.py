"""Answers made of verbatim quotes, framed in the asker's language, and refusals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.evidence import EditionQuote, Evidence, Passage
from bot.answering.localisation import format_date, strings
from bot.answering.models import Citation, Translation
from bot.answering.short_answer import short_answer
from retrieval.types import DocumentMeta

MAX_NEAREST_TOPICS = 3


@dataclass(frozen=True)
class Draft:
    """An answer's text in the pieces it is streamed in, and its citations."""

    pieces: tuple[str, ...]
    citations: tuple[Citation, ...]
    short_answer: str | None = None

    @property
    def text(self) -> str:
        """Return the whole answer."""
        return "".join(self.pieces)


def citation(
    n: int, meta: DocumentMeta, quote: str, edition: EditionQuote | None = None
) -> Citation:
    """Return citation ``n`` of a quote from the document described by ``meta``.

    ``edition`` is the quote in an official edition: the citation's translation.
    """
    return Citation(
        n=n,
        doc_id=meta.doc_id,
        title=meta.title,
        publisher=meta.publisher,
        published=meta.published.isoformat() if meta.published else None,
        url=meta.url,
        source=meta.url or meta.doc_id,
        quote=quote,
        translation=None
        if edition is None
        else Translation(
            text=edition.text,
            language=edition.meta.language,
            kind="official",
            doc_id=edition.meta.doc_id,
            title=edition.meta.title,
            url=edition.meta.url,
        ),
    )


def attribution(meta: DocumentMeta, language: str) -> str:
    """Return who said it and when: "VietnamPlus, 5 July 2023" (the title without publisher)."""
    table = strings(language)
    who = meta.publisher or f"{table.quote_open}{meta.title}{table.quote_close}"
    if meta.published is None:
        return who
    return f"{who}{table.separator}{format_date(meta.published, language)}"


def extractive_answer(
    passages: Sequence[Passage], language: str, *, question: str | None = None
) -> Draft:
    """Return the best quote under a short lead, and the other quotes as citations.

    The reader sees the quote that answers first and alone; the others, which add
    context or may answer in its place, are named by number ("More in the sources:
    [2] [3]") and read in the citations. A document's quotes are numbered together, in
    the order of its best one. Given the ``question``, an answer to a question for a
    date, a number, a person or a place opens with that fact, taken from the best quote
    (see ``short_answer``).
    """
    table = strings(language)
    passages = by_document(passages)
    # An official edition in the reader's language is what the reader reads.
    shown = [(p.edition.meta, p.edition.text) if p.edition else (p.meta, p.text) for p in passages]
    short = (
        short_answer(
            question,
            [text for _, text in shown],
            language,
            similarity=passages[0].similarity,
            cross_lingual=passages[0].meta.language != language,
        )
        if question and passages
        else None
    )
    intro = table.intro_editions if passages and passages[0].edition else table.intro
    pieces = [f"{short.render()}\n", intro] if short else [intro]
    if shown:
        meta, text = shown[0]
        quote = f"{table.quote_open}{text}{table.quote_close}"
        pieces.append(f"\n{attribution(meta, language)}: {quote} [1]")
    if len(shown) > 1:
        more = " ".join(f"[{n}]" for n in range(2, len(shown) + 1))
        pieces.append("\n" + table.more_quotes.format(refs=more))
    citations = tuple(
        citation(n, passage.meta, passage.text, passage.edition)
        for n, passage in enumerate(passages, start=1)
    )
    return Draft(tuple(pieces), citations, short.render() if short else None)


def by_document(passages: Sequence[Passage]) -> list[Passage]:
    """Return ``passages`` with those of one document (as shown) together, best first."""
    order: dict[str, list[Passage]] = {}
    for passage in passages:
        shown = passage.edition.meta if passage.edition else passage.meta
        order.setdefault(shown.doc_id, []).append(passage)
    return [passage for group in order.values() for passage in group]


def refusal(evidence: Evidence, language: str) -> Draft:
    """Return the plain statement that the sources do not cover it, with the nearest topics."""
    table = strings(language)
    pieces = [table.no_answer]
    titles = evidence.nearest_titles[:MAX_NEAREST_TOPICS]
    if titles:
        topics = table.topic_separator.join(
            f"{table.quote_open}{title}{table.quote_close}" for title in titles
        )
        pieces.append(" " + table.nearest.format(topics=topics))
    return Draft(tuple(pieces), ())
