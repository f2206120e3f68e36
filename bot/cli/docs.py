"""``vnpos docs``: list, delete and repair indexed documents."""

from __future__ import annotations

import click

from bot.cli.common import load_settings, say
from bot.cli.remote import running_server
from bot.runtime import open_knowledge_base


@click.group()
def docs() -> None:
    """List, delete or repair indexed documents."""


@docs.command("list")
def list_documents() -> None:
    """List indexed documents: id, chunks, published date, publisher, title, edition link."""
    settings = load_settings()
    remote = running_server(settings)
    if remote is not None:
        rows = remote.get("/api/admin/documents")["documents"]
        remote.close()
        for d in rows:
            click.echo(
                f"{d['doc_id']}\t{d['chunks']}\t{d['published'] or '-'}\t"
                f"{d['publisher'] or '-'}\t{d['title']}{_edition(d.get('edition_of'))}"
            )
        return
    knowledge_base = open_knowledge_base(settings, on_wait=say, load_model=False)
    try:
        for stored in knowledge_base.documents():
            meta = stored.meta
            published = meta.published.isoformat() if meta.published else "-"
            publisher = meta.publisher or "-"
            click.echo(
                f"{meta.doc_id}\t{stored.chunks}\t{published}\t{publisher}\t{meta.title}"
                f"{_edition(stored.edition_of)}"
            )
    finally:
        knowledge_base.close()


def _edition(original: str | None) -> str:
    return f"\tedition of {original}" if original else ""


@docs.command("delete")
@click.argument("doc_ids", nargs=-1, required=True)
def delete_documents(doc_ids: tuple[str, ...]) -> None:
    """Delete DOC_ID... from the index."""
    settings = load_settings()
    target = running_server(settings) or open_knowledge_base(
        settings, on_wait=say, load_model=False
    )
    missing = []
    try:
        for doc_id in doc_ids:
            if target.delete(doc_id):
                click.echo(f"deleted {doc_id}")
            else:
                missing.append(doc_id)
    finally:
        target.close()
    for doc_id in missing:
        click.echo(f"not found: {doc_id} (see `vnpos docs list`)", err=True)
    if missing:
        raise SystemExit(1)


@docs.command("repair")
def repair_documents() -> None:
    """Bring the registry and the collection back in step (adopt, drop, re-embed)."""
    settings = load_settings()
    remote = running_server(settings)
    if remote is not None:
        click.echo(remote.post("/api/admin/repair")["summary"])
        remote.close()
        return
    knowledge_base = open_knowledge_base(settings, on_wait=say, repairing=True)
    try:
        click.echo(knowledge_base.repair().summary())
    finally:
        knowledge_base.close()
