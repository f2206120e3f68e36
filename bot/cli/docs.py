"""``vnpos docs``: list and delete indexed documents."""

from __future__ import annotations

import click

from bot.runtime import open_knowledge_base
from bot.settings import Settings


@click.group()
def docs() -> None:
    """List or delete indexed documents."""


@docs.command("list")
def list_documents() -> None:
    """List indexed documents: id, chunks, published date, publisher and title."""
    knowledge_base = open_knowledge_base(Settings())
    try:
        for stored in knowledge_base.documents():
            meta = stored.meta
            published = meta.published.isoformat() if meta.published else "-"
            publisher = meta.publisher or "-"
            click.echo(f"{meta.doc_id}\t{stored.chunks}\t{published}\t{publisher}\t{meta.title}")
    finally:
        knowledge_base.close()


@docs.command("delete")
@click.argument("doc_ids", nargs=-1, required=True)
def delete_documents(doc_ids: tuple[str, ...]) -> None:
    """Delete DOC_ID... from the index."""
    knowledge_base = open_knowledge_base(Settings())
    missing = []
    try:
        for doc_id in doc_ids:
            if knowledge_base.delete(doc_id):
                click.echo(f"deleted {doc_id}")
            else:
                missing.append(doc_id)
    finally:
        knowledge_base.close()
    for doc_id in missing:
        click.echo(f"not found: {doc_id} (see `vnpos docs list`)", err=True)
    if missing:
        raise SystemExit(1)
