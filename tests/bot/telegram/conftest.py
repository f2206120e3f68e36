"""The bot under test: real Services on a copy of the seeded data, a fake Bot API."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.runtime import Services, open_services
from bot.settings import Settings
from bot.telegram import BotRunner, start_bot
from retrieval.loaders import Source
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.helpers import ADMIN_ID, TOKEN
from tests.conftest import MODEL_CACHE
from tests.servers import serve_app

DOCUMENTS = Path(__file__).parent / "documents"
WEBHOOK_SECRET = "webhook-secret_0123456789"


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeBotApi]:
    """The fake Bot API, on a loopback port for the whole session."""
    api = FakeBotApi()
    with serve_app(api.app) as url:
        api.url = url
        yield api


@pytest.fixture(scope="session")
def bot_settings(
    tmp_path_factory: pytest.TempPathFactory, seeded_data_dir: Path, fake_api: FakeBotApi
) -> Settings:
    """Settings of a bot whose data dir is a copy of the seeded one."""
    data_dir = tmp_path_factory.mktemp("telegram") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        model_dir=MODEL_CACHE,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=fake_api.url,
        telegram_admin_ids=[ADMIN_ID],
        telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
        url_allowlist=["127.0.0.1"],  # the fake Bot API also serves the pages admins send
    )


@pytest.fixture(scope="session")
def bot_services(bot_settings: Settings) -> Iterator[Services]:
    """The real answerer, store and knowledge base, plus one English article with a URL."""
    services = open_services(bot_settings)
    report = services.knowledge_base.ingest_sources(
        [Source(str(path), DOCUMENTS) for path in sorted(DOCUMENTS.glob("*.md"))]
    )
    assert report.ok, report.failed
    yield services
    services.close()


@pytest.fixture(scope="session")
async def polling_bot(bot_services: Services) -> AsyncIterator[BotRunner]:
    """The bot, long-polling the fake Bot API for the session."""
    runner = await start_bot(bot_services, poll_timeout=1)
    yield runner
    await runner.stop()
