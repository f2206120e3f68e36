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
from tests.bot.telegram.helpers import TelegramUser
from tests.conftest import MODEL_CACHE

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
    assert [
        c.params.get("language_code")
        for c in fake_api.calls_of("setMyCommands")
        if c.token == CLI_TOKEN
    ] == [None, "en", "vi", "fr", "zh", "ru"]
