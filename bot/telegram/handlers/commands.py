"""The bot's commands: /start, /help, /lang, /sources, /about, and their buttons."""

from __future__ import annotations

import asyncio
from collections import Counter

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.languages import native_name
from bot.telegram.answers import sources_page
from bot.telegram.context import BotContext, callback_of, interface_language, message_of
from bot.telegram.i18n import ANSWER_LANGUAGES, text

LANG = "lang"
AUTOMATIC = "auto"
MAX_PUBLISHERS = 5


async def start(update: Update, context: BotContext) -> None:
    """Greet the user in their language and explain what to ask."""
    user = update.effective_user
    name = user.first_name if user else ""
    await message_of(update).reply_text(
        text(interface_language(update, context), "start", name=name)
    )


async def help_command(update: Update, context: BotContext) -> None:
    """Explain how to ask and what the commands do."""
    await message_of(update).reply_text(text(interface_language(update, context), "help"))


def _language_keyboard(current: str | None, language: str) -> InlineKeyboardMarkup:
    choices = [(AUTOMATIC, text(language, "lang_auto"))]
    # Names in their own script, so that readers find theirs whatever the interface language.
    choices += [(code, native_name(code)) for code in ANSWER_LANGUAGES]
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == (current or AUTOMATIC) else "") + label,
            callback_data=f"{LANG}:{code}",
        )
        for code, label in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def lang(update: Update, context: BotContext) -> None:
    """Offer the answer languages, or automatic, as buttons."""
    language = interface_language(update, context)
    current = context.user_data.answer_language if context.user_data else None
    current_name = native_name(current) if current else text(language, "lang_auto")
    await message_of(update).reply_text(
        text(language, "lang_prompt", current=current_name),
        reply_markup=_language_keyboard(current, language),
    )


async def lang_chosen(update: Update, context: BotContext) -> None:
    """Fix the answer language chosen with a /lang button."""
    query, data = callback_of(update)
    code = data.removeprefix(f"{LANG}:")
    if context.user_data is not None:
        context.user_data.answer_language = code if code in ANSWER_LANGUAGES else None
    language = interface_language(update, context)
    await query.answer()
    if code in ANSWER_LANGUAGES:
        confirmation = text(language, "lang_set", language=native_name(code))
    else:
        confirmation = text(language, "lang_set_auto")
    await query.edit_message_text(confirmation)


async def sources(update: Update, context: BotContext) -> None:
    """List the sources of the last answer in this chat, a page at a time."""
    language = interface_language(update, context)
    state = context.chat_data
    if state is None or not state.citations or state.answer_id is None:
        await message_of(update).reply_text(text(language, "sources_none"))
        return
    page, keyboard = sources_page(
        state.citations, answer_id=state.answer_id, page=0, language=language
    )
    await message_of(update).reply_text(page, reply_markup=keyboard)


async def sources_turn(update: Update, context: BotContext) -> None:
    """Show another page of /sources."""
    query, data = callback_of(update)
    language = interface_language(update, context)
    _, page, answer_id = data.split(":", 2)
    state = context.chat_data
    if state is None or state.answer_id != answer_id:
        await query.answer(text(language, "sources_stale"), show_alert=True)
        return
    await query.answer()
    body, keyboard = sources_page(
        state.citations, answer_id=answer_id, page=int(page), language=language
    )
    await query.edit_message_text(body, reply_markup=keyboard)


async def about(update: Update, context: BotContext) -> None:
    """Say what the bot knows: how many documents, from whom, up to which date."""
    language = interface_language(update, context)
    knowledge_base = context.services.knowledge_base
    documents = await asyncio.to_thread(knowledge_base.documents)
    if not documents:
        await message_of(update).reply_text(text(language, "about_empty"))
        return
    chunks = await asyncio.to_thread(knowledge_base.chunk_count)
    publishers = Counter(d.meta.publisher for d in documents if d.meta.publisher)
    dates = [d.meta.published for d in documents if d.meta.published]
    await message_of(update).reply_text(
        text(
            language,
            "about",
            documents=len(documents),
            chunks=chunks,
            publishers=", ".join(name for name, _ in publishers.most_common(MAX_PUBLISHERS))
            or text(language, "unknown"),
            latest=max(dates).isoformat() if dates else text(language, "unknown"),
        )
    )
