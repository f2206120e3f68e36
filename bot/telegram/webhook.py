"""The webhook route: Telegram posts updates, checked by their secret token, to the bot."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from telegram import Update

from bot.settings import Settings
from bot.telegram.runner import BotRunner

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
# The web app keeps the running bot here (set in its lifespan, None while none runs).
STATE_ATTRIBUTE = "telegram_bot"


def _secret_matches(received: str | None, expected: str | None) -> bool:
    if received is None or expected is None:
        return False
    return hmac.compare_digest(received.encode(), expected.encode())


def webhook_router(settings: Settings) -> APIRouter:
    """Return the router for ``POST /telegram/webhook``.

    Updates whose ``X-Telegram-Bot-Api-Secret-Token`` header differs from
    VNPOS_TELEGRAM_WEBHOOK_SECRET (or when no secret is set) are refused with 403 and
    dropped. Accepted ones are queued for the bot at ``app.state.telegram_bot``.

    Args:
        settings: Where the webhook secret is configured.

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
        runner: BotRunner | None = getattr(request.app.state, STATE_ATTRIBUTE, None)
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
