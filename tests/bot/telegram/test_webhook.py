import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.runtime import Services
from bot.settings import Settings
from bot.telegram import BotRunner, WebBot
from tests.bot.telegram.conftest import WEBHOOK_SECRET
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import TelegramUser
from tests.servers import serve_app

WEBHOOK_TOKEN = "654321:TEST-webhook-bot"
PUBLIC_URL = "https://bot.example.org/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _web_app(telegram: WebBot, services: Services | None) -> FastAPI:
    """A web app wired like ``vnpos serve``: the bot starts once the services are there."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with telegram.running(lambda: services):
            yield

    app = FastAPI(lifespan=lifespan)
    app.include_router(telegram.router)
    app.add_api_route("/healthz", lambda: {"status": "ok"})
    return app


def _webhook_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": SecretStr(WEBHOOK_TOKEN),
            "telegram_webhook_url": PUBLIC_URL,
        }
    )


@pytest.mark.asyncio(loop_scope="session")
async def test_web_app_runs_the_bot_by_webhook_and_checks_the_secret(
    fake_api: FakeBotApi, bot_services: Services
) -> None:
    settings = _webhook_settings(bot_services.settings)
    telegram = WebBot(settings)
    user = TelegramUser(fake_api, token=WEBHOOK_TOKEN)
    mark = len(fake_api.calls)

    with serve_app(
        _web_app(telegram, dataclasses.replace(bot_services, settings=settings))
    ) as base:
        runner: BotRunner = await fake_api.wait_until(lambda: telegram.runner, what="bot start")
        async with httpx.AsyncClient(base_url=base) as client:
            post = client.post
            wrong = await post(
                "/telegram/webhook",
                json={"update_id": 1, **user.command_update("about")},
                headers={SECRET_HEADER: "guess"},
            )
            missing = await post(
                "/telegram/webhook", json={"update_id": 2, **user.command_update("about")}
            )
            user.mark = len(fake_api.calls)
            right = await post(
                "/telegram/webhook",
                json={"update_id": 3, **user.command_update("help")},
                headers={SECRET_HEADER: WEBHOOK_SECRET},
            )
            malformed = await post(
                "/telegram/webhook", content=b"{", headers={SECRET_HEADER: WEBHOOK_SECRET}
            )
        [reply] = await user.replies()

    assert runner.mode == "webhook" and telegram.runner is None  # stopped with the app
    [set_webhook] = fake_api.calls_of("setWebhook", since=mark)
    assert set_webhook.token == WEBHOOK_TOKEN
    assert set_webhook.params["url"] == PUBLIC_URL
    assert set_webhook.params["secret_token"] == WEBHOOK_SECRET
    assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
    assert malformed.status_code == 400
    assert visible_text(reply.params["text"]).startswith("Ask by writing a question")
    assert fake_api.calls_of("sendMessage", chat_id=user.chat_id) == [reply]  # /about dropped


def test_the_web_app_runs_on_when_the_bot_cannot_start(
    bot_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _webhook_settings(bot_services.settings)
    telegram = WebBot(settings)

    with caplog.at_level(logging.ERROR), TestClient(_web_app(telegram, None)) as client:
        response = client.post(
            "/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: WEBHOOK_SECRET}
        )
        assert client.get("/healthz").status_code == 200

    assert response.status_code == 503
    assert "Telegram bot not started: the services did not load" in caplog.text
