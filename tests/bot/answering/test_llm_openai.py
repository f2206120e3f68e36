"""LLM answers through langchain's ChatOpenAI against a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest

from bot.answering import Answerer, AskRequest, AskResponse, build_chat_client
from bot.answering.localisation import strings
from bot.answering.vectors import SentenceVectors
from bot.settings import Settings
from retrieval.knowledge_base import KnowledgeBase
from tests.bot.answering.fake_openai import Script, create_app
from tests.servers import serve_app

VMUSIC = (
    "Which Korean company does Vietnam's Department of Foreign Information cooperate with "
    "on the vmusic.vn site?"
)
SEMINAR = (
    "How many connection points did the online seminar of the Vietnam Union of Friendship "
    "Organizations on 14 June 2022 have?"
)
NAVER_REPLY = (
    "The Department of Foreign Information maintains the vmusic.vn site in cooperation with "
    "the Korean group Naver, without using the state budget [1]. "
    "The Department received 14 delegations with a total of 75 foreign journalists "
    "without using the state budget [1]."
)
MARKER = re.compile(r"\[(\d+)\]")
# langchain-openai shares one async HTTP client per process: keep one event loop.
same_loop = pytest.mark.asyncio(loop_scope="session")


class Recorder:
    def __init__(self) -> None:
        self.modes: list[str] = []

    def __call__(self, response: AskResponse, mode: str) -> None:
        self.modes.append(mode)


@pytest.fixture(scope="module")
def script() -> Script:
    return Script()


@pytest.fixture(scope="module")
def server(script: Script) -> Iterator[str]:
    with serve_app(create_app(script)) as url:
        yield url


def make_answerer(
    kb: KnowledgeBase, vectors: SentenceVectors, url: str, *, timeout_s: float
) -> tuple[Answerer, Recorder]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        llm_provider="openai",
        llm_base_url=f"{url}/v1",
        llm_model="fake-model",
        llm_timeout_s=timeout_s,
    )
    answerer = Answerer(kb, chat_client=build_chat_client(settings), vectors=vectors)
    recorder = Recorder()
    answerer.on_answer = recorder
    return answerer, recorder


@pytest.fixture
def llm(
    seeded_kb: KnowledgeBase, vectors: SentenceVectors, server: str, script: Script
) -> tuple[Answerer, Recorder]:
    script.delay_s = 0.0
    return make_answerer(seeded_kb, vectors, server, timeout_s=120)


def assert_well_cited(response: AskResponse, kb: KnowledgeBase) -> None:
    assert {int(n) for n in MARKER.findall(response.answer)} == {c.n for c in response.citations}
    for citation in response.citations:
        text = kb.document_text(citation.doc_id)
        assert text is not None and citation.quote in text


@same_loop
async def test_a_streamed_reply_is_shown_sentence_by_sentence_once_checked(
    llm: tuple[Answerer, Recorder], script: Script, seeded_kb: KnowledgeBase
) -> None:
    answerer, recorder = llm
    script.reply = NAVER_REPLY
    events = [e async for e in answerer.ask_stream(AskRequest(question=VMUSIC))]

    assert script.requests[-1]["stream"] is True
    kinds = [e.event for e in events]
    assert kinds[-2:] == ["citations", "done"] and kinds.count("delta") == 2
    done = AskResponse.model_validate_json(events[-1].data)
    assert "".join(e.data for e in events if e.event == "delta") == done.answer == NAVER_REPLY
    assert json.loads(events[-2].data) == [c.model_dump() for c in done.citations]
    assert [c.doc_id for c in done.citations] == ["seeds/003_f689955a8045994b"]
    assert "Naver" in done.citations[0].quote
    assert_well_cited(done, seeded_kb)
    assert done.answered and recorder.modes == ["llm"]


@same_loop
async def test_a_stream_that_goes_wrong_midway_ends_with_its_checked_sentences(
    llm: tuple[Answerer, Recorder], script: Script, caplog: pytest.LogCaptureFixture
) -> None:
    answerer, recorder = llm
    first = NAVER_REPLY.split(" The Department received")[0]
    # The source quoted says "14 delegations, 75 journalists" but not in which year.
    script.reply = first + " In 2019 the Department received 75 foreign journalists [1]."
    with caplog.at_level(logging.WARNING, logger="bot.answering"):
        events = [e async for e in answerer.ask_stream(AskRequest(question=VMUSIC))]
    done = AskResponse.model_validate_json(events[-1].data)
    assert "".join(e.data for e in events if e.event == "delta") == done.answer == first
    assert recorder.modes == ["llm"]
    assert any("cut short" in r.message and "2019" in r.getMessage() for r in caplog.records)


def test_a_whole_reply_that_checks_out_is_kept(
    llm: tuple[Answerer, Recorder], script: Script, seeded_kb: KnowledgeBase
) -> None:
    answerer, recorder = llm
    script.reply = NAVER_REPLY
    response = answerer.ask(AskRequest(question=VMUSIC))
    assert not script.requests[-1].get("stream")
    assert response.answer == NAVER_REPLY and response.answered
    assert_well_cited(response, seeded_kb)
    assert recorder.modes == ["llm"]


def test_the_prompt_confines_the_model_to_numbered_sources_in_the_askers_language(
    llm: tuple[Answerer, Recorder], script: Script
) -> None:
    answerer, _ = llm
    script.reply = NAVER_REPLY
    answerer.ask(AskRequest(question="Quelle entreprise coréenne coopère sur le site vmusic.vn ?"))
    system, user = script.system_message(), script.user_message()
    assert "in French" in system and "[1]" in system and "not instructions" in system
    assert "NOT_IN_SOURCES" in system
    assert '<source n="1"' in user and "vmusic.vn" in user
    assert user.rstrip().endswith("Quelle entreprise coréenne coopère sur le site vmusic.vn ?")


def test_a_citation_to_a_source_that_does_not_exist_is_removed(
    llm: tuple[Answerer, Recorder], script: Script, seeded_kb: KnowledgeBase
) -> None:
    answerer, recorder = llm
    script.reply = (
        "On 14 June 2022 the Vietnam Union of Friendship Organizations held an online seminar "
        "with 53 connection points across the country [7]."
    )
    response = answerer.ask(AskRequest(question=SEMINAR))
    assert 1 <= script.user_message().count("<source n=") < 7  # so [7] cites nothing
    assert "[7]" not in response.answer and "53 connection points" in response.answer
    assert [c.doc_id for c in response.citations] == ["seeds/004_c9927d77c9ac4b2d"]
    assert_well_cited(response, seeded_kb)
    assert recorder.modes == ["llm"]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            "Cục Thông tin đối ngoại đang duy trì trang vmusic.vn hợp tác với tập đoàn Naver "
            "Hàn Quốc mà không sử dụng ngân sách nhà nước [1].",
            "not in the asker's language",
        ),
        ("Vietnam's economy grew by 8 percent in 2023, the Department said [1].", "2023"),
        ("The Department has banned all foreign journalists from the country [1].", "supports"),
    ],
    ids=["wrong-language", "invented-number", "unsupported-claim"],
)
def test_a_reply_that_does_not_check_out_falls_back_to_the_extractive_answer(
    llm: tuple[Answerer, Recorder],
    script: Script,
    caplog: pytest.LogCaptureFixture,
    reply: str,
    reason: str,
) -> None:
    answerer, recorder = llm
    script.reply = reply
    with caplog.at_level(logging.WARNING, logger="bot.answering"):
        response = answerer.ask(AskRequest(question=VMUSIC))
    assert response.answered and response.answer.startswith(strings("en").intro)
    assert "Naver" in response.answer and reply not in response.answer
    assert recorder.modes == ["fallback"]
    fallbacks = [r for r in caplog.records if "replaced by the extractive answer" in r.message]
    assert len(fallbacks) == 1 and reason in fallbacks[0].getMessage()


@same_loop
async def test_a_timeout_falls_back_in_both_whole_and_streamed_answers(
    seeded_kb: KnowledgeBase,
    vectors: SentenceVectors,
    server: str,
    script: Script,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answerer, recorder = make_answerer(seeded_kb, vectors, server, timeout_s=1.0)
    script.reply, script.delay_s = NAVER_REPLY, 4.0
    try:
        with caplog.at_level(logging.WARNING, logger="bot.answering"):
            whole = answerer.ask(AskRequest(question=VMUSIC))
            events = [e async for e in answerer.ask_stream(AskRequest(question=VMUSIC))]
    finally:
        script.delay_s = 0.0
    streamed = AskResponse.model_validate_json(events[-1].data)
    for response in (whole, streamed):
        assert response.answer.startswith(strings("en").intro) and "Naver" in response.answer
    assert "".join(e.data for e in events if e.event == "delta") == streamed.answer
    assert recorder.modes == ["fallback", "fallback"]
    reasons = [r.getMessage() for r in caplog.records if "replaced by" in r.message]
    assert len(reasons) == 2 and all("timed out" in r for r in reasons)


def test_not_in_sources_is_a_plain_refusal(llm: tuple[Answerer, Recorder], script: Script) -> None:
    answerer, recorder = llm
    script.reply = "NOT_IN_SOURCES"
    response = answerer.ask(AskRequest(question=VMUSIC))
    assert not response.answered and response.citations == []
    assert response.answer.startswith(strings("en").no_answer)
    assert recorder.modes == ["llm"]


def test_the_model_is_not_asked_when_the_sources_lack_the_answer(
    llm: tuple[Answerer, Recorder], script: Script
) -> None:
    answerer, _ = llm
    script.reply = "Vietnam's GDP grew by 8.05% in 2023 [1]."
    asked = len(script.requests)
    response = answerer.ask(AskRequest(question="What was Vietnam's GDP growth rate in 2023?"))
    assert len(script.requests) == asked
    assert not response.answered and "8.05" not in response.answer
