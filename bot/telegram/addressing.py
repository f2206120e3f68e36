"""Whether a message is meant for the bot, and the question it asks."""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.ext import filters


def _mentions(message: Message, username: str | None) -> list[MessageEntity]:
    if not username:
        return []
    wanted = f"@{username}".lower()
    return [
        entity
        for entity, value in message.parse_entities([MessageEntity.MENTION]).items()
        if value.lower() == wanted
    ]


class AddressedToBot(filters.MessageFilter):
    """Messages that mention the bot by @username or reply to one of its messages."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        """Return True when ``message`` mentions or replies to this bot."""
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return bool(_mentions(message, bot.username))


def question_text(message: Message) -> str:
    """Return the message's text without the mentions of the bot, trimmed."""
    text = message.text or ""
    # Entity offsets count UTF-16 code units, so the cut is made in that encoding.
    encoded = text.encode("utf-16-le")
    for entity in sorted(
        _mentions(message, message.get_bot().username), key=lambda e: e.offset, reverse=True
    ):
        encoded = encoded[: 2 * entity.offset] + encoded[2 * (entity.offset + entity.length) :]
    return " ".join(encoded.decode("utf-16-le").split())
