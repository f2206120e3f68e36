from bot.answering.models import AskResponse, Citation, GlossaryTerm, Translation
from bot.telegram.answers import (
    answer_keyboard,
    answer_messages,
    sources_page,
    without_feedback,
)
from bot.telegram.i18n import LANGUAGES, command_descriptions, supported_language, text
from tests.bot.telegram.fake_bot_api import html_error, visible_text


def _citation(n: int, *, url: str | None = "https://example.org/a", title: str = "T") -> Citation:
    return Citation(
        n=n,
        doc_id=f"d{n}",
        title=title,
        publisher="Báo <Nhân Dân>",
        published="2023-06-15",
        url=url,
        source=f"corpus/d{n}.txt",
        quote="Trích dẫn & <nguyên văn>",
    )


def _response(answer: str, citations: list[Citation]) -> AskResponse:
    return AskResponse(
        answer=answer,
        language="en",
        answered=True,
        conversation_id="conv",
        message_id="0123456789abcdef0123456789abcdef",
        citations=citations,
    )


def test_answer_text_from_users_and_documents_is_escaped() -> None:
    response = _response('You asked about <b>x</b> & "y" [1].', [_citation(1)])

    [message] = answer_messages(response, "en")

    assert html_error(message) is None
    assert message.startswith("You asked about &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot; [1].")
    assert visible_text(message).endswith("All sources: /sources")


def test_keyboard_links_only_http_sources_then_rating_buttons() -> None:
    citations = [
        _citation(1, title="A very long title about foreign information work in Vietnam today"),
        _citation(2, url=None),
        _citation(3, url="javascript:alert(1)"),
        _citation(4, url="https://example.org/a"),  # the same page as [1]
        _citation(5, url="http://example.org/b"),
    ]
    rows = answer_keyboard(_response("A [1][2][5].", citations)).inline_keyboard

    links = [row[0] for row in rows[:-1]]
    assert [button.url for button in links] == ["https://example.org/a", "http://example.org/b"]
    assert links[0].text.startswith("[1] A very long title") and links[0].text.endswith("…")
    assert len(links[0].text) <= 48
    assert [b.callback_data for b in rows[-1]] == [
        "fb:up:0123456789abcdef0123456789abcdef",
        "fb:down:0123456789abcdef0123456789abcdef",
    ]
    rated = without_feedback(answer_keyboard(_response("A", citations)))
    assert rated is not None
    assert [row[0].url for row in rated.inline_keyboard] == [
        "https://example.org/a",
        "http://example.org/b",
    ]
    assert without_feedback(answer_keyboard(_response("A", []))) is None


def test_sources_pages_escape_and_turn() -> None:
    citations = [_citation(n, title=f"<i>Title {n}</i> & co") for n in range(1, 8)]

    first, keyboard = sources_page(citations, answer_id="m1", page=0, language="fr")
    last, last_keyboard = sources_page(citations, answer_id="m1", page=9, language="fr")

    assert html_error(first) is None and html_error(last) is None
    assert "(1/2)" in first and "[5]" in first and "[6]" not in first
    assert '<a href="https://example.org/a">&lt;i&gt;Title 1&lt;/i&gt; &amp; co</a>' in first
    assert "Báo &lt;Nhân Dân&gt; · 2023-06-15" in first
    assert "«Trích dẫn &amp; &lt;nguyên văn&gt;»" in first
    assert keyboard is not None and last_keyboard is not None
    assert [b.callback_data for b in keyboard.inline_keyboard[0]] == ["src:1:m1"]
    assert "(2/2)" in last and "[7]" in last
    assert [b.callback_data for b in last_keyboard.inline_keyboard[0]] == ["src:0:m1"]
    assert sources_page(citations[:2], answer_id="m1", page=0, language="fr")[1] is None


def test_quotes_from_one_document_share_one_sources_entry() -> None:
    one, other = _citation(1, title="Kết luận 57"), _citation(3, title="Báo cáo")
    second = one.model_copy(update={"n": 2, "quote": "Câu thứ hai"})

    page, _ = sources_page([one, second, other], answer_id="m1", page=0, language="en")

    assert page.count("Kết luận 57") == 1 and page.count("Báo cáo") == 1
    assert "<b>[1][2]</b>" in page and "<b>[3]</b>" in page
    assert "[2] «Câu thứ hai»" in page
    assert page.index("Câu thứ hai") < page.index("Báo cáo")


def test_every_language_has_every_message_and_command() -> None:
    english = set(command_descriptions("en"))
    for language in LANGUAGES:
        assert set(command_descriptions(language)) == english
        for key in ("start", "help", "about", "error", "upload_refused", "lang_set"):
            message = text(
                language,
                key,
                name="<Ann>",
                documents=1,
                chunks=2,
                publishers="P",
                latest="2023",
                language="x",
            )
            assert html_error(message) is None
            assert "<Ann>" not in message


def test_language_codes_are_matched_by_their_primary_tag() -> None:
    assert supported_language("fr-CA") == "fr"
    assert supported_language("zh-hans") == "zh"
    assert supported_language("pt-br") is None
    assert supported_language(None) is None


def test_glosses_follow_the_answer_once_each_and_escaped() -> None:
    gloss = GlossaryTerm(
        term="Thông tấn xã Việt Nam",
        translation="Vietnam News Agency <VNA>",
        language="en",
        source="vnanet.vn",
    )
    citations = [_citation(1).model_copy(update={"glossary": [gloss]}) for _ in range(2)]
    [message] = answer_messages(_response("It says so [1].", citations), "fr")

    assert html_error(message) is None
    shown = visible_text(message)
    assert (
        "Glossaire (traductions officielles)\n• Thông tấn xã Việt Nam — Vietnam News Agency <VNA>"
        in shown
    )
    assert shown.count("Vietnam News Agency") == 1
    assert shown.index("It says so") < shown.index("Glossaire") < shown.index("Toutes les sources")


def test_an_answer_without_glossary_terms_shows_no_glossary() -> None:
    [message] = answer_messages(_response("It says so [1].", [_citation(1)]), "en")
    assert "Glossary" not in visible_text(message)


def test_a_machine_translation_is_labelled_under_the_answer() -> None:
    translation = Translation(
        text="The conference <took place> on 5/7.", language="en", kind="machine", doc_id="d1"
    )
    citation = _citation(1).model_copy(update={"translation": translation})
    [message] = answer_messages(_response("Trích dẫn [1].", [citation]), "en")

    assert html_error(message) is None
    shown = visible_text(message)
    assert "Machine translation [1]\nThe conference <took place> on 5/7." in shown
    assert shown.index("Trích dẫn [1].") < shown.index("Machine translation")


def test_an_official_editions_text_is_read_in_the_answer_and_in_the_sources() -> None:
    def edition(n: int, english: str) -> Citation:
        translation = Translation(text=english, language="en", kind="official", doc_id="d1-en")
        return _citation(n).model_copy(
            update={"doc_id": "d1", "quote": f"Nguyên văn {n}", "translation": translation}
        )

    lead, named = edition(1, "The lead sentence."), edition(2, "The named sentence.")
    answer = "VNA: “The lead sentence.” [1]\nMore in the sources: [2]."
    [message] = answer_messages(_response(answer, [lead, named]), "en")
    page, _ = sources_page([lead, named], answer_id="m1", page=0, language="en")

    shown = visible_text(message)
    assert "Original [1]\nNguyên văn 1" in shown
    assert "Original [2]" not in shown and "Nguyên văn 2" not in shown
    assert "[2] «The named sentence.»</i>\nOriginal: Nguyên văn 2" in page


def test_a_machine_translation_is_shown_under_its_quote_in_the_sources() -> None:
    translation = Translation(text="The <quote>.", language="en", kind="machine", doc_id="d1")
    citation = _citation(1).model_copy(update={"translation": translation})

    page, _ = sources_page([citation], answer_id="m1", page=0, language="en")

    assert html_error(page) is None
    assert (
        "«Trích dẫn &amp; &lt;nguyên văn&gt;»</i>\nMachine translation: The &lt;quote&gt;." in page
    )
