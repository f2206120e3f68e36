"""The numbered sources an LLM may use, and the prompt that confines it to them."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.answering.evidence import Passage
from bot.answering.localisation import language_name
from bot.answering.sentences import split_sentences
from retrieval.knowledge_base import KnowledgeBase
from retrieval.types import DocumentMeta

# What the model replies when the sources lack the answer (rule 5 of prompts/answer.txt).
NOT_FOUND = "NOT_IN_SOURCES"


@dataclass(frozen=True)
class Source:
    """Source ``n`` of a prompt: a verbatim span of one document."""

    n: int
    meta: DocumentMeta
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Prompt:
    """A system message (the rules) and a user message (the sources and the question)."""

    system: str
    user: str


@cache
def _template(name: str) -> str:
    return (resources.files("bot.answering") / "prompts" / name).read_text(encoding="utf-8")


def sources_for(passages: Sequence[Passage], knowledge_base: KnowledgeBase) -> tuple[Source, ...]:
    """Return the passages widened by a sentence on each side, as numbered sources."""
    spans: list[tuple[DocumentMeta, int, int]] = []
    for passage in passages:
        text = knowledge_base.document_text(passage.meta.doc_id) or ""
        sentences = split_sentences(passage.meta.doc_id, text)
        inside = [
            i for i, s in enumerate(sentences) if s.start < passage.end and s.end > passage.start
        ]
        start, end = passage.start, passage.end
        if inside:
            start = min(start, sentences[max(0, inside[0] - 1)].start)
            end = max(end, sentences[min(len(sentences) - 1, inside[-1] + 1)].end)
        for i, (meta, low, high) in enumerate(spans):
            if meta.doc_id == passage.meta.doc_id and low <= end and start <= high:
                spans[i] = (meta, min(low, start), max(high, end))
                break
        else:
            spans.append((passage.meta, start, end))
    sources = []
    for n, (meta, start, end) in enumerate(spans, start=1):
        text = knowledge_base.document_text(meta.doc_id) or ""
        sources.append(Source(n, meta, start, end, text[start:end]))
    return tuple(sources)


def build_prompt(question: str, language: str, sources: Sequence[Source]) -> Prompt:
    """Return the prompt asking for an answer in ``language`` from ``sources`` only."""
    system = _template("answer.txt").format(language=language_name(language), not_found=NOT_FOUND)
    blocks = "\n\n".join(_source_block(source) for source in sources)
    user = _template("sources.txt").format(sources=blocks, question=question)
    return Prompt(system=system, user=user)


def _source_block(source: Source) -> str:
    meta = source.meta
    attributes = f'n="{source.n}" title="{html.escape(meta.title)}"'
    if meta.publisher:
        attributes += f' publisher="{html.escape(meta.publisher)}"'
    if meta.published:
        attributes += f' date="{meta.published.isoformat()}"'
    # Escaped so that a source cannot close its own tag and speak outside it.
    return f"<source {attributes}>\n{html.escape(source.text, quote=False)}\n</source>"
