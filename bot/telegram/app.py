"""Building the python-telegram-bot Application: its Bot API root, limits and handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.telegram.addressing import AddressedToBot
from bot.telegram.answers import FEEDBACK, SOURCES_PAGE
from bot.telegram.context import CONTEXT_TYPES, BotApplication
from bot.telegram.flood import ChatRateLimiter
from bot.telegram.handlers.admin_upload import URL_ONLY, ingest_url, refuse_upload, upload
from bot.telegram.handlers.commands import (
    LANG,
    about,
    help_command,
    lang,
    lang_chosen,
    sources,
    sources_turn,
    start,
)
from bot.telegram.handlers.errors import error_handler
from bot.telegram.handlers.questions import answer, feedback
from bot.telegram.i18n import DEFAULT_LANGUAGE, LANGUAGES, command_descriptions
from bot.telegram.persistence import ChatStateStore, StorePersistence
from retrieval.errors import ConfigurationError

if TYPE_CHECKING:
    from bot.runtime import Services

# Updates of different chats are handled concurrently; bot.chat.Chats keeps each in order.
CONCURRENT_UPDATES = 64


class BotConfigError(ConfigurationError):
    """The settings do not allow running the bot (no token, webhook without secret)."""


def build_application(services: Services) -> BotApplication:
    """Return the bot, talking to the Bot API root of the settings, with its handlers.

    Args:
        services: The answerer, knowledge base, store and settings the handlers use.

    Returns:
        The application, not yet initialised.

    Raises:
        BotConfigError: When VNPOS_TELEGRAM_TOKEN is not set.
    """
    settings = services.settings
    if settings.telegram_token is None:
        raise BotConfigError("the Telegram bot needs VNPOS_TELEGRAM_TOKEN (from @BotFather)")
    root = settings.telegram_api_url.rstrip("/")
    application: BotApplication = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        # Everything the bot sends is HTML; previews of the links in /sources would bury it.
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(CONTEXT_TYPES)
        # /lang choices, conversations and last sources survive a restart or a redeploy.
        .persistence(StorePersistence(ChatStateStore(settings.app_database_url)))
        .rate_limiter(ChatRateLimiter())
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)  # nothing is scheduled, so PTB's job-queue extra is not needed
        .build()
    )
    application.bot_data["services"] = services
    _add_handlers(application, admin_ids=settings.telegram_admin_ids)
    return application


def _add_handlers(application: BotApplication, *, admin_ids: list[int]) -> None:
    private = filters.ChatType.PRIVATE
    # Edits of earlier messages are not new questions.
    new_text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    admins = filters.User(user_id=admin_ids)
    application.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("help", help_command),
            CommandHandler("lang", lang),
            CommandHandler("sources", sources),
            CommandHandler("about", about),
            CallbackQueryHandler(lang_chosen, pattern=rf"^{LANG}:\w+$"),
            CallbackQueryHandler(sources_turn, pattern=rf"^{SOURCES_PAGE}:\d+:"),
            CallbackQueryHandler(feedback, pattern=rf"^{FEEDBACK}:(up|down):"),
            MessageHandler(private & filters.Document.ALL & admins, upload),
            MessageHandler(private & filters.Document.ALL, refuse_upload),
            MessageHandler(new_text & private & admins & filters.Regex(URL_ONLY), ingest_url),
            MessageHandler(new_text & (private | AddressedToBot()), answer),
        ]
    )
    application.add_error_handler(error_handler)


async def register_commands(application: BotApplication) -> None:
    """Publish the command menu in every interface language (English by default)."""
    for language in (None, *LANGUAGES):
        descriptions = command_descriptions(language or DEFAULT_LANGUAGE)
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in descriptions.items()],
            language_code=language,
        )
