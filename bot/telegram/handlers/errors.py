"""The one error handler: log the failure with its stack, apologise to the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.context import BotContext, interface_language
from bot.telegram.i18n import text

log = logging.getLogger(__name__)


async def error_handler(update: object, context: BotContext) -> None:
    """Log the error and tell the user, in their language, that something went wrong."""
    log.error("error while handling a Telegram update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id, text(interface_language(update, context), "error")
        )
    except TelegramError:
        # The failure is logged above; a second stack for the apology would only add noise.
        log.warning("could not apologise in chat %s", update.effective_chat.id)
