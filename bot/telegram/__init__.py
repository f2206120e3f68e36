"""The Telegram bot for foreign readers (python-telegram-bot): polling or webhook."""

from bot.telegram.app import BotConfigError, build_application
from bot.telegram.runner import BotRunner, run_polling, start_bot
from bot.telegram.webhook import STATE_ATTRIBUTE, WEBHOOK_PATH, webhook_router

__all__ = [
    "STATE_ATTRIBUTE",
    "WEBHOOK_PATH",
    "BotConfigError",
    "BotRunner",
    "build_application",
    "run_polling",
    "start_bot",
    "webhook_router",
]
