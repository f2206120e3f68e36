"""The ``vnpos`` command line: one module per command group, wired here."""

from __future__ import annotations

import click

from bot.cli.ask import ask
from bot.cli.bot import bot
from bot.cli.common import VnposGroup
from bot.cli.docs import docs
from bot.cli.eval import evaluate
from bot.cli.ingest import ingest
from bot.cli.maintenance import check, reindex
from bot.cli.model import model
from bot.cli.serve import serve
from bot.logs import configure_logging

__all__ = ["main"]


@click.group(cls=VnposGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Answer questions about Vietnam's official positions, with citations."""
    configure_logging(verbose=verbose)


main.add_command(ingest)
main.add_command(docs)
main.add_command(serve)
main.add_command(model)
main.add_command(bot)
main.add_command(ask)
main.add_command(evaluate)
main.add_command(check)
main.add_command(reindex)
