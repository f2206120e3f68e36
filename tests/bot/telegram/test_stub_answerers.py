"""The bot around answerers faked at their interface: very long answers, and failures."""

import dataclasses
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.answering.models import AskRequest, AskResponse, Citation
from bot.chat import Chats
from bot.runtime import Services
from bot.telegram import build_application
from bot.telegram.context import BotApplication
from tests.bot.telegram.fake_bot_api import FakeBotApi, html_error, visible_text
from tests.bot.telegram.helpers import TelegramUser, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")

STUB_TOKEN = "777777:TEST-stub-bot"
MakeBot = Callable[..., Coroutine[Any, Any, BotApplication]]


class LongAnswerer:
    """Answers with a whole long document, sentence by sentence, citing seven sources."""

    def __init__(self, text: str) -> None:
        self.text = text

    def ask(self, request: AskRequest, *, channel: str = "api") -> AskResponse:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", self.text) if s]
        answer = " ".join(f"{s} [{i % 7 + 1}]" for i, s in enumerate(sentences))
        citations = [
            Citation(
                n=n,
                doc_id=f"doc-{n}",
                title=f"Source <{n}> & more",
                publisher="VNA",
                published="2023-07-05",
                url=f"https://example.org/{n}" if n % 2 else None,
                source=f"doc-{n}.txt",
                quote=sentences[n],
            )
            for n in range(1, 8)
        ]
        return AskResponse(
            answer=answer,
            language="vi",
            answered=True,
            conversation_id="c1",
            message_id=f"long-{len(answer)}",
            citations=citations,
        )


class BrokenAnswerer:
    def ask(self, request: AskRequest, *, channel: str = "api") -> AskResponse:
        raise RuntimeError("internal detail: /srv/secret/path")


@pytest.fixture
async def make_bot(bot_services: Services) -> AsyncIterator[MakeBot]:
    """Build initialised applications on the session's services, some parts replaced."""
    applications: list[BotApplication] = []

    async def make(**replaced: Any) -> BotApplication:
        settings = bot_services.settings.model_copy(
            update={"telegram_token": SecretStr(STUB_TOKEN)}
        )
        if "answerer" in replaced:
            replaced["chats"] = Chats(replaced["answerer"], slots=bot_services.chats.slots)
        services = dataclasses.replace(bot_services, settings=settings, **replaced)
        application = build_application(services)
        await application.initialize()
        applications.append(application)
        return application

    yield make
    for application in applications:
        await application.shutdown()


async def _deliver(application: BotApplication, update: dict[str, Any]) -> None:
    await application.process_update(Update.de_json({"update_id": 1, **update}, application.bot))


async def test_a_long_answer_is_split_below_the_limit_and_its_sources_paginated(
    fake_api: FakeBotApi, bot_services: Services, make_bot: MakeBot
) -> None:
    longest = max(
        (
            bot_services.knowledge_base.document_text(d.meta.doc_id) or ""
            for d in bot_services.knowledge_base.documents()
        ),
        key=len,
    )
    application = await make_bot(answerer=LongAnswerer(longest * 2))
    user = TelegramUser(fake_api, token=STUB_TOKEN, language_code="vi")

    user.mark = len(fake_api.calls)
    await _deliver(application, {"message": user.message(text="Kể hết cho tôi nghe")})
    parts = user.calls()

    assert len(parts) >= 3
    for part in parts:
        assert part.status == 200 and html_error(part.params["text"]) is None
        assert len(part.params["text"]) <= 4096
    assert all("reply_markup" not in part.params for part in parts[:-1])
    assert [b.get("url") for b in buttons(parts[-1]) if "url" in b] == [
        "https://example.org/1",
        "https://example.org/3",
        "https://example.org/5",
        "https://example.org/7",
    ]
    shown = " ".join(visible_text(part.params["text"]) for part in parts)
    assert (
        shown.split()[:50]
        == LongAnswerer(longest).ask(AskRequest(question="q")).answer.split()[:50]
    )

    user.mark = len(fake_api.calls)
    await _deliver(application, user.command_update("sources"))
    [first_page] = user.calls()
    assert "(1/2)" in first_page.params["text"]
    assert "Source &lt;1&gt; &amp; more" in first_page.params["text"]
    [next_button] = buttons(first_page)
    user.mark = len(fake_api.calls)
    await _deliver(
        application,
        {
            "callback_query": {
                "id": "q1",
                "from": user.user,
                "chat_instance": "c",
                "data": next_button["callback_data"],
                "message": first_page.result,
            }
        },
    )
    [second_page] = user.calls("editMessageText")
    assert "(2/2)" in second_page.params["text"] and "[7]" in second_page.params["text"]


async def test_a_failure_is_logged_once_and_the_user_gets_an_apology(
    fake_api: FakeBotApi, make_bot: MakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    application = await make_bot(answerer=BrokenAnswerer())
    user = TelegramUser(fake_api, token=STUB_TOKEN, language_code="vi")
    user.mark = len(fake_api.calls)

    with caplog.at_level(logging.ERROR):
        await _deliver(application, {"message": user.message(text="Câu hỏi?")})

    [apology] = user.calls()
    assert visible_text(apology.params["text"]) == (
        "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút."
    )
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "internal detail" not in str([call.params for call in fake_api.calls[user.mark :]])
