import re

import pytest

from bot.answering.models import AskResponse, Citation
from bot.telegram.answers import answer_messages
from bot.telegram.splitting import MAX_MESSAGE_LENGTH, split_html
from tests.bot.telegram.fake_bot_api import html_error, visible_text
from tests.conftest import CORPUS

SEED = CORPUS / "seeds" / "000_7cf16ed7d5450c3a.txt"


def _words(markup: str) -> list[str]:
    return visible_text(markup).split()


def _joined(parts: list[str]) -> str:
    return "".join(visible_text(part).replace(" ", "") for part in parts)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _long_response() -> AskResponse:
    """An answer built like the answerer's: document sentences, each with a marker."""
    text = SEED.read_text(encoding="utf-8")
    sentences = re.split(r"(?<=[.!?])\s+", text)
    answer = " ".join(f"{sentence} [{i % 3 + 1}]" for i, sentence in enumerate(sentences))
    answer += ' Also: <b>bold</b> & "quoted" claims.'
    citation = Citation(
        n=1,
        doc_id="000",
        title="Kết luận 57",
        publisher="TTXVN",
        published="2023-06-15",
        url="https://example.org/a?x=1&y=2",
        source="corpus/seeds/000.txt",
        quote="Q",
    )
    return AskResponse(
        answer=answer * 2,
        language="vi",
        answered=True,
        conversation_id="c",
        message_id="m",
        citations=[citation],
    )


def test_real_answer_is_cut_at_sentence_ends_below_the_limit() -> None:
    response = _long_response()
    parts = answer_messages(response, "vi")

    assert len(parts) >= 3
    for part in parts:
        assert html_error(part) is None, part[-200:]
        assert _utf16(part) <= MAX_MESSAGE_LENGTH
    whole = visible_text(answer_messages(response, "vi", limit=10**6)[0])
    position = 0
    for part in parts[:-1]:
        shown = visible_text(part)
        position = whole.index(shown, position) + len(shown)
        # Every cut falls after a sentence's end (and its markers) or at a line break.
        at_line_break = whole[position:].startswith("\n")
        assert at_line_break or re.search(r"[.!?…”](\s?\[\d\])*$", shown), shown[-80:]
        assert _utf16(part) > MAX_MESSAGE_LENGTH // 2
    assert [word for part in parts for word in _words(part)] == whole.split()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in parts[-1]


def test_open_tags_are_closed_and_reopened_across_messages() -> None:
    body = "<b>" + "Một câu văn khá dài về thông tin đối ngoại. " * 40 + "</b> tail"
    parts = split_html(f'<a href="https://e.org/?a=1&amp;b=2">{body}</a>', limit=300)

    assert len(parts) > 5
    for part in parts:
        assert html_error(part) is None, part
        assert _utf16(part) <= 300
        assert part.startswith('<a href="https://e.org/?a=1&amp;b=2">')
    assert parts[0].startswith('<a href="https://e.org/?a=1&amp;b=2"><b>')
    assert visible_text(parts[0]).endswith("đối ngoại.")


def test_entities_and_tags_are_never_cut() -> None:
    markup = "&lt;tag&gt; &amp; " * 100 + "<i>" + "x&amp;y" * 50 + "</i>"
    parts = split_html(markup, limit=37)

    for part in parts:
        assert html_error(part) is None, part
        assert _utf16(part) <= 37
    assert _joined(parts) == visible_text(markup).replace(" ", "")


def test_chinese_sentences_end_at_full_stops() -> None:
    markup = "越南对外信息工作取得重要成果。" * 30
    parts = split_html(markup, limit=100)

    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == markup


@pytest.mark.parametrize(
    ("markup", "limit"),
    [("word " * 500, 60), ("x" * 1000, 64), ("<b>" + "y" * 500 + "</b>", 50)],
)
def test_text_without_sentences_is_cut_at_spaces_or_anywhere(markup: str, limit: int) -> None:
    parts = split_html(markup, limit=limit)

    for part in parts:
        assert html_error(part) is None
        assert _utf16(part) <= limit
    assert _joined(parts) == visible_text(markup).replace(" ", "")


def test_short_text_is_one_message_and_blank_text_none() -> None:
    assert split_html("<b>Hi</b> there.") == ["<b>Hi</b> there."]
    assert split_html("  \n ") == []


def test_emoji_count_double_as_telegram_does() -> None:
    parts = split_html("😀" * 100, limit=50)

    assert [len(p) for p in parts] == [25, 25, 25, 25]
