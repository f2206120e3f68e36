"""Answers written by an LLM from the numbered sources, kept only as far as they check out."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from enum import Enum

from bot.answering.extractive import Draft, citation
from bot.answering.llm import ChatClient, LlmError, LlmTimeout
from bot.answering.prompting import NOT_FOUND, Source, build_prompt
from bot.answering.validation import (
    AnswerValidator,
    CheckedSentence,
    Quote,
    Unsupported,
    complete_sentences,
    split_answer,
)

# Quoted source text may stay in the original; the language test reads the rest.
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|„[^“]*“|「[^」]*」")


class Outcome(Enum):
    """How an LLM answer ended."""

    ANSWERED = "answered"
    NOT_FOUND = "not_found"
    FAILED = "failed"


@dataclass(frozen=True)
class Generation:
    """The result of asking the LLM: an answer, "not in the sources", or a failure.

    A streamed answer that failed after some sentences were sent is ANSWERED with those
    sentences and ``reason`` set (they were checked; what followed was not shown).
    """

    outcome: Outcome
    draft: Draft | None = None
    reason: str | None = None
    error: LlmError | None = None


@dataclass
class _Progress:
    """The sentences checked so far, and how many of them were shown."""

    checked: list[CheckedSentence] = field(default_factory=list)
    shown: int = 0

    def release(self, *, final: bool = False) -> str:
        """Return the checked sentences not shown yet, once a citation has been checked.

        Uncited sentences are held back until one with a citation follows, so that an
        answer citing nothing shows nothing and can be replaced whole.
        """
        if not final and not any(s.quotes for s in self.checked):
            return ""
        text = "".join(s.text for s in self.checked[self.shown :])
        self.shown = len(self.checked)
        return text

    def draft(self) -> Draft:
        best: dict[int, Quote] = {}
        for sentence in self.checked:
            for n, quote in sentence.quotes.items():
                if n not in best or quote.similarity > best[n].similarity:
                    best[n] = quote
        citations = tuple(
            citation(n, quote.source.meta, quote.sentence.text) for n, quote in best.items()
        )
        return Draft(tuple(s.text for s in self.checked), citations)


class LlmAnswerer:
    """Asks the LLM for an answer from the sources and checks it sentence by sentence."""

    def __init__(self, client: ChatClient, validator: AnswerValidator) -> None:
        self.client = client
        self.validator = validator

    def answer(self, question: str, language: str, sources: Sequence[Source]) -> Generation:
        """Return the checked whole answer (no exception escapes: failures are outcomes)."""
        try:
            reply = self.client.complete(build_prompt(question, language, sources))
        except LlmError as exc:
            return Generation(Outcome.FAILED, reason=_failure(exc), error=exc)
        if NOT_FOUND in reply:
            return Generation(Outcome.NOT_FOUND)
        progress = _Progress()
        try:
            for sentence in split_answer(reply):
                self._accept(sentence, sources, language, progress)
        except Unsupported as exc:
            return Generation(Outcome.FAILED, reason=str(exc))
        if not progress.draft().citations:
            return Generation(Outcome.FAILED, reason="the reply cites no source")
        return Generation(Outcome.ANSWERED, progress.draft())

    async def stream(
        self, question: str, language: str, sources: Sequence[Source]
    ) -> AsyncIterator[str | Generation]:
        """Yield checked sentences as they complete, then the ``Generation``.

        A sentence is shown only once it checks out; a failure before the first cited one
        leaves nothing shown (the caller falls back), a later one ends the answer there.
        """
        progress = _Progress()
        buffer = ""
        reason: str | None = None
        error: LlmError | None = None
        accept = self._accept
        try:
            pieces = self.client.stream(build_prompt(question, language, sources))
            async with aclosing(pieces):
                async for piece in pieces:
                    buffer += piece
                    if not progress.checked and NOT_FOUND in buffer:
                        yield Generation(Outcome.NOT_FOUND)
                        return
                    done, buffer = complete_sentences(buffer)
                    for sentence in done:
                        # Checking embeds text: off the event loop.
                        await asyncio.to_thread(accept, sentence, sources, language, progress)
                        if shown := progress.release():
                            yield shown
            if not progress.checked and NOT_FOUND in buffer:
                yield Generation(Outcome.NOT_FOUND)
                return
            for sentence in split_answer(buffer):
                await asyncio.to_thread(accept, sentence, sources, language, progress)
        except LlmError as exc:
            reason, error = _failure(exc), exc
        except Unsupported as exc:
            reason = str(exc)
        draft = progress.draft()
        if not draft.citations:
            reason = reason or "the reply cites no source"
            yield Generation(Outcome.FAILED, reason=reason, error=error)
            return
        if rest := progress.release(final=True):
            yield rest
        yield Generation(Outcome.ANSWERED, draft, reason, error)

    def _accept(
        self, sentence: str, sources: Sequence[Source], language: str, progress: _Progress
    ) -> str:
        """Check one sentence, record it and return its text as shown."""
        shown = "".join(s.text for s in progress.checked)
        if not self.validator.in_language(_QUOTED.sub("", shown + sentence), language):
            raise Unsupported(f"the reply is not in the asker's language ({language})")
        checked = self.validator.check_sentence(sentence, sources)
        if not progress.checked:
            checked = CheckedSentence(checked.text.lstrip(), checked.quotes)
        progress.checked.append(checked)
        return checked.text


def _failure(exc: LlmError) -> str:
    return "the LLM timed out" if isinstance(exc, LlmTimeout) else "the LLM call failed"
