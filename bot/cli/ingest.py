"""``vnpos ingest``: add files, folders and URLs to the knowledge base."""

from __future__ import annotations

import logging

import click

from bot.cli.common import load_settings, say
from bot.cli.progress import progress_bar
from bot.cli.remote import running_server
from bot.runtime import open_knowledge_base


@click.command()
@click.argument("locations", nargs=-1, required=True)
@click.option(
    "--replace", is_flag=True, help="Let a different file or URL take an id that is taken."
)
def ingest(locations: tuple[str, ...], replace: bool) -> None:
    """Ingest PATH|URL...: files (txt, md, html, pdf, docx), folders and web pages.

    When `vnpos serve` runs on the same data dir, the server does the work.
    """
    # Per-document log lines would drown the summary; failures are printed below.
    logging.getLogger("retrieval").setLevel(logging.WARNING)
    settings = load_settings()
    from retrieval.loaders import discover

    sources = discover(list(locations), corpus_root=settings.corpus_dir)
    remote = running_server(settings)
    with progress_bar(len(sources), "ingesting") as advance:
        if remote is not None:
            try:
                report = remote.ingest(sources, replace=replace, advance=advance)
            finally:
                remote.close()
            done_by = f"by the server at {remote.url}"
        else:
            knowledge_base = open_knowledge_base(settings, on_wait=say)
            try:
                report = knowledge_base.ingest_sources(sources, advance, replace=replace)
            finally:
                knowledge_base.close()
            done_by = f"{knowledge_base.embedder.passages_embedded} passages embedded"
    for _location, reason in report.failed:
        click.echo(f"failed: {reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for doc_id, original in report.duplicates:
        click.echo(f"duplicate: {doc_id} has exactly the text of {original}; not indexed", err=True)
    click.echo(f"{report.summary()}; {done_by}")
    if report.failed:
        raise SystemExit(1)
