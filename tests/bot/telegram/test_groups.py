import asyncio

import pytest

from bot.telegram import BotRunner
from tests.bot.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi
from tests.bot.telegram.helpers import TelegramUser

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_group_messages_are_answered_only_when_mentioned_or_replied_to(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    gil = TelegramUser(fake_api, group=True)

    gil.say("When was Conclusion No. 57-KL/TW issued?")
    since = gil.mark
    mention = gil.say(f"@{BOT_USERNAME.lower()} When was Conclusion No. 57-KL/TW issued?")
    [answer] = await gil.replies()
    await asyncio.sleep(0.5)  # time enough for a wrong answer to the first message

    assert fake_api.calls_of("sendMessage", chat_id=gil.chat_id, since=since) == [answer]
    assert answer.params["reply_parameters"]["message_id"] == mention["message_id"]

    gil.say("And who chairs the committee?", reply_to=answer)
    [follow_up] = await gil.replies()
    assert follow_up.params["text"]
    assert polling_bot.application.chat_data[gil.chat_id].conversation_id
