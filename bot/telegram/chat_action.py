"""Showing "typing…" for as long as an answer takes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# Telegram shows a chat action for at most 5 seconds, so it is renewed a little sooner.
RENEW_EVERY_S = 4.0


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, *, every: float = RENEW_EVERY_S) -> AsyncIterator[None]:
    """Show the "typing" action in ``chat_id`` until the block exits."""

    async def renew() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                # The indicator is cosmetic: failing to show it must not stop the answer.
                log.debug("could not send the typing action to %s: %s", chat_id, exc)
            await asyncio.sleep(every)

    task = asyncio.create_task(renew())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
