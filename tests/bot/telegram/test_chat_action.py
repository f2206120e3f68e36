import asyncio

from telegram.error import NetworkError

from bot.telegram.chat_action import typing


class _Bot:
    def __init__(self, *, fail_first: bool = False) -> None:
        self.actions: list[tuple[int, str]] = []
        self.fail_first = fail_first

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        self.actions.append((chat_id, action))
        if self.fail_first and len(self.actions) == 1:
            raise NetworkError("flaky")
        return True


async def test_typing_is_renewed_while_working_and_stops_after() -> None:
    bot = _Bot(fail_first=True)  # a failed indicator does not stop the renewals

    async with typing(bot, 42, every=0.05):  # type: ignore[arg-type]
        await asyncio.sleep(0.28)
    sent = len(bot.actions)
    await asyncio.sleep(0.15)

    assert 4 <= sent <= 7
    assert len(bot.actions) == sent
    assert set(bot.actions) == {(42, "typing")}
