"""The one module that talks to chromadb: stores chunks and their vectors.

Embedded (a PersistentClient under the data dir) by default, or a Chroma server when a
URL is given. Raw chromadb results are converted to our ``Chunk`` type here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from retrieval.embedding import Vectors
from retrieval.errors import StoreError
from retrieval.types import Chunk, DocumentMeta, SearchFilters

log = logging.getLogger(__name__)

_PAGE = 2000


def connect(*, data_dir: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    """Open an embedded Chroma under ``data_dir``, or the server at ``chroma_url``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        path = data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise StoreError(f"VNPOS_CHROMA_URL must look like http://host:port, got {chroma_url!r}")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    except Exception as exc:
        raise StoreError(f"cannot reach the Chroma server at {chroma_url}") from exc


def _timestamp(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
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
    }
    return {key: value for key, value in values.items() if value is not None}


def _to_chunk(chunk_id: str, text: str, metadata: Mapping[str, Any]) -> Chunk:
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
    if filters.publisher:
        conditions.append({"publisher": filters.publisher})
    if filters.published_after:
        conditions.append({"published_ts": {"$gte": _timestamp(filters.published_after)}})
    if filters.published_before:
        conditions.append({"published_ts": {"$lte": _timestamp(filters.published_before)}})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


class ChromaStore:
    """Chunks and vectors in one Chroma collection, using cosine distance."""

    def __init__(self, client: chromadb.ClientAPI, collection: str) -> None:
        try:
            self._collection = client.get_or_create_collection(
                collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma collection {collection!r}") from exc

    def count(self) -> int:
        """Return the number of chunks stored."""
        return self._collection.count()

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Store ``chunks`` with their vectors in one call (one transaction)."""
        if not chunks:
            return
        self._collection.upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=vectors,
            documents=[c.text for c in chunks],
            metadatas=[_chunk_metadata(c) for c in chunks],
        )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove the given chunks."""
        for i in range(0, len(chunk_ids), _PAGE):
            self._collection.delete(ids=list(chunk_ids[i : i + _PAGE]))

    def iter_chunks(self) -> Iterator[Chunk]:
        """Yield every stored chunk, page by page."""
        offset = 0
        while True:
            page = self._collection.get(
                include=["documents", "metadatas"], limit=_PAGE, offset=offset
            )
            ids = page["ids"]
            if not ids:
                return
            documents = page["documents"] or []
            metadatas = page["metadatas"] or []
            for chunk_id, text, metadata in zip(ids, documents, metadatas, strict=True):
                yield _to_chunk(chunk_id, text or "", metadata or {})
            offset += len(ids)

    def ids_matching(self, filters: SearchFilters) -> list[str]:
        """Return the ids of chunks that pass ``filters``."""
        where = where_clause(filters)
        return list(self._collection.get(where=where, include=[])["ids"]) if where else []

    def query(
        self, vector: Vectors, *, n: int, filters: SearchFilters
    ) -> list[tuple[Chunk, float]]:
        """Return up to ``n`` ``(chunk, cosine similarity)`` pairs nearest to ``vector``."""
        total = self.count()
        if total == 0:
            return []
        result = self._collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=min(n, total),
            where=where_clause(filters),
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result["documents"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            (_to_chunk(chunk_id, text or "", metadata or {}), 1.0 - float(distance))
            for chunk_id, text, metadata, distance in zip(
                ids, documents, metadatas, distances, strict=True
            )
        ]

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Vectors]]:
        """Return the stored chunks with these ids, with their vectors."""
        if not chunk_ids:
            return []
        page = self._collection.get(
            ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"]
        )
        documents = page["documents"] or []
        metadatas = page["metadatas"] or []
        embeddings = page["embeddings"] if page["embeddings"] is not None else []
        return [
            (_to_chunk(chunk_id, text or "", metadata or {}), np.asarray(vector, np.float32))
            for chunk_id, text, metadata, vector in zip(
                page["ids"], documents, metadatas, embeddings, strict=True
            )
        ]
