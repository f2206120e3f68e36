"""``vnpos bot``: the Telegram bot alone, with long polling."""

from __future__ import annotations

import click

from bot.cli.common import load_settings
from bot.runtime import open_services


@click.command()
def bot() -> None:
    """Run the Telegram bot with long polling (no public URL needed)."""
    settings = load_settings()
    if settings.telegram_token is None:
        raise click.ClickException(
            "VNPOS_TELEGRAM_TOKEN is not set; create a bot with @BotFather and set its token"
        )
    from telegram.error import InvalidToken, NetworkError

    from bot.retention import purge_once
    from bot.telegram import run_polling

    services = open_services(settings, role="bot")
    if settings.retention_days > 0:
        purge_once(services, settings.retention_days)
    try:
        run_polling(services)
    except InvalidToken:
        raise click.ClickException(
            "the Bot API refused VNPOS_TELEGRAM_TOKEN; copy the token @BotFather gave you"
        ) from None
    except NetworkError:
        raise click.ClickException(
            f"could not reach the Bot API at {settings.telegram_api_url} (VNPOS_TELEGRAM_API_URL)"
        ) from None
    finally:
        services.close()
