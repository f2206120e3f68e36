"""Starting and stopping the bot: long polling, or a webhook served by the web app."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from telegram import Update

from bot.telegram.app import BotConfigError, build_application, register_commands
from bot.telegram.context import BotApplication

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 10


@dataclass
class BotRunner:
    """A started bot; ``stop`` it before closing the services it uses."""

    application: BotApplication
    mode: Literal["polling", "webhook"]

    async def stop(self) -> None:
        """Stop fetching updates, finish the ones in hand and close the connections."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        log.info("Telegram bot stopped")


async def start_bot(services: Services, *, poll_timeout: int = POLL_TIMEOUT_S) -> BotRunner:
    """Start the bot: set the webhook when VNPOS_TELEGRAM_WEBHOOK_URL is set, else poll.

    In webhook mode, Telegram posts updates to that URL, which must reach the route of
    :func:`bot.telegram.webhook.webhook_router` (``/telegram/webhook``) in the web app.

    Args:
        services: What the handlers use; it must stay open until the runner is stopped.
        poll_timeout: Seconds each long poll waits for updates.

    Returns:
        The running bot.

    Raises:
        BotConfigError: When the token is missing, or the webhook URL has no secret.
        telegram.error.TelegramError: When the Bot API refuses the token
            (``InvalidToken``) or cannot be reached (``NetworkError``).
    """
    settings = services.settings
    webhook_url = settings.telegram_webhook_url
    if webhook_url and settings.telegram_webhook_secret is None:
        raise BotConfigError(
            "VNPOS_TELEGRAM_WEBHOOK_URL needs VNPOS_TELEGRAM_WEBHOOK_SECRET "
            "(1-256 characters: A-Z, a-z, 0-9, _ and -)"
        )
    application = build_application(services)
    try:
        await application.initialize()
        await register_commands(application)
        await application.start()
        if webhook_url and settings.telegram_webhook_secret is not None:
            await application.bot.set_webhook(
                webhook_url,
                secret_token=settings.telegram_webhook_secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
            runner = BotRunner(application, "webhook")
        else:
            # build_application always gives the application an Updater.
            await application.updater.start_polling(  # type: ignore[union-attr]
                timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
            runner = BotRunner(application, "polling")
    except BaseException:
        await BotRunner(application, "polling").stop()
        raise
    log.info("Telegram bot started (%s)", runner.mode)
    return runner


def run_polling(services: Services) -> None:
    """Run the bot with long polling until interrupted (the ``vnpos bot`` command)."""

    async def started(application: BotApplication) -> None:
        await register_commands(application)
        log.info("Telegram bot started (polling)")

    if services.settings.telegram_webhook_url:
        log.warning(
            "polling removes the webhook of VNPOS_TELEGRAM_WEBHOOK_URL; "
            "webhook mode runs with `vnpos serve`"
        )
    application = build_application(services)
    application.post_init = started
    application.run_polling(allowed_updates=Update.ALL_TYPES)
