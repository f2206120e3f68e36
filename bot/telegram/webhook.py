"""The bot inside the web app: its webhook route, and starting it once services are ready."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from telegram import Update
from telegram.error import TelegramError

from bot.settings import Settings
from bot.telegram.app import BotConfigError
from bot.telegram.runner import BotRunner, start_bot

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"


def _secret_matches(received: str | None, expected: str | None) -> bool:
    if received is None or expected is None:
        return False
    return hmac.compare_digest(received.encode(), expected.encode())


def webhook_router(settings: Settings, current: Callable[[], BotRunner | None]) -> APIRouter:
    """Return the router for ``POST /telegram/webhook``.

    Updates whose ``X-Telegram-Bot-Api-Secret-Token`` header differs from
    VNPOS_TELEGRAM_WEBHOOK_SECRET (or when no secret is set) are refused with 403 and
    dropped; accepted ones are queued for the running bot.

    Args:
        settings: Where the webhook secret is configured.
        current: Returns the running bot, or None while none runs (503).

    Returns:
        A router to include in the FastAPI app.
    """
    router = APIRouter()
    secret = settings.telegram_webhook_secret

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request,
        x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None,
    ) -> Response:
        """Queue an update that Telegram posted, if it carries the right secret."""
        expected = secret.get_secret_value() if secret is not None else None
        if not _secret_matches(x_telegram_bot_api_secret_token, expected):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing secret token")
        runner = current()
        if runner is None or runner.mode != "webhook":
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the bot is not running")
        try:
            payload: Any = await request.json()
            update = Update.de_json(payload, runner.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("ignored a malformed webhook update: %s", type(exc).__name__)
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, "expected a Telegram Update as JSON"
            ) from None
        await runner.application.update_queue.put(update)
        return Response(status_code=status.HTTP_200_OK)

    return router


class WebBot:
    """The Telegram bot run by the web app (``vnpos serve``) when a token is set."""

    def __init__(self, settings: Settings, *, enabled: bool = True) -> None:
        self.settings = settings
        self.enabled = enabled and settings.telegram_token is not None
        self.runner: BotRunner | None = None
        self.router = webhook_router(settings, lambda: self.runner)

    @contextlib.asynccontextmanager
    async def running(
        self, wait_for_services: Callable[[], Services | None]
    ) -> AsyncIterator[None]:
        """Start the bot in the background once the services load; stop it on exit.

        The web app serves meanwhile, and keeps serving if the bot cannot start (the
        reason is logged). Without VNPOS_TELEGRAM_TOKEN this does nothing.

        Args:
            wait_for_services: Blocks until the services are loaded; returns them, or None
                if loading failed. It runs in a worker thread.

        Yields:
            Nothing; the bot runs until the block exits.
        """
        if not self.enabled:
            yield
            return
        starting = asyncio.create_task(self._start(wait_for_services))
        try:
            yield
        finally:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            if self.runner is not None:
                runner, self.runner = self.runner, None
                await runner.stop()

    async def _start(self, wait_for_services: Callable[[], Services | None]) -> None:
        services = await asyncio.to_thread(wait_for_services)
        if services is None:
            log.error("Telegram bot not started: the services did not load")
            return
        try:
            self.runner = await start_bot(services)
        except (BotConfigError, TelegramError):
            log.exception("Telegram bot not started; the web app runs without it")
