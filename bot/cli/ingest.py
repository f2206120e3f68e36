"""``vnpos ingest``: add files, folders and URLs to the knowledge base."""

from __future__ import annotations

import logging

import click

from bot.cli.progress import progress_bar
from bot.runtime import open_knowledge_base
from bot.settings import Settings
from retrieval.loaders import discover


@click.command()
@click.argument("locations", nargs=-1, required=True)
def ingest(locations: tuple[str, ...]) -> None:
    """Ingest PATH|URL...: files (txt, md, html, pdf, docx), folders and web pages."""
    # Per-document log lines would drown the summary; failures are printed below.
    logging.getLogger("retrieval").setLevel(logging.WARNING)
    settings = Settings()
    knowledge_base = open_knowledge_base(settings)
    try:
        sources = discover(list(locations), corpus_root=settings.corpus_dir)
        with progress_bar(len(sources), "ingesting") as advance:
            report = knowledge_base.ingest_sources(sources, advance)
    finally:
        knowledge_base.close()
    for _location, reason in report.failed:
        click.echo(f"failed: {reason}", err=True)
    click.echo(f"{report.summary()}; {knowledge_base.embedder.passages_embedded} passages embedded")
    if report.failed:
        raise SystemExit(1)
