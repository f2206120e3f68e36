"""What every command shares: settings read once, and one place that turns errors into lines."""

from __future__ import annotations

import logging
from typing import Any

import click
from pydantic import ValidationError

from bot.logs import register_secrets
from bot.settings import Settings
from retrieval.database import database_password
from retrieval.errors import ConfigurationError, VnposError

log = logging.getLogger(__name__)


class SettingsError(ConfigurationError):
    """A VNPOS_* setting is malformed."""


class VnposGroup(click.Group):
    """A click group that prints any VnposError as one line: exit 2 for a setting, else 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; no traceback reaches the terminal."""
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except VnposError as exc:
            log.debug("command failed", exc_info=True)
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def load_settings() -> Settings:
    """Read the settings; register their secrets so that no log line shows them."""
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"VNPOS_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            if e["loc"]
            else e["msg"].removeprefix("Value error, ")
            for e in exc.errors(include_url=False)
        )
        raise SettingsError(f"invalid settings: {problems}") from None
    register_secrets(
        settings.telegram_token,
        settings.telegram_webhook_secret,
        settings.llm_api_key,
        settings.translate_api_key,
        database_password(settings.database_url),
        *settings.admin_api_keys,
    )
    return settings


def say(message: str) -> None:
    """Tell the person at the terminal what we are waiting for (on stderr)."""
    click.echo(message, err=True)
