import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import EN_QUESTION, TelegramUser
from tests.conftest import CORPUS, MODEL_CACHE
from tests.processes import environment, run
from tests.servers import chroma_server, fresh_database

CLI_TOKEN = "888888:TEST-cli-bot"


def test_vnpos_bot_without_a_token_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("VNPOS_TELEGRAM_TOKEN", raising=False)

    result = CliRunner().invoke(main, ["bot"])

    assert result.exit_code == 1
    assert "VNPOS_TELEGRAM_TOKEN is not set" in result.output


@pytest.mark.asyncio(loop_scope="session")
async def test_vnpos_bot_polls_answers_and_stops_on_ctrl_c(
    tmp_path: Path, seeded_data_dir: Path, fake_api: FakeBotApi
) -> None:
    shutil.copytree(seeded_data_dir, tmp_path / "data")
    env = {
        **os.environ,
        "VNPOS_DATA_DIR": str(tmp_path / "data"),
        "VNPOS_MODEL_DIR": str(MODEL_CACHE),
        "VNPOS_TELEGRAM_TOKEN": CLI_TOKEN,
        "VNPOS_TELEGRAM_API_URL": fake_api.url,
        "HF_HUB_OFFLINE": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main(['-v', 'bot'])"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        user = TelegramUser(fake_api, token=CLI_TOKEN, language_code="zh")
        user.command("help")
        [reply] = await user.replies(timeout=120)
        assert visible_text(reply.params["text"]).startswith("提问")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)

    assert process.returncode == 0, output
    assert "Telegram bot started (polling)" in output
    # Debug logging names every Bot API URL; none may show the token.
    assert "Set Bot API URL" in output and "/bot[redacted]" in output
    assert CLI_TOKEN not in output and "TEST-cli-bot" not in output
    published = [
        c.params.get("language_code")
        for c in fake_api.calls_of("setMyCommands")
        if c.token == CLI_TOKEN
    ]
    assert published[0] is None and sorted(published[1:]) == ["en", "fr", "ru", "vi", "zh"]


POSTGRES_TOKEN = "777777:TEST-postgres-bot"


def _start_bot(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main(['bot'])"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


@pytest.mark.server
@pytest.mark.timeout(600)
@pytest.mark.asyncio(loop_scope="session")
async def test_a_restarted_bot_process_on_postgres_keeps_lang_and_the_conversation(
    tmp_path: Path, fake_api: FakeBotApi, postgres_server: str
) -> None:
    with chroma_server(tmp_path / "chroma") as chroma_url:
        env = environment(
            tmp_path / "data",
            chroma_url=chroma_url,
            database_url=fresh_database(postgres_server),
            telegram_token=POSTGRES_TOKEN,
            telegram_api_url=fake_api.url,
        )
        assert run("ingest", str(CORPUS), env=env, cwd=tmp_path).returncode == 0
        user = TelegramUser(fake_api, token=POSTGRES_TOKEN, language_code="en")
        first = _start_bot(env, tmp_path)
        try:
            user.command("lang")
            [menu] = await user.replies(timeout=120)
            user.press(menu, "lang:fr")
            await user.replies(method="editMessageText")
            user.say(EN_QUESTION)
            await user.replies(timeout=120)
        finally:
            _stop(first)
        # Nothing of the first process survives but what it wrote to Postgres.
        shutil.rmtree(tmp_path / "data")
        second = _start_bot(env, tmp_path)
        try:
            user.command("sources")
            [page] = await user.replies(timeout=120)
            assert visible_text(page.params["text"]).startswith("Sources de la dernière réponse")
        finally:
            _stop(second)
