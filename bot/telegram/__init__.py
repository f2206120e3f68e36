"""The Telegram bot for foreign readers (python-telegram-bot): polling or webhook."""

from bot.telegram.app import BotConfigError, build_application
from bot.telegram.runner import BotRunner, run_polling, start_bot
from bot.telegram.webhook import WEBHOOK_PATH, WebBot, webhook_router

__all__ = [
    "WEBHOOK_PATH",
    "BotConfigError",
    "BotRunner",
    "WebBot",
    "build_application",
    "run_polling",
    "start_bot",
    "webhook_router",
]
