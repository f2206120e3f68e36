"""``vnpos serve``: the HTTP API, widget and (with a token) the Telegram bot."""

from __future__ import annotations

import click
import uvicorn

from bot.settings import Settings
from bot.web.app import create_app


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the HTTP API, the chat widget and, with VNPOS_TELEGRAM_TOKEN, the Telegram bot."""
    settings = Settings()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
    )
