"""VNPOS_ROLE: web replicas serve no Telegram route; the bot process serves no public API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.settings import Settings
from bot.web.app import create_app
from tests.bot.web.conftest import services_never_load


@contextmanager
def _client(tmp_path: Path, role: str) -> Iterator[TestClient]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        role=role,
        telegram_token=SecretStr("123456:TEST-roles"),
        telegram_webhook_secret=SecretStr("secret_0123456789"),
    )
    with services_never_load() as gate, TestClient(create_app(settings)) as client:
        try:
            yield client
        finally:
            gate.set()  # before the app stops: closing waits for the loader


def test_a_web_replica_has_no_telegram_route(tmp_path: Path) -> None:
    with _client(tmp_path, "web") as client:
        webhook = client.post("/telegram/webhook", json={"update_id": 1})
        assert webhook.status_code == 404
        assert client.post("/api/ask", json={"question": "Ai?"}).status_code == 503  # starting


def test_the_bot_process_serves_only_health_and_the_webhook(tmp_path: Path) -> None:
    with _client(tmp_path, "bot") as client:
        assert client.post("/api/ask", json={"question": "Ai?"}).status_code == 404
        assert client.get("/api/admin/documents").status_code == 404
        assert client.get("/widget.js").status_code == 404
        assert client.get("/healthz").json()["status"] == "starting"
        assert client.post("/telegram/webhook", json={"update_id": 1}).status_code == 403


def test_the_bot_role_needs_a_token() -> None:
    with pytest.raises(ValueError, match="VNPOS_ROLE=bot needs VNPOS_TELEGRAM_TOKEN"):
        Settings(_env_file=None, role="bot")  # type: ignore[call-arg]
