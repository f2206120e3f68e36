"""``vnpos check`` and ``vnpos reindex``: the consistency check, and a full re-embed."""

from __future__ import annotations

import click

from bot.cli.common import load_settings, say
from bot.cli.progress import progress_bar
from bot.cli.remote import running_server
from bot.runtime import open_knowledge_base


@click.command()
def check() -> None:
    """Compare the registry with the collection; exit 1 when they disagree."""
    settings = load_settings()
    remote = running_server(settings)
    if remote is not None:
        found = remote.get("/api/admin/check")
        remote.close()
        lines, ok = found["lines"], found["ok"]
    else:
        knowledge_base = open_knowledge_base(
            settings, on_wait=say, repairing=True, load_model=False
        )
        try:
            consistency = knowledge_base.check()
        finally:
            knowledge_base.close()
        lines, ok = consistency.lines(), consistency.ok
    click.echo("\n".join(lines))
    if not ok:
        raise SystemExit(1)


@click.command()
def reindex() -> None:
    """Repair, then re-chunk and re-embed every document from its stored text."""
    settings = load_settings()
    remote = running_server(settings)
    if remote is not None:
        result = remote.post("/api/admin/reindex")
        remote.close()
        click.echo(
            f"re-indexed {len(result['updated'])} documents, {result['chunks']} chunks in "
            f"{result['seconds']:.1f}s; by the server at {remote.url}"
        )
        return
    knowledge_base = open_knowledge_base(settings, on_wait=say, repairing=True)
    try:
        with progress_bar(len(knowledge_base.documents()), "re-indexing") as advance:
            report = knowledge_base.reindex(advance)
    finally:
        knowledge_base.close()
    click.echo(
        f"re-indexed {len(report.updated)} documents, {report.chunks} chunks in "
        f"{report.seconds:.1f}s"
    )
