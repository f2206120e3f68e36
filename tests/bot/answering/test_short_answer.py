"""The fact asked for, first, in the reader's language: spans of the quote, reformatted."""

from __future__ import annotations

import pytest

from bot.answering.short_answer import ShortAnswer, short_answer
from tests.bot.answering.conftest import DevAnswer

# A first quote's cosine with a question it answers (above MIN_SIMILARITY_ACROSS).
CLOSE = 0.85


def ask(
    question: str, quotes: list[str], language: str, similarity: float = CLOSE
) -> ShortAnswer | None:
    """Return the short answer to a question in another language than the quotes."""
    return short_answer(question, quotes, language, similarity=similarity, cross_lingual=True)


MEETING = "Hội nghị diễn ra ngày 15/6/2023 tại Hà Nội, với khoảng 1.570 đại biểu."


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("When was the conference held?", "en", "15 June 2023"),
        ("Quand la conférence a-t-elle eu lieu ?", "fr", "15 juin 2023"),
        ("会议是什么时候举行的？", "zh", "2023年6月15日"),
        ("¿Cuándo se celebró la conferencia?", "es", "15 de junio de 2023"),
        ("How many delegates attended?", "en", "1,570"),
        ("Combien de délégués étaient présents ?", "fr", "1\u202f570"),
        ("Where was the conference held?", "en", "Hà Nội"),
    ],
)
def test_dates_and_numbers_are_written_in_the_readers_locale(
    question: str, language: str, expected: str
) -> None:
    short = ask(question, [MEETING], language)
    assert short is not None and short.render() == f"{expected} [1]"


def test_a_share_is_written_as_the_readers_locale_writes_percentages() -> None:
    quote = "Tỷ lệ người dân dùng Internet đạt 12,5 % vào cuối kỳ."
    english = ask("How much?", [quote], "en")
    french = ask("Combien ?", [quote], "fr")
    assert english is not None and english.text == "12.5%"
    assert french is not None and french.text == "12,5\u00a0%"


@pytest.mark.parametrize(
    ("question", "quote", "expected"),
    [
        # A year asked for: the year, also when the source writes it bare.
        (
            "What year was the penal colony founded?",
            "Năm 1824, một thuộc địa hình sự được thành lập gần cửa sông Brisbane.",
            "1824",
        ),
        ("When did the FCT start?", "Lãnh thổ Thủ đô Liên bang được thành lập vào 1911.", "1911"),
        # The interrogative at the end of the question; the name the question gives is not it.
        (
            "The anatomist R.B. Bean is from which American city?",
            "Nghiên cứu được thực hiện bởi R. B. Bean, một nhà giải phẫu học người Philadelphia.",
            "Philadelphia",
        ),
        ("Edward is very protective of whom?", "Edward luôn bảo vệ Bella.", "Bella"),
        # Vietnamese amounts with a scale word are read whole.
        ("How many immigrants arrived?", "Khoảng 4,2 triệu người nhập cư đã đến.", "4,200,000"),
    ],
)
def test_the_fact_is_found_however_the_question_asks_for_it(
    question: str, quote: str, expected: str
) -> None:
    short = ask(question, [quote], "en")
    assert short is not None and short.text == expected


def test_a_quote_far_from_the_question_gives_no_fact() -> None:
    # The only number of a quote about something else is not the answer.
    assert ask("How many delegates attended?", [MEETING], "en", similarity=0.7) is None


def test_a_name_is_copied_as_the_source_writes_it() -> None:
    quote = "Đó là khẳng định của ông Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng."
    short = ask("Who heads the commission?", [quote], "en")
    assert short is not None and short.text == "Nguyễn Trọng Nghĩa"


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        # Two counts: which one is asked for is not for a pattern to guess.
        ("How many delegates attended?", "Có 130 đại biểu của 25 Ban Chỉ đạo tham dự."),
        # A city named after a person is not a person.
        ("Who spoke?", "Vừa qua, tại TP. Hồ Chí Minh, Ban Tuyên giáo tổ chức Hội nghị."),
        # The "when" of a clause; the question asks for a name.
        (
            "What did the band call itself when he joined?",
            "Năm 1999, nhóm đổi tên thành Hybrid Theory.",
        ),
        # Two facts asked for at once.
        ("When did Pichai join Google and who hired him?", "Pichai gia nhập Google năm 2004."),
        # An open question.
        ("Why is digital transformation the key?", MEETING),
    ],
)
def test_no_short_answer_rather_than_a_guess(question: str, quote: str) -> None:
    assert ask(question, [quote], "en") is None


def test_dev_answers_open_with_the_fact_taken_from_their_first_quote(
    dev_answers: dict[str, DevAnswer],
) -> None:
    given = {k: d for k, d in dev_answers.items() if d.response.short_answer}
    assert len(given) >= 4
    for key, dev in given.items():
        response = dev.response
        assert response.answered and response.answer.startswith(f"{response.short_answer}\n")
        fact = response.short_answer.removesuffix(" [1]")
        mentioned = [m.casefold() for m in dev.item.must_mention_any]
        assert any(m in fact.casefold() or fact.casefold() in m for m in mentioned), key
    d01 = dev_answers["d01"].response
    assert d01.short_answer == "15 June 2023 [1]" and "15/6/2023" in d01.citations[0].quote
    unanswered = [d for d in dev_answers.values() if not d.response.answered]
    assert all(d.response.short_answer is None for d in unanswered)
