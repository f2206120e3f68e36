"""``vnpos serve``: the HTTP API, widget and (with a token) the Telegram bot."""

from __future__ import annotations

import click

from bot.cli.common import load_settings
from bot.local_server import LocalServer, loopback_url


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the HTTP API, the chat widget and, with VNPOS_TELEGRAM_TOKEN, the Telegram bot."""
    settings = load_settings()
    import uvicorn

    from bot.web.app import create_app
    from bot.web.server import uvicorn_config

    host, port = host or settings.host, port or settings.port
    local = LocalServer.new(loopback_url(host, port))
    app = create_app(settings, local=local)
    uvicorn.Server(uvicorn_config(app, settings, host=host, port=port)).run()
