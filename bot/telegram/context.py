"""What handlers see: typed per-chat and per-user state, and the shared services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from telegram import CallbackQuery, Message, Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.chat import ChatSession as ChatState
from bot.telegram.i18n import DEFAULT_LANGUAGE, supported_language

if TYPE_CHECKING:
    from bot.runtime import Services


@dataclass
class UserState:
    """A user's choices: the answer language, None to follow each question's language."""

    answer_language: str | None = None


class BotContext(CallbackContext[ExtBot[int], UserState, ChatState, dict[Any, Any]]):
    """The callback context, with typed access to what the application was built with."""

    @property
    def services(self) -> Services:
        """Return the answerer, knowledge base, store and settings."""
        return cast("Services", self.bot_data["services"])


CONTEXT_TYPES = ContextTypes(context=BotContext, chat_data=ChatState, user_data=UserState)
BotApplication: TypeAlias = Application[
    ExtBot[int], BotContext, UserState, ChatState, dict[Any, Any], None
]


def interface_language(update: object, context: BotContext) -> str:
    """Return the language to talk to this user in: their /lang choice, else Telegram's."""
    chosen = context.user_data.answer_language if context.user_data else None
    user = update.effective_user if isinstance(update, Update) else None
    return (
        supported_language(chosen)
        or supported_language(user.language_code if user else None)
        or DEFAULT_LANGUAGE
    )


def message_of(update: Update) -> Message:
    """Return the update's message (handlers for messages and commands always have one)."""
    if update.effective_message is None:
        raise TypeError(f"expected an update with a message, got update {update.update_id}")
    return update.effective_message


def callback_of(update: Update) -> tuple[CallbackQuery, str]:
    """Return the update's callback query and its data (button handlers always have both)."""
    query = update.callback_query
    if query is None or query.data is None:
        raise TypeError(f"expected a callback query with data, got update {update.update_id}")
    return query, query.data
