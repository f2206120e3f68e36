import asyncio

import pytest

from bot.chat import MAX_WAITING_PER_CHAT, ChatQueue
from bot.telegram import BotRunner
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import EN_QUESTION, TelegramUser


async def test_chat_queue_serialises_a_chat_and_bounds_its_waiting_questions() -> None:
    queue = ChatQueue(max_waiting=2)
    order: list[str] = []
    release = asyncio.Event()

    async def ask(chat: int, name: str) -> bool:
        async with queue.turn(chat) as admitted:
            if admitted:
                order.append(f"start {name}")
                await release.wait()
                order.append(f"end {name}")
            return admitted

    first = asyncio.create_task(ask(1, "a"))
    second = asyncio.create_task(ask(1, "b"))
    other_chat = asyncio.create_task(ask(2, "c"))
    await asyncio.sleep(0.01)
    assert await ask(1, "refused") is False
    assert queue.should_tell_busy(1) is True
    assert queue.should_tell_busy(1) is False  # told once per burst
    assert order == ["start a", "start c"]  # b waits for a; chat 2 does not wait for chat 1

    release.set()
    assert await asyncio.gather(first, second, other_chat) == [True, True, True]
    assert order.index("end a") < order.index("start b")
    assert queue.should_tell_busy(1) is True  # the chat went idle, so it is told again


@pytest.mark.asyncio(loop_scope="session")
async def test_retry_after_from_telegram_is_waited_out_and_the_message_delivered(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    hal = TelegramUser(fake_api)
    fake_api.fail_next("sendMessage", retry_after=1, chat_id=hal.chat_id)

    hal.command("help")
    [delivered] = await hal.replies()

    [refused] = [c for c in hal.calls(ok=False) if c.status == 429]
    assert delivered.params["text"] == refused.params["text"]
    assert delivered.at - refused.at >= 1.0


@pytest.mark.asyncio(loop_scope="session")
async def test_a_flooding_chat_is_capped_and_does_not_hold_up_others(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    flooder, other = TelegramUser(fake_api), TelegramUser(fake_api)

    for _ in range(MAX_WAITING_PER_CHAT + 3):
        flooder.say(EN_QUESTION)
    flooder.mark = 0
    other.say(EN_QUESTION)
    [answer] = await other.replies()
    replies = await flooder.replies(MAX_WAITING_PER_CHAT + 1)
    await asyncio.sleep(0.5)

    busy = "I am still working on your previous questions; please wait for the answers."
    texts = [visible_text(call.params["text"]) for call in flooder.calls()]
    assert texts.count(busy) == 1
    assert len(texts) == MAX_WAITING_PER_CHAT + 1
    assert answer.at < replies[-1].at  # the other chat did not queue behind the flood
