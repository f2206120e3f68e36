import io

import docx
import pytest

from bot.runtime import Services
from bot.telegram import BotRunner
from tests.bot.telegram.fake_bot_api import FakeBotApi, visible_text
from tests.bot.telegram.helpers import ADMIN_ID, TelegramUser

pytestmark = pytest.mark.asyncio(loop_scope="session")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FESTIVAL = _docx(
    "Hue Foreign Information Festival 2031",
    "The Hue Foreign Information Festival took place in Hue on 14 March 2031 and gathered "
    "417 journalists from 23 countries to present Vietnam's foreign-information products.",
    "Organisers said the festival would return to Hue every two years, with awards for the "
    "best reports about Vietnam published abroad.",
)


async def test_admin_upload_of_a_docx_makes_it_searchable(
    fake_api: FakeBotApi, polling_bot: BotRunner, bot_services: Services
) -> None:
    admin = TelegramUser(fake_api, user_id=ADMIN_ID)

    admin.send_document(FESTIVAL, file_name="Hue festival <2031>.docx", mime_type=DOCX_MIME)
    started, report = await admin.replies(2)

    documents = len(bot_services.knowledge_base.documents())
    assert visible_text(started.params["text"]) == (
        "Adding Hue_festival_2031.docx to the knowledge base…"
    )
    assert visible_text(report.params["text"]) == (
        f"Added: Hue_festival_2031\nThe knowledge base now holds {documents} documents."
    )
    saved = bot_services.settings.data_dir / "uploads" / "telegram" / "Hue_festival_2031.docx"
    assert saved.read_bytes() == FESTIVAL

    admin.say("How many journalists came to the Hue Foreign Information Festival?")
    await admin.replies()
    citations = polling_bot.application.chat_data[admin.chat_id].citations
    assert citations[0].doc_id == "Hue_festival_2031"


async def test_uploads_from_others_are_refused_and_not_downloaded(
    fake_api: FakeBotApi, bot_services: Services, polling_bot: BotRunner
) -> None:
    stranger = TelegramUser(fake_api, language_code="ru")
    before = len(bot_services.knowledge_base.documents())

    stranger.send_document(FESTIVAL, file_name="other.docx", mime_type=DOCX_MIME)

    assert (await stranger.reply_text()).startswith("Извините, добавлять документы могут")
    assert fake_api.calls_of("getFile", since=stranger.mark) == []
    assert len(bot_services.knowledge_base.documents()) == before
    assert not (bot_services.settings.data_dir / "uploads" / "telegram" / "other.docx").exists()


async def test_admin_url_is_ingested_and_the_same_url_from_others_is_a_question(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    page = fake_api.add_page(
        "press.html",
        (
            "<html><head><title>Press briefing on foreign information</title></head><body>"
            "<article><h1>Press briefing on foreign information</h1><p>On 2 May 2031 the ministry "
            "spokesperson presented the new foreign-information portal, available in twelve "
            "languages, to 58 foreign correspondents accredited in Hanoi.</p></article>"
            "</body></html>"
        ),
    )
    url = f"{page}?from=bot&tag=<b>"
    admin = TelegramUser(fake_api, user_id=ADMIN_ID)

    admin.say(url)
    started, report = await admin.replies(2)

    assert f"Adding {url} to the knowledge base…" == visible_text(started.params["text"])
    assert "&amp;tag=&lt;b&gt;" in started.params["text"]
    assert visible_text(report.params["text"]).startswith(f"Added: {url}\n")

    reader = TelegramUser(fake_api)
    reader.say(url)
    [answer] = await reader.replies()
    assert "callback_data" in str(answer.params["reply_markup"])  # an answer, rated


async def test_admin_upload_of_an_unsupported_file_is_declined(
    fake_api: FakeBotApi, polling_bot: BotRunner
) -> None:
    admin = TelegramUser(fake_api, user_id=ADMIN_ID, language_code="fr")

    admin.send_document(b"MZ\x90\x00", file_name="tool.exe", mime_type="application/x-dosexec")

    assert await admin.reply_text() == (
        "J'accepte les fichiers PDF, DOCX, HTML, TXT et MD, pas tool.exe."
    )
    assert fake_api.calls_of("getFile", since=admin.mark) == []


async def test_a_broken_upload_is_reported_with_its_reason_and_not_kept(
    fake_api: FakeBotApi, polling_bot: BotRunner, bot_services: Services
) -> None:
    admin = TelegramUser(fake_api, user_id=ADMIN_ID)

    admin.send_document(b"not a word file", file_name="broken.docx", mime_type=DOCX_MIME)
    _, report = await admin.replies(2)

    assert visible_text(report.params["text"]).startswith(
        "Failed: broken.docx: broken.docx: not a readable DOCX"
    )
    folder = bot_services.settings.data_dir / "uploads" / "telegram"
    left = [path.name for path in folder.iterdir()]
    assert "broken.docx" not in left and not [name for name in left if name.startswith(".")]
