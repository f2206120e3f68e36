import pytest

from bot.runtime import Services
from bot.telegram import BotRunner
from bot.telegram.i18n import LANGUAGES
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.helpers import TOKEN, TelegramUser

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_commands_are_published_in_every_language(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    calls = [c for c in fake_api.calls_of("setMyCommands") if c.token == TOKEN]

    assert [c.params.get("language_code") for c in calls] == [None, *LANGUAGES]
    for call in calls:
        assert [c["command"] for c in call.params["commands"]] == [
            "start",
            "help",
            "lang",
            "sources",
            "about",
        ]
    vietnamese = next(c for c in calls if c.params.get("language_code") == "vi")
    assert vietnamese.params["commands"][2]["description"] == "Chọn ngôn ngữ trả lời"


@pytest.mark.parametrize(
    ("language_code", "greeting"),
    [
        ("fr", "Bonjour Zoé !"),
        ("zh-hans", "Zoé，您好！"),
        ("ru", "Здравствуйте, Zoé!"),
        ("de", "Hello, Zoé!"),
    ],
)
async def test_start_greets_in_the_telegram_language(
    fake_api: FakeBotApi, polling_bot: BotRunner, language_code: str, greeting: str
) -> None:
    zoe = TelegramUser(fake_api, language_code=language_code, first_name="Zoé")

    zoe.command("start")

    assert (await zoe.reply_text()).startswith(greeting)


async def test_help_and_about(
    fake_api: FakeBotApi, polling_bot: BotRunner, bot_services: Services
) -> None:
    ivy = TelegramUser(fake_api, language_code="vi")

    ivy.command("help")
    assert "/lang: chọn ngôn ngữ trả lời" in await ivy.reply_text()
    ivy.command("about")
    about = await ivy.reply_text()

    documents = bot_services.knowledge_base.documents()
    latest = max(d.meta.published for d in documents if d.meta.published)
    assert about.startswith(f"Tôi biết {len(documents)} văn bản")
    assert f"Văn bản mới nhất: {latest.isoformat()}" in about
    assert "VietnamPlus" in about
