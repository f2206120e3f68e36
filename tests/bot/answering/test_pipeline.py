"""The answerer end to end over the seeded corpus: streaming, languages, records, follow-ups."""

from __future__ import annotations

import json

import pytest

from bot.answering import Answerer, AskRequest, AskResponse, StreamEvent
from bot.answering.localisation import strings
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase

NAVER_FR = (
    "Quelle entreprise coréenne coopère avec le Département de l'information pour "
    "l'étranger sur le site vmusic.vn ?"
)
WEAKNESSES_2023 = (
    "What weaknesses of foreign information work were pointed out at the 2023 review conference?"
)


async def collect(answerer: Answerer, request: AskRequest) -> list[StreamEvent]:
    return [event async for event in answerer.ask_stream(request)]


@pytest.mark.asyncio(loop_scope="session")
async def test_a_streamed_answer_is_its_deltas_then_citations_then_the_whole_response(
    answerer: Answerer,
) -> None:
    events = await collect(answerer, AskRequest(question=NAVER_FR))
    kinds = [e.event for e in events]
    assert kinds[0] == "status" and kinds[-2:] == ["citations", "done"]
    assert set(kinds[1:-2]) == {"delta"}
    done = AskResponse.model_validate_json(events[-1].data)
    assert json.loads(events[0].data) == {"stage": "answering", "sources": len(done.citations)}
    assert "".join(e.data for e in events[1:-2]) == done.answer
    assert json.loads(events[-2].data) == [c.model_dump() for c in done.citations]
    assert done.language == "fr" and "Naver" in done.answer


class _FailingFinder:
    def find(self, question: str, *, language: str) -> None:
        raise RuntimeError("database /srv/secret/app.sqlite3 is locked")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_failure_while_streaming_is_one_short_safe_error(
    seeded_kb: KnowledgeBase, vectors: SentenceVectors
) -> None:
    broken = Answerer(seeded_kb, vectors=vectors)
    broken.finder = _FailingFinder()  # type: ignore[assignment]
    events = await collect(broken, AskRequest(question="Qui dirige le comité ?", language="fr"))
    assert [(e.event, e.data) for e in events] == [("error", strings("fr").error)]


def test_an_explicit_language_wins_over_the_questions_own(answerer: Answerer) -> None:
    german = answerer.ask(AskRequest(question=NAVER_FR, language="de"))
    assert german.language == "de" and german.answer.startswith(strings("de").intro)
    assert answerer.ask(AskRequest(question=NAVER_FR, language="en-US")).language == "en"


def test_each_answer_is_recorded_and_reported_to_the_hook(answerer: Answerer) -> None:
    seen: list[tuple[str, str]] = []
    answerer.on_answer = lambda response, mode: seen.append((response.message_id, mode))
    try:
        answered = answerer.ask(AskRequest(question=NAVER_FR), channel="widget")
        refused = answerer.ask(AskRequest(question="Who won the 2031 football world cup?"))
    finally:
        answerer.on_answer = None
    assert seen == [(answered.message_id, "extractive"), (refused.message_id, "extractive")]
    assert answerer.store is not None
    stored = answerer.store.message(answered.message_id)
    assert stored is not None and stored.channel == "widget" and stored.mode == "extractive"
    assert stored.answer == answered.answer and list(stored.citations) == answered.citations
    unanswered = answerer.store.unanswered()
    assert unanswered[0].question == "Who won the 2031 football world cup?"
    assert unanswered[0].conversation_id == refused.conversation_id


def test_a_failing_hook_does_not_lose_the_answer(answerer: Answerer) -> None:
    def broken_hook(response: AskResponse, mode: str) -> None:
        raise ValueError("metrics are down")

    answerer.on_answer = broken_hook
    try:
        assert answerer.ask(AskRequest(question=NAVER_FR)).answered
    finally:
        answerer.on_answer = None


def test_a_short_follow_up_is_resolved_against_the_previous_question(
    answerer: Answerer,
) -> None:
    first = answerer.ask(AskRequest(question=WEAKNESSES_2023))
    follow_up = answerer.ask(
        AskRequest(question="and in 2016?", conversation_id=first.conversation_id)
    )
    assert follow_up.conversation_id == first.conversation_id
    assert follow_up.answered and follow_up.language == "en"
    assert "seeds/001_8bae1434a54b0515" in {c.doc_id for c in follow_up.citations}
    assert any("chưa" in c.quote for c in follow_up.citations)
    assert answerer.store is not None
    last = answerer.store.history(first.conversation_id)[-1]
    assert last.question == "and in 2016?"
    assert "weaknesses" in last.resolved_question and "2016" in last.resolved_question
    assert "2023" not in last.resolved_question
