import html
import re

import pytest

from bot.reports import rated_answers
from bot.runtime import Services
from bot.telegram import BotRunner
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import EN_QUESTION, VI_QUESTION, TelegramUser, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_english_question_gets_cited_answer_link_buttons_and_ratings(
    fake_api: FakeBotApi, polling_bot: BotRunner, bot_services: Services
) -> None:
    ann = TelegramUser(fake_api, language_code="en-GB")

    ann.say(EN_QUESTION)
    [reply] = await ann.replies()

    text = visible_text(reply.params["text"])
    state = polling_bot.application.chat_data[ann.chat_id]
    assert re.search(r"\[\d+\]", text) and text.endswith("All sources: /sources")
    assert state.citations and state.conversation_id and state.answer_id
    links = [button["url"] for button in buttons(reply) if "url" in button]
    assert links == list(dict.fromkeys(c.url for c in state.citations if c.url))
    assert "https://en.vietnamplus.vn/foreign-information-work-new-media-technology" in links
    [typing, *_] = fake_api.calls_of("sendChatAction", chat_id=ann.chat_id, since=ann.mark)
    assert typing.params["action"] == "typing" and typing.at < reply.at

    ratings = [button["callback_data"] for button in buttons(reply) if "callback_data" in button]
    assert ratings == [f"fb:up:{state.answer_id}", f"fb:down:{state.answer_id}"]
    ann.press(reply, ratings[0])
    [edited] = await ann.replies(method="editMessageReplyMarkup")

    assert [button.get("url") for button in buttons(edited)] == links  # rating buttons gone
    [thanks] = fake_api.calls_of("answerCallbackQuery", since=ann.mark)
    assert thanks.params["text"] == "Thank you for your feedback!"
    rated = rated_answers(bot_services.store.database, rating=None, limit=100)
    stored = [f.rating for f in rated if f.message_id == state.answer_id and f.rating]
    assert [(f.rating, f.channel) for f in stored] == [("up", "telegram")]


async def test_vietnamese_question_is_answered_in_vietnamese_with_citations(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    binh = TelegramUser(fake_api, language_code="vi", first_name="Bình")

    binh.say(VI_QUESTION)
    [reply] = await binh.replies()

    text = visible_text(reply.params["text"])
    assert re.search(r"\[\d+\]", text) and text.endswith("Tất cả nguồn: /sources")
    citations = polling_bot.application.chat_data[binh.chat_id].citations
    assert any(c.doc_id.endswith("000_7cf16ed7d5450c3a") for c in citations)
    assert [b["callback_data"].split(":")[1] for b in buttons(reply) if "callback_data" in b] == [
        "up",
        "down",
    ]


async def test_follow_up_questions_continue_the_chat_conversation(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    chi = TelegramUser(fake_api)
    chi.say("Who chairs the Steering Committee for Foreign Information Work?")
    await chi.replies()
    state = polling_bot.application.chat_data[chi.chat_id]
    first_conversation, first_answer = state.conversation_id, state.answer_id

    chi.say("Where did he speak on July 5, 2023?")
    await chi.replies()

    assert state.conversation_id == first_conversation
    assert state.answer_id != first_answer


async def test_lang_fixes_the_answer_language_until_set_back_to_automatic(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    dan = TelegramUser(fake_api, language_code="en")

    dan.command("lang")
    [menu] = await dan.replies()
    assert "✓ Automatic" in [button["text"] for button in buttons(menu)]
    dan.press(menu, "lang:fr")
    [chosen] = await dan.replies(method="editMessageText")
    assert visible_text(chosen.params["text"]) == "Les réponses seront en Français."
    assert polling_bot.application.user_data[dan.user_id].answer_language == "fr"

    dan.say(EN_QUESTION)
    assert (await dan.reply_text()).endswith("Toutes les sources : /sources")

    dan.command("lang")
    [menu] = await dan.replies()
    assert "✓ Français" in [button["text"] for button in buttons(menu)]
    dan.press(menu, "lang:auto")
    [chosen] = await dan.replies(method="editMessageText")
    assert visible_text(chosen.params["text"]) == (
        "Answers will follow the language of each question."
    )
    dan.say(EN_QUESTION)
    assert (await dan.reply_text()).endswith("All sources: /sources")


async def test_lang_offers_every_answer_language_by_its_own_name(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    eva = TelegramUser(fake_api, language_code="en")

    eva.command("lang")
    [menu] = await eva.replies()
    labels = [button["text"] for button in buttons(menu)]
    assert {"Tiếng Việt", "Français", "Deutsch", "日本語", "한국어", "Español"} <= set(labels)
    eva.press(menu, "lang:de")
    [chosen] = await eva.replies(method="editMessageText")
    # The bot's own messages have no German: they stay English, the language named is German.
    assert visible_text(chosen.params["text"]) == "Answers will be in Deutsch."

    eva.say(EN_QUESTION)
    assert "Laut den hier vorliegenden offiziellen Quellen" in await eva.reply_text()


async def test_sources_lists_the_last_answer_sources(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    eve = TelegramUser(fake_api)
    eve.command("sources")
    assert await eve.reply_text() == "No sources yet: ask me a question first."

    eve.say(EN_QUESTION)
    await eve.replies()
    eve.command("sources")
    [page] = await eve.replies()

    citations = polling_bot.application.chat_data[eve.chat_id].citations
    text = visible_text(page.params["text"])
    assert text.startswith("Sources of the last answer (1/")
    for citation in citations[:5]:
        assert f"[{citation.n}]" in text and citation.title[:40] in text
    for citation in citations[:5]:
        if citation.url:
            assert f'href="{html.escape(citation.url)}"' in page.params["text"]


async def test_markup_in_questions_and_names_is_shown_as_text(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    fay = TelegramUser(fake_api, first_name="<b>Fay</b> & Co")

    fay.command("start")
    [greeting] = await fay.replies()
    fay.say("What did <b>Nguyen Trong Nghia</b> & the committee ask of foreign information?")
    [answer] = await fay.replies()

    assert "Hello, &lt;b&gt;Fay&lt;/b&gt; &amp; Co!" in greeting.params["text"]
    assert visible_text(greeting.params["text"]).startswith("Hello, <b>Fay</b> & Co!")
    # The fake API refuses malformed HTML, so a delivered answer is well-formed.
    assert answer.status == 200
    assert "<b>Nguyen" not in answer.params["text"]
