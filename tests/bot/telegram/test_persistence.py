"""A restarted bot remembers each user's /lang and each chat's conversation and sources."""

import dataclasses
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.runtime import Services
from bot.telegram import start_bot
from bot.telegram.persistence import ChatStateStore
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import EN_QUESTION, TelegramUser

RESTART_TOKEN = "123456:TEST-restarted-bot"


@pytest.mark.asyncio(loop_scope="session")
async def test_a_restarted_bot_keeps_lang_the_conversation_and_the_sources(
    fake_api: FakeBotApi, bot_services: Services, tmp_path: Path
) -> None:
    settings = bot_services.settings.model_copy(
        update={"telegram_token": SecretStr(RESTART_TOKEN), "data_dir": tmp_path}
    )
    services = dataclasses.replace(bot_services, settings=settings)
    ann = TelegramUser(fake_api, language_code="en", token=RESTART_TOKEN)

    first = await start_bot(services, poll_timeout=1)
    try:
        ann.command("lang")
        [menu] = await ann.replies()
        ann.press(menu, "lang:fr")
        await ann.replies(method="editMessageText")
        ann.say(EN_QUESTION)
        await ann.replies()
        before = first.application.chat_data[ann.chat_id]
    finally:
        await first.stop()

    second = await start_bot(services, poll_timeout=1)
    try:
        after = second.application.chat_data[ann.chat_id]
        assert after.conversation_id == before.conversation_id is not None
        assert [c.doc_id for c in after.citations] == [c.doc_id for c in before.citations]
        ann.command("sources")
        [page] = await ann.replies()
        assert visible_text(page.params["text"]).startswith("Sources de la dernière réponse")
        ann.say("And what else does it say?")
        assert (await ann.reply_text()).endswith("Toutes les sources : /sources")
    finally:
        await second.stop()
    turns = bot_services.store.conversation(before.conversation_id)
    assert len(turns) == 2


def test_chat_state_idle_beyond_the_retention_is_forgotten(database_url: str) -> None:
    store = ChatStateStore(database_url)
    store.save("user", 7, {"answer_language": "fr"})
    # Supergroup ids do not fit 32 bits.
    store.save("chat", -1001234567890, {"conversation_id": "c1", "citations": []})
    assert store.purge(older_than_days=1) == 0
    assert store.load("user") == {7: {"answer_language": "fr"}}
    assert store.purge(older_than_days=0) == 2
    assert store.load("user") == {} and store.load("chat") == {}
    store.close()
