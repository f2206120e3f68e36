"""Our chunks as Chroma records and back, and our filters as Chroma ``where`` documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from retrieval.types import Chunk, DocumentMeta, SearchFilters


def _timestamp(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def chunk_metadata(chunk: Chunk, extra: Mapping[str, str]) -> dict[str, str | int]:
    """Return a chunk's Chroma metadata (``extra``: the lease and content hash marks)."""
    meta = chunk.meta
    values: dict[str, str | int | None] = {
        "doc_id": chunk.doc_id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "source": meta.source,
        "title": meta.title,
        "publisher": meta.publisher,
        "published": meta.published.isoformat() if meta.published else None,
        "published_ts": _timestamp(meta.published) if meta.published else None,
        "url": meta.url,
        "language": meta.language,
        **extra,
    }
    return {key: value for key, value in values.items() if value is not None}


def to_chunk(chunk_id: str, text: str, metadata: Mapping[str, Any]) -> Chunk:
    """Return the chunk a Chroma record holds."""
    published = metadata.get("published")
    meta = DocumentMeta(
        doc_id=str(metadata["doc_id"]),
        source=str(metadata.get("source", "")),
        title=str(metadata.get("title", "")),
        publisher=metadata.get("publisher"),
        published=date.fromisoformat(published) if published else None,
        url=metadata.get("url"),
        language=str(metadata.get("language", "")),
    )
    return Chunk(
        chunk_id=chunk_id,
        doc_id=meta.doc_id,
        index=int(metadata.get("index", 0)),
        text=text,
        start=int(metadata.get("start", 0)),
        end=int(metadata.get("end", 0)),
        meta=meta,
    )


def where_clause(filters: SearchFilters) -> dict[str, Any] | None:
    """Translate our filters into a Chroma ``where`` document."""
    conditions: list[dict[str, Any]] = []
    if filters.language:
        conditions.append({"language": filters.language})
    if filters.other_language:
        conditions.append({"language": {"$ne": filters.other_language}})
    if filters.publisher:
        conditions.append({"publisher": filters.publisher})
    if filters.published_after:
        conditions.append({"published_ts": {"$gte": _timestamp(filters.published_after)}})
    if filters.published_before:
        conditions.append({"published_ts": {"$lte": _timestamp(filters.published_before)}})
    if filters.exclude_doc_ids:
        conditions.append({"doc_id": {"$nin": sorted(filters.exclude_doc_ids)}})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}
