"""The ``vnpos`` command line: one module per command group, wired here."""

from __future__ import annotations

import logging

import click

from bot.cli.ask import ask
from bot.cli.bot import bot
from bot.cli.docs import docs
from bot.cli.eval import evaluate
from bot.cli.ingest import ingest
from bot.cli.model import model
from bot.cli.serve import serve

__all__ = ["main"]


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Answer questions about Vietnam's official positions, with citations."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "bm25s", "sentence_transformers", "transformers", "chromadb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


main.add_command(ingest)
main.add_command(docs)
main.add_command(serve)
main.add_command(model)
main.add_command(bot)
main.add_command(ask)
main.add_command(evaluate)
