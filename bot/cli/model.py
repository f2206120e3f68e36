"""``vnpos model``: build (once) and check the embedding model."""

from __future__ import annotations

import time

import click

from bot.cli.common import load_settings


@click.command()
def model() -> None:
    """Build the bundled embedding model if needed and check that it loads."""
    settings = load_settings()
    from retrieval.embedder import load_embedder

    started = time.perf_counter()
    embedder = load_embedder(
        settings.embedding_model, settings.model_cache_dir, backend=settings.embedding_backend
    )
    vector = embedder.embed_queries(["kiểm tra"])[0]
    click.echo(
        f"embedding model {settings.embedding_model!r} ready "
        f"({vector.shape[0]} dimensions, {getattr(embedder, 'backend', 'torch')}, "
        f"{time.perf_counter() - started:.1f}s)"
    )
