"""Telegram chat and user state in the app's database, so a restart loses no conversation.

python-telegram-bot keeps ``chat_data`` (the conversation and the last answer's sources)
and ``user_data`` (the ``/lang`` choice) in memory; this persistence writes them to a
``telegram_state`` table beside the answers, and reads them back when the bot starts.
Only one process polls or holds the webhook for a token, so its memory is the truth
while it runs: nothing is refreshed from the table.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import text
from telegram.ext import BasePersistence, PersistenceInput

from bot.answering.models import Citation
from bot.telegram.context import ChatState, UserState
from retrieval.database import open_database

Kind = Literal["chat", "user"]
# How often PTB writes what changed; a crash loses at most this many seconds of choices.
UPDATE_INTERVAL_S = 5.0

_SAVE = (
    "INSERT INTO telegram_state VALUES (:kind, :key, :data, :updated_at) "
    "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
)


class ChatStateStore:
    """Rows of JSON state per chat and per user, in the app store's database at ``url``."""

    def __init__(self, url: str) -> None:
        self._database = open_database(
            url, "app", name="app store", unreadable="move it aside to start a new one"
        )

    def load(self, kind: Kind) -> dict[int, dict[str, Any]]:
        """Return every stored state of ``kind`` by chat or user id."""
        with self._database.read() as db:
            rows = db.execute(
                text("SELECT key, data FROM telegram_state WHERE kind = :kind"), {"kind": kind}
            )
            return {int(key): json.loads(data) for key, data in rows}

    def save(self, kind: Kind, key: int, data: dict[str, Any]) -> None:
        """Store ``data`` as the state of chat or user ``key``."""
        row = {
            "kind": kind,
            "key": key,
            "data": json.dumps(data, ensure_ascii=False),
            "updated_at": datetime.now(UTC).isoformat(),
        }
        with self._database.write() as db:
            db.execute(text(_SAVE), row)

    def purge(self, *, older_than_days: int) -> int:
        """Forget chats and users idle for longer than the retention; return how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat()
        with self._database.write() as db:
            return db.execute(
                text("DELETE FROM telegram_state WHERE updated_at < :t"), {"t": cutoff}
            ).rowcount

    def close(self) -> None:
        """Close the database connections."""
        self._database.close()

    def drop(self, kind: Kind, key: int) -> None:
        """Forget the state of chat or user ``key``."""
        with self._database.write() as db:
            db.execute(
                text("DELETE FROM telegram_state WHERE kind = :kind AND key = :key"),
                {"kind": kind, "key": key},
            )


def chat_state_of(data: dict[str, Any]) -> ChatState:
    """Return the chat state that ``chat_json`` wrote."""
    return ChatState(
        conversation_id=data.get("conversation_id"),
        answer_id=data.get("answer_id"),
        citations=[Citation.model_validate(c) for c in data.get("citations", [])],
    )


def chat_json(state: ChatState) -> dict[str, Any]:
    """Return ``state`` as JSON-ready data."""
    return {
        "conversation_id": state.conversation_id,
        "answer_id": state.answer_id,
        "citations": [c.model_dump(mode="json") for c in state.citations],
    }


class StorePersistence(BasePersistence[UserState, ChatState, dict[Any, Any]]):
    """PTB persistence of chat and user state through a ``ChatStateStore``."""

    def __init__(self, store: ChatStateStore, *, update_interval: float = UPDATE_INTERVAL_S):
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._store = store

    async def get_user_data(self) -> dict[int, UserState]:
        """Return every user's stored choices."""
        rows = await asyncio.to_thread(self._store.load, "user")
        return {
            key: UserState(answer_language=data.get("answer_language"))
            for key, data in rows.items()
        }

    async def get_chat_data(self) -> dict[int, ChatState]:
        """Return every chat's stored conversation and last sources."""
        rows = await asyncio.to_thread(self._store.load, "chat")
        return {key: chat_state_of(data) for key, data in rows.items()}

    async def update_user_data(self, user_id: int, data: UserState) -> None:
        """Store one user's choices."""
        await asyncio.to_thread(self._store.save, "user", user_id, asdict(data))

    async def update_chat_data(self, chat_id: int, data: ChatState) -> None:
        """Store one chat's conversation and last sources."""
        await asyncio.to_thread(self._store.save, "chat", chat_id, chat_json(data))

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one user."""
        await asyncio.to_thread(self._store.drop, "user", user_id)

    async def drop_chat_data(self, chat_id: int) -> None:
        """Forget one chat."""
        await asyncio.to_thread(self._store.drop, "chat", chat_id)

    async def get_bot_data(self) -> dict[Any, Any]:
        """Return nothing: bot data holds the live services, never stored."""
        return {}

    async def get_callback_data(self) -> None:
        """Return nothing: buttons carry their data themselves."""
        return None

    async def get_conversations(self, name: str) -> dict[Any, Any]:
        """Return nothing: the bot has no ConversationHandler."""
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Store nothing (see ``get_bot_data``)."""

    async def update_callback_data(self, data: Any) -> None:
        """Store nothing (see ``get_callback_data``)."""

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        """Store nothing (see ``get_conversations``)."""

    async def refresh_user_data(self, user_id: int, user_data: UserState) -> None:
        """Keep memory as it is: this process is the only writer."""

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatState) -> None:
        """Keep memory as it is: this process is the only writer."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Keep the live services."""

    async def flush(self) -> None:
        """Nothing to flush: every update is written when PTB hands it over."""
