"""Answering questions in a chat's conversation, and recording ratings of the answers."""

from __future__ import annotations

import asyncio
import functools

from telegram import Message, Update
from telegram.constants import ChatType

from bot.answering.models import MAX_QUESTION_CHARS, AskResponse
from bot.store import Rating
from bot.telegram.addressing import question_text
from bot.telegram.answers import answer_keyboard, answer_messages, without_feedback
from bot.telegram.chat_action import typing
from bot.telegram.context import (
    BotContext,
    ChatState,
    callback_of,
    interface_language,
    message_of,
)
from bot.telegram.i18n import supported_language, text


async def answer(update: Update, context: BotContext) -> None:
    """Answer a question with citations, continuing the chat's conversation."""
    message = message_of(update)
    language = interface_language(update, context)
    question = question_text(message)
    if not question:
        return
    async with typing(context.bot, message.chat_id):
        turn = await context.services.chats.ask(
            message.chat_id,
            question,
            session=lambda: context.chat_data or ChatState(),
            channel="telegram",
            language=context.user_data.answer_language if context.user_data else None,
        )
    if turn.refused == "too_long":
        await message.reply_text(text(language, "too_long", limit=MAX_QUESTION_CHARS))
    elif turn.refused == "busy":
        await message.reply_text(text(language, "busy"))
    elif turn.response is not None:
        response = turn.response
        await _send_answer(message, response, supported_language(response.language) or language)


async def _send_answer(question: Message, response: AskResponse, language: str) -> None:
    """Send the answer in as many messages as it needs, buttons under the last one."""
    parts = answer_messages(response, language)
    # In groups the first part quotes the question, so that readers see what it answers.
    quote = question.chat.type != ChatType.PRIVATE
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await question.reply_text(
            part,
            do_quote=quote and i == 0,
            reply_markup=answer_keyboard(response) if last else None,
        )


async def feedback(update: Update, context: BotContext) -> None:
    """Record a thumbs up or down for an answer and thank the user."""
    query, data = callback_of(update)
    _, vote, message_id = data.split(":", 2)
    rating: Rating = "up" if vote == "up" else "down"
    record = functools.partial(
        context.services.store.record_feedback,
        message_id=message_id,
        rating=rating,
        comment=None,
        channel="telegram",
    )
    recorded = await asyncio.to_thread(record)
    language = interface_language(update, context)
    await query.answer(text(language, "feedback_thanks" if recorded else "feedback_unknown"))
    if recorded and isinstance(query.message, Message):
        await query.edit_message_reply_markup(without_feedback(query.message.reply_markup))
