"""Checking LLM replies against their sources, with langchain's fake chat models."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from bot.answering.background import Background
from bot.answering.generation import Generation, LlmAnswerer, Outcome
from bot.answering.llm import ChatClient
from bot.answering.prompting import Source
from bot.answering.validation import (
    AnswerValidator,
    Unsupported,
    cited,
    complete_sentences,
    split_answer,
    without_citations,
)
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase

VMUSIC_DOC = "seeds/003_f689955a8045994b"
NAVER = (
    "The Department of Foreign Information maintains the vmusic.vn site in cooperation "
    "with the Korean group Naver, without using the state budget [1]."
)


@pytest.fixture(scope="module")
def validator(seeded_kb: KnowledgeBase, vectors: SentenceVectors) -> AnswerValidator:
    return AnswerValidator(seeded_kb, vectors, Background(seeded_kb, vectors))


@pytest.fixture(scope="module")
def sources(seeded_kb: KnowledgeBase) -> list[Source]:
    """Source 1: the journalists and vmusic.vn sentences; 2 and 3: other articles."""

    def span(doc_id: str, n: int, first: str, last: str) -> Source:
        text = seeded_kb.document_text(doc_id) or ""
        start = text.index(first)
        end = text.index(last) + len(last)
        meta = seeded_kb.document(doc_id)
        assert meta is not None
        return Source(n, meta.meta, start, end, text[start:end])

    return [
        span(VMUSIC_DOC, 1, "Cụ thể, Cục đã đón", "trao đổi văn hóa"),
        span("seeds/000_7cf16ed7d5450c3a", 2, "Theo Tổng Giám đốc", "đa phương."),
        span("seeds/001_8bae1434a54b0515", 3, "Tham dự Hội nghị", "phía Bắc."),
    ]


def ask_fake(validator: AnswerValidator, sources: list[Source], reply: str) -> Generation:
    client = ChatClient(FakeListChatModel(responses=[reply]), timeout_s=10, name="fake")
    return LlmAnswerer(client, validator).answer("Which company runs vmusic.vn?", "en", sources)


def test_sentences_keep_their_citations_and_numbers_stay_whole() -> None:
    text = "Naver runs it [1]. It costs 3.5 billion dong. [2] Mr. Tuấn said so [1][3]. 好的。"
    assert split_answer(text) == [
        "Naver runs it [1].",
        " It costs 3.5 billion dong. [2]",
        " Mr. Tuấn said so [1][3].",
        " 好的。",
    ]
    assert cited("It was [2, 3] and [2].") == [2, 3]
    assert without_citations("Naver [1][2].") == "Naver."


def test_a_sentence_is_complete_only_once_the_next_one_begins() -> None:
    assert complete_sentences("Naver runs it. [1") == ([], "Naver runs it. [1")
    done, rest = complete_sentences("Naver runs it [1]. It is")
    assert done == ["Naver runs it [1]."] and rest == " It is"


def test_a_supported_reply_is_kept_with_verbatim_quotes(
    validator: AnswerValidator, sources: list[Source], seeded_kb: KnowledgeBase
) -> None:
    generation = ask_fake(validator, sources, NAVER)
    assert generation.outcome is Outcome.ANSWERED and generation.draft is not None
    assert generation.draft.text == NAVER
    [citation] = generation.draft.citations
    assert citation.n == 1 and citation.doc_id == VMUSIC_DOC
    assert "Naver" in citation.quote
    assert citation.quote in (seeded_kb.document_text(VMUSIC_DOC) or "")


def test_a_citation_to_a_missing_source_is_replaced_by_the_one_that_supports_it(
    validator: AnswerValidator, sources: list[Source]
) -> None:
    generation = ask_fake(validator, sources, NAVER.replace("[1]", "[7]"))
    assert generation.outcome is Outcome.ANSWERED and generation.draft is not None
    assert generation.draft.text == NAVER
    assert [c.n for c in generation.draft.citations] == [1]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            "Vietnam's economy grew by 8 percent in 2023 according to the Department [1].",
            "supports",
        ),
        ("About 500 delegates from 25 northern provinces attended the meeting [3].", "number"),
        ("Cục đang duy trì trang vmusic.vn hợp tác với tập đoàn Naver Hàn Quốc [1].", "language"),
        ("The sources say a lot about many things.", "no source supports"),
        ("Yes, it does.", "no source supports"),
        # Short sentences are checked too: a link the sources never give must not pass.
        (NAVER + " Visit evil.example now.", "evil.example"),
    ],
    ids=["invented", "wrong-number", "wrong-language", "uncited-claim", "short", "short-link"],
)
def test_a_reply_that_does_not_check_out_fails_with_its_reason(
    validator: AnswerValidator, sources: list[Source], reply: str, reason: str
) -> None:
    generation = ask_fake(validator, sources, reply)
    assert generation.outcome is Outcome.FAILED and generation.draft is None
    assert generation.reason is not None and reason in generation.reason


def test_not_in_sources_is_reported_as_such(
    validator: AnswerValidator, sources: list[Source]
) -> None:
    assert ask_fake(validator, sources, "NOT_IN_SOURCES").outcome is Outcome.NOT_FOUND


@pytest.mark.asyncio(loop_scope="session")
async def test_a_streamed_reply_arrives_in_checked_sentences(
    validator: AnswerValidator, sources: list[Source]
) -> None:
    second = "About 130 delegates from 25 steering committees of northern provinces attended [3]."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=f"{NAVER} {second}")]))
    answerer = LlmAnswerer(ChatClient(model, timeout_s=10, name="fake"), validator)
    items = [item async for item in answerer.stream("Who attended?", "en", sources)]
    *pieces, result = items
    assert pieces == [NAVER, f" {second}"]
    assert isinstance(result, Generation) and result.outcome is Outcome.ANSWERED
    assert result.draft is not None and [c.n for c in result.draft.citations] == [1, 3]


class _Broken(FakeListChatModel):
    def _call(self, *args: object, **kwargs: object) -> str:
        raise ConnectionError("connection refused by 10.0.0.1:8000")


def test_an_unreachable_model_is_a_failure_not_an_exception(
    validator: AnswerValidator, sources: list[Source]
) -> None:
    client = ChatClient(_Broken(responses=[""]), timeout_s=10, name="broken")
    generation = LlmAnswerer(client, validator).answer("Who?", "en", sources)
    assert generation.outcome is Outcome.FAILED and generation.reason == "the LLM call failed"
    assert generation.error is not None and "10.0.0.1" not in str(generation.error)


@pytest.mark.parametrize(
    "claim",
    [
        "The Department received 14 delegations with 75 foreign journalists without using "
        "state budget funds.",
        "Vietnam News Agency's foreign information is published by more than 40 partner news "
        "agencies.",
        "越南通讯社的对外信息通过双边和多边交换机制在40多家合作通讯社的产品上发布。",
        "About 130 delegates from 25 steering committees of northern provinces attended the "
        "meeting.",
    ],
)
def test_translations_of_a_source_sentence_are_supported(
    validator: AnswerValidator, sources: list[Source], claim: str
) -> None:
    checked = validator.check_sentence(claim, sources)
    assert checked.quotes and "[" in checked.text


@pytest.mark.parametrize(
    "claim",
    [
        "The capital of Australia is Canberra [2].",
        "Vietnam strongly condemned the war in Ukraine at the conference [2].",
        "The meeting decided to ban all foreign journalists from Vietnam [1].",
        "Golfzon won the national championship thanks to Vu Viet Trang [2].",
    ],
)
def test_invented_claims_on_the_same_topics_are_not(
    validator: AnswerValidator, sources: list[Source], claim: str
) -> None:
    with pytest.raises(Unsupported):
        validator.check_sentence(claim, sources)
