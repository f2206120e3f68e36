"""Telegram users for the tests: they send updates through the fake Bot API and read replies."""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any

from tests.bot.telegram.fake_bot_api import BOT_USERNAME, Call, FakeBotApi, visible_text

TOKEN = "123456:TEST-polling-bot"
ADMIN_ID = 4242
EN_QUESTION = "When did the Politburo issue Conclusion No. 57-KL/TW on foreign information work?"
VI_QUESTION = "Bộ Chính trị ban hành Kết luận số 57-KL/TW về công tác thông tin đối ngoại khi nào?"
_ids = itertools.count(10_000)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramUser:
    """A user in a chat (private by default) with the bot behind ``token``."""

    def __init__(
        self,
        api: FakeBotApi,
        *,
        token: str = TOKEN,
        user_id: int | None = None,
        language_code: str = "en",
        first_name: str = "Ann",
        group: bool = False,
    ) -> None:
        self.api = api
        self.token = token
        self.user_id = user_id if user_id is not None else next(_ids)
        self.chat_id = -next(_ids) if group else self.user_id
        self.user = {
            "id": self.user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.mark = 0

    def _chat(self) -> dict[str, Any]:
        if self.chat_id < 0:
            return {"id": self.chat_id, "type": "group", "title": "Readers"}
        return {"id": self.chat_id, "type": "private", "first_name": self.user["first_name"]}

    def message(self, **fields: Any) -> dict[str, Any]:
        """Return a message from this user, as Telegram would deliver it."""
        return {
            "message_id": self.api.next_message_id(),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self.user,
            **fields,
        }

    def push(self, update: dict[str, Any]) -> None:
        """Deliver an update to the bot; replies are counted from now on."""
        self.mark = len(self.api.calls)
        self.api.push(self.token, update)

    def say(self, text: str, *, reply_to: Call | None = None) -> dict[str, Any]:
        """Send a text message; mentions of the bot are marked as Telegram marks them."""
        entities = []
        mention = f"@{BOT_USERNAME}".lower()
        position = text.lower().find(mention)
        if position >= 0:
            entities.append(
                {"type": "mention", "offset": _utf16(text[:position]), "length": _utf16(mention)}
            )
        fields: dict[str, Any] = {"text": text, "entities": entities}
        if reply_to is not None:
            fields["reply_to_message"] = reply_to.result
        message = self.message(**fields)
        self.push({"message": message})
        return message

    def command(self, name: str) -> None:
        """Send ``/name``."""
        self.push(self.command_update(name))

    def command_update(self, name: str) -> dict[str, Any]:
        """Return the update of a ``/name`` message from this user, without sending it."""
        text = f"/{name}"
        return {
            "message": self.message(
                text=text, entities=[{"type": "bot_command", "offset": 0, "length": len(text)}]
            )
        }

    def press(self, message: Call, data: str) -> None:
        """Press the inline button with callback ``data`` under the bot's ``message``."""
        self.push(
            {
                "callback_query": {
                    "id": uuid.uuid4().hex,
                    "from": self.user,
                    "chat_instance": str(self.chat_id),
                    "data": data,
                    "message": message.result,
                }
            }
        )

    def send_document(self, content: bytes, *, file_name: str, mime_type: str) -> None:
        """Send a file."""
        file_id, unique_id = self.api.add_file(content, name=file_name)
        self.push(
            {
                "message": self.message(
                    document={
                        "file_id": file_id,
                        "file_unique_id": unique_id,
                        "file_name": file_name,
                        "mime_type": mime_type,
                        "file_size": len(content),
                    }
                )
            }
        )

    def calls(self, method: str = "sendMessage", *, ok: bool = True) -> list[Call]:
        """Return this chat's calls of ``method`` since the last thing the user sent."""
        return self.api.calls_of(method, chat_id=self.chat_id, since=self.mark, ok=ok)

    async def replies(
        self, count: int = 1, *, method: str = "sendMessage", timeout: float = 60.0
    ) -> list[Call]:
        """Wait until the bot made ``count`` successful ``method`` calls to this chat."""

        def arrived() -> list[Call] | None:
            calls = self.calls(method)
            return calls[:count] if len(calls) >= count else None

        result: list[Call] = await self.api.wait_until(
            arrived, timeout=timeout, what=f"{count} {method} to chat {self.chat_id}"
        )
        return result

    async def reply_text(self, *, timeout: float = 60.0) -> str:
        """Wait for one message to this chat and return what the user reads."""
        [call] = await self.replies(1, timeout=timeout)
        return visible_text(call.params["text"])


def buttons(call: Call) -> list[dict[str, Any]]:
    """Return the inline buttons of a message the bot sent, row after row."""
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
