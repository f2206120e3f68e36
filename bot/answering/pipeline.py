"""Answering a question: language, follow-up, evidence, abstention, answer, record."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.answering.abstention import AbstentionPolicy, Decision, Reason
from bot.answering.conversation import Resolved, resolve
from bot.answering.editions import in_reader_language
from bot.answering.evidence import Evidence, EvidenceConfig, EvidenceFinder
from bot.answering.extractive import Draft, extractive_answer, refusal
from bot.answering.fact_spans import load_locales
from bot.answering.generation import Generation, LlmAnswerer, Outcome
from bot.answering.glossing import glossed
from bot.answering.llm import ChatClient
from bot.answering.localisation import ACCEPTED_LANGUAGES, strings
from bot.answering.models import AskRequest, AskResponse, Citation, StreamEvent
from bot.answering.models import Reason as ResponseReason
from bot.answering.prompting import sources_for
from bot.answering.translating import translated
from bot.answering.translation import Translator
from bot.answering.validation import AnswerValidator
from bot.answering.vectors import SentenceVectors
from bot.answering.warming import embed_ahead
from retrieval.knowledge_base import KnowledgeBase
from retrieval.language import detect_language

if TYPE_CHECKING:
    from bot.store import AppStore

log = logging.getLogger(__name__)

AnswerHook = Callable[[AskResponse, str], None]
# A follow-up with fewer letters than this ("and in 2016?") keeps the previous language.
_MIN_LETTERS_TO_DETECT = 20


@dataclass(frozen=True)
class _Question:
    """A question ready to answer: its ids, language, search text, evidence and verdict."""

    request: AskRequest
    conversation_id: str
    message_id: str
    language: str
    resolved: Resolved
    evidence: Evidence
    decision: Decision
    started: float


class Answerer:
    """Answers questions from the knowledge base, in the asker's language, with citations.

    Thread-safe. With a ``chat_client`` the answer is written by the LLM from the same
    evidence and checked; the extractive answer replaces it when the check fails.
    ``vectors`` may be shared between answerers over the same embedder (its cache).

    Attributes:
        on_answer: Called with each response and its mode ("extractive", "llm" or
            "fallback"), e.g. to count outcomes.
    """

    def __init__(
        self,
        knowledge_base: KnowledgeBase,
        *,
        store: AppStore | None = None,
        chat_client: ChatClient | None = None,
        policy: AbstentionPolicy | None = None,
        evidence: EvidenceConfig | None = None,
        history_turns: int = 6,
        vectors: SentenceVectors | None = None,
        translator: Translator | None = None,
    ) -> None:
        self.translator = translator
        self.knowledge_base = knowledge_base
        self.store = store
        self.policy = policy or AbstentionPolicy()
        self.history_turns = history_turns
        self.on_answer: AnswerHook | None = None
        vectors = vectors or SentenceVectors(knowledge_base.embedder)
        self.finder = EvidenceFinder(
            knowledge_base, vectors, evidence, yardstick=self.policy.model.yardstick
        )
        self.llm = (
            None
            if chat_client is None
            else LlmAnswerer(
                chat_client, AnswerValidator(knowledge_base, vectors, self.finder.background)
            )
        )

    def warm_up(self) -> float:
        """Embed the corpus's quotable texts ahead, then run one question, unrecorded.

        The first question after a start pays for the model's first passes and every lazy
        cache; a server runs this before it says it is ready, so no reader does. Returns
        the seconds taken.
        """
        started = time.perf_counter()
        embed_ahead(self.knowledge_base, self.finder.vectors, self.finder.scorer.config)
        load_locales(ACCEPTED_LANGUAGES)
        question = self._prepare(AskRequest(question=WARM_UP_QUESTION))
        self._citations(self._plain_draft(question), question.language)
        return time.perf_counter() - started

    def embed_questions_ahead(self, questions: Sequence[str]) -> None:
        """Embed questions that wait for their answer together, in one model pass.

        Their answers then search without a pass of their own; a follow-up, searched with
        the question before it, still makes its own.
        """
        self.finder.vectors.embed_questions_ahead(questions)

    def ask(self, request: AskRequest, *, channel: str = "api") -> AskResponse:
        """Answer ``request`` and record the answer."""
        if not is_question(request.question):
            return self._not_a_question(request)
        question = self._prepare(request)
        if self.llm is None or not question.decision.answer:
            return self._finish(question, self._plain_draft(question), channel)
        sources = sources_for(question.evidence.passages, self.knowledge_base)
        generation = self.llm.answer(question.resolved.question, question.language, sources)
        return self._finish_llm(question, generation, channel)

    async def ask_stream(
        self, request: AskRequest, *, channel: str = "api"
    ) -> AsyncIterator[StreamEvent]:
        """Yield the answer as events: ``status``, ``delta``s, ``citations``, ``done``.

        ``status`` comes once the sources are chosen; a failure is one ``error``.
        """
        language = request.language or "en"
        if not is_question(request.question):
            response = self._not_a_question(request)
            yield StreamEvent(event="delta", data=response.answer)
            yield StreamEvent(event="citations", data="[]")
            yield StreamEvent(event="done", data=response.model_dump_json())
            return
        try:
            question = await asyncio.to_thread(self._prepare, request)
            language = question.language
            found = len(question.evidence.passages) if question.decision.answer else 0
            yield StreamEvent(
                event="status", data=json.dumps({"stage": "answering", "sources": found})
            )
            if self.llm is None or not question.decision.answer:
                draft = self._plain_draft(question)
                for piece in draft.pieces:
                    yield StreamEvent(event="delta", data=piece)
                response = await asyncio.to_thread(self._finish, question, draft, channel)
            else:
                sources = await asyncio.to_thread(
                    sources_for, question.evidence.passages, self.knowledge_base
                )
                generation = Generation(Outcome.FAILED, reason="the LLM stream ended early")
                async for item in self.llm.stream(
                    question.resolved.question, question.language, sources
                ):
                    if isinstance(item, Generation):
                        generation = item
                    else:
                        yield StreamEvent(event="delta", data=item)
                if generation.outcome is not Outcome.ANSWERED:
                    for piece in self._replacement(question, generation).pieces:
                        yield StreamEvent(event="delta", data=piece)
                response = await asyncio.to_thread(self._finish_llm, question, generation, channel)
        except Exception:
            log.exception("could not answer a streamed question")
            yield StreamEvent(event="error", data=strings(language).error)
            return
        citations = [c.model_dump() for c in response.citations]
        yield StreamEvent(event="citations", data=json.dumps(citations, ensure_ascii=False))
        yield StreamEvent(event="done", data=response.model_dump_json())

    def _not_a_question(self, request: AskRequest) -> AskResponse:
        """Refuse a message with no letter or digit in it, without searching."""
        language = request.language or "en"
        log.info("answered=False reason=not_a_question language=%s", language)
        return AskResponse(
            answer=strings(language).not_a_question,
            language=language,
            answered=False,
            conversation_id=request.conversation_id or uuid.uuid4().hex,
            message_id=uuid.uuid4().hex,
            citations=[],
            reason="not_a_question",
            confidence=0.0,
        )

    def _prepare(self, request: AskRequest) -> _Question:
        started = time.perf_counter()
        conversation_id = request.conversation_id or uuid.uuid4().hex
        history = (
            self.store.history(conversation_id, self.history_turns)
            if self.store is not None and request.conversation_id
            else []
        )
        resolved = resolve(request.question, history)
        language = _language(request, resolved)
        evidence = self.finder.find(resolved.question, language=language)
        decision = self.policy.decide(evidence)
        passages = in_reader_language(evidence.passages, language, self.knowledge_base)
        evidence = replace(evidence, passages=passages)
        return _Question(
            request,
            conversation_id,
            uuid.uuid4().hex,
            language,
            resolved,
            evidence,
            decision,
            started,
        )

    def _plain_draft(self, question: _Question) -> Draft:
        if question.decision.answer:
            return extractive_answer(
                question.evidence.passages,
                question.language,
                question=question.resolved.question,
            )
        return refusal(question.evidence, question.language)

    def _replacement(self, question: _Question, generation: Generation) -> Draft:
        """Return what replaces an LLM answer that was not found or failed."""
        if generation.outcome is Outcome.NOT_FOUND:
            return refusal(question.evidence, question.language)
        return extractive_answer(
            question.evidence.passages, question.language, question=question.resolved.question
        )

    def _finish_llm(self, question: _Question, generation: Generation, channel: str) -> AskResponse:
        if generation.outcome is Outcome.ANSWERED and generation.draft is not None:
            if generation.reason:
                log.warning(
                    "LLM answer cut short after its checked sentences: %s",
                    generation.reason,
                    exc_info=generation.error,
                )
            return self._finish(question, generation.draft, channel, mode="llm")
        if generation.outcome is Outcome.NOT_FOUND:
            return self._finish(
                question,
                self._replacement(question, generation),
                channel,
                mode="llm",
                answered=False,
            )
        log.warning(
            "LLM answer replaced by the extractive answer: %s",
            generation.reason,
            exc_info=generation.error,
        )
        return self._finish(
            question, self._replacement(question, generation), channel, mode="fallback"
        )

    def _citations(self, draft: Draft, language: str) -> list[Citation]:
        """Return the draft's citations with their glosses and machine translations."""
        citations = glossed(draft.citations, self.knowledge_base.glossaries.glossary(), language)
        if self.translator is None or not citations:
            return citations
        return translated(citations, self.translator, language, self._document_language)

    def _document_language(self, doc_id: str) -> str | None:
        document = self.knowledge_base.document(doc_id)
        return document.meta.language if document else None

    def _finish(
        self,
        question: _Question,
        draft: Draft,
        channel: str,
        *,
        mode: str | None = None,
        answered: bool | None = None,
    ) -> AskResponse:
        """Build the response, record it and report it to the hook."""
        mode = mode or ("llm" if self.llm is not None else "extractive")
        answered = question.decision.answer if answered is None else answered
        response = AskResponse(
            answer=draft.text,
            language=question.language,
            answered=answered,
            conversation_id=question.conversation_id,
            message_id=question.message_id,
            citations=self._citations(draft, question.language),
            short_answer=draft.short_answer if answered else None,
            reason=None if answered else _REASONS[question.decision.reason],
            confidence=round(question.decision.confidence, 3),
        )
        latency_ms = (time.perf_counter() - question.started) * 1000
        log.info(
            "answered=%s mode=%s language=%s reason=%s confidence=%.2f latency=%.0fms",
            response.answered,
            mode,
            response.language,
            question.decision.reason.value,
            question.decision.confidence,
            latency_ms,
        )
        if self.store is not None:
            try:
                self.store.record_answer(
                    response=response,
                    question=question.request.question,
                    channel=channel,
                    mode=mode,
                    latency_ms=latency_ms,
                    resolved_question=question.resolved.question,
                )
            except Exception:
                # The reader still gets the answer; only the record (and follow-ups) is lost.
                log.exception("could not record answer %s", response.message_id)
        if self.on_answer is not None:
            try:
                self.on_answer(response, mode)
            except Exception:
                log.exception("the on_answer hook failed")
        return response


# Cross-lingual, like most readers' questions: it exercises every step of an answer.
WARM_UP_QUESTION = "What is the role of foreign information work?"

_REASONS: dict[Reason, ResponseReason] = {
    Reason.SUPPORTED: "not_covered",  # an LLM found the sources silent after all
    Reason.NOT_COVERED: "not_covered",
    Reason.OFF_TOPIC: "off_topic",
    Reason.MISSING_TERMS: "missing_terms",
    Reason.LOW_CONFIDENCE: "low_confidence",
}


def is_question(text: str) -> bool:
    """Return True when ``text`` holds a letter or a digit (in any script)."""
    return any(ch.isalnum() for ch in text)


def _language(request: AskRequest, resolved: Resolved) -> str:
    """Return the answer language: the one asked for, else the question's own."""
    if request.language:
        return request.language
    letters = sum(ch.isalpha() for ch in request.question)
    if resolved.previous_language and letters < _MIN_LETTERS_TO_DETECT:
        return resolved.previous_language
    return detect_language(request.question)
