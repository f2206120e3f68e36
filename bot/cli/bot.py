"""``vnpos bot``: the Telegram bot alone, with long polling."""

from __future__ import annotations

import click

from bot.runtime import open_services
from bot.settings import Settings
from bot.telegram import run_polling


@click.command()
def bot() -> None:
    """Run the Telegram bot with long polling (no public URL needed)."""
    settings = Settings()
    if settings.telegram_token is None:
        raise click.ClickException(
            "VNPOS_TELEGRAM_TOKEN is not set; create a bot with @BotFather and set its token"
        )
    services = open_services(settings)
    try:
        run_polling(services)
    finally:
        services.close()
