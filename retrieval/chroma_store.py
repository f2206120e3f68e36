"""The one module that talks to chromadb: stores chunks and their vectors.

Embedded (a PersistentClient under the data dir) by default, or a Chroma server when a
URL is given. Raw chromadb results are converted to our ``Chunk`` type here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from retrieval.chroma_records import chunk_metadata, to_chunk, where_clause
from retrieval.embedding import Vectors
from retrieval.errors import StoreError
from retrieval.types import Chunk, SearchFilters

log = logging.getLogger(__name__)

_PAGE = 2000
# How many neighbours HNSW explores per search. At Chroma's default (100) a search missed
# up to 1 in 200 of the 40 nearest chunks, some as close as the best ones, and which ones
# changed from one process to the next (Chroma rebuilds part of the index when it loads
# it): so did answers and the calibration. At 1000 it missed 2 in 4,000 on the benches,
# for 4 ms more per search at 50,000 chunks (bench/search_ef.py prints both).
SEARCH_EF = 1000


def describe_location(*, data_dir: Path, chroma_url: str | None) -> str:
    """Return where the vector store lives, for messages."""
    return (
        f"the Chroma server at {chroma_url}" if chroma_url else f"Chroma in {data_dir / 'chroma'}"
    )


def connect(*, data_dir: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    """Open an embedded Chroma under ``data_dir``, or the server at ``chroma_url``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        path = data_dir / "chroma"
        try:
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except Exception as exc:
            raise StoreError(f"cannot open Chroma in {path} ({type(exc).__name__})") from exc
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
        raise StoreError(
            f"cannot reach the Chroma server at {chroma_url} (VNPOS_CHROMA_URL)"
        ) from exc


@dataclass(frozen=True)
class IndexEntry:
    """A stored chunk's id with the document and ingestion its metadata names."""

    chunk_id: str
    doc_id: str
    ingestion: str | None
    content_hash: str | None


class ChromaStore:
    """Chunks and vectors in one Chroma collection, using cosine distance.

    Every failure of Chroma (down, full, corrupt) surfaces as ``StoreError`` naming it.
    """

    def __init__(
        self,
        client: chromadb.ClientAPI,
        collection: str,
        *,
        location: str = "Chroma",
        reconnect: Callable[[], chromadb.ClientAPI] | None = None,
    ) -> None:
        self.location = location
        self._name = collection
        self._reconnect = reconnect
        self._collection = self._open(client)

    def _open(self, client: chromadb.ClientAPI) -> Any:
        with self._failures(f"open the collection {self._name!r}"):
            collection = client.get_or_create_collection(
                self._name,
                configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
                embedding_function=None,
            )
            # A collection made before SEARCH_EF keeps its own until it is changed.
            if (collection.configuration.get("hnsw") or {}).get("ef_search") != SEARCH_EF:
                collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
            return collection

    @contextmanager
    def _failures(self, action: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            log.debug("Chroma failed to %s", action, exc_info=True)
            raise StoreError(f"{self.location} failed to {action} ({type(exc).__name__})") from exc

    def reopen(self) -> None:
        """Open the collection anew (after another process changed it behind our back)."""
        if self._reconnect is not None:
            self._collection = self._open(self._reconnect())

    def count(self) -> int:
        """Return the number of chunks stored."""
        with self._failures("count the chunks"):
            return int(self._collection.count())

    def upsert(
        self,
        chunks: Sequence[Chunk],
        vectors: Vectors,
        extra: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    ) -> None:
        """Store ``chunks`` with their vectors in one call (Chroma's cost is per call).

        ``extra`` joins their metadata: one mapping for all, or one per chunk.
        """
        if not chunks:
            return
        extras = (
            [extra or {}] * len(chunks) if extra is None or isinstance(extra, Mapping) else extra
        )
        with self._failures("store chunks"):
            self._collection.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors,
                documents=[c.text for c in chunks],
                metadatas=[chunk_metadata(c, e) for c, e in zip(chunks, extras, strict=True)],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove the given chunks."""
        with self._failures("delete chunks"):
            for i in range(0, len(chunk_ids), _PAGE):
                self._collection.delete(ids=list(chunk_ids[i : i + _PAGE]))

    def _pages(self, include: list[str], where: dict[str, Any] | None = None) -> Iterator[Any]:
        offset = 0
        while True:
            with self._failures("read chunks"):
                page = self._collection.get(
                    include=include, limit=_PAGE, offset=offset, where=where
                )
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def iter_chunks(self) -> Iterator[Chunk]:
        """Yield every stored chunk, page by page."""
        for page in self._pages(["documents", "metadatas"]):
            documents = page["documents"] or []
            metadatas = page["metadatas"] or []
            for chunk_id, text, metadata in zip(page["ids"], documents, metadatas, strict=True):
                yield to_chunk(chunk_id, text or "", metadata or {})

    def index_entries(self, *, ingestion: str | None = None) -> Iterator[IndexEntry]:
        """Yield every stored chunk's id and owners (only one ingestion's, if given)."""
        where = {"ingestion": ingestion} if ingestion else None
        for page in self._pages(["metadatas"], where):
            for chunk_id, metadata in zip(page["ids"], page["metadatas"] or [], strict=True):
                metadata = metadata or {}
                yield IndexEntry(
                    chunk_id,
                    str(metadata.get("doc_id", "")),
                    metadata.get("ingestion"),
                    metadata.get("content_hash"),
                )

    def ids_matching(self, filters: SearchFilters) -> list[str]:
        """Return the ids of chunks that pass ``filters``."""
        where = where_clause(filters)
        if not where:
            return []
        with self._failures("filter chunks"):
            return list(self._collection.get(where=where, include=[])["ids"])

    def query(
        self, vector: Vectors, *, n: int, filters: SearchFilters
    ) -> list[tuple[Chunk, float]]:
        """Return up to ``n`` ``(chunk, cosine similarity)`` pairs nearest to ``vector``."""
        # Chroma returns fewer than n_results when it holds fewer; counting first cost a
        # scan per search (22 ms at 100k chunks).
        with self._failures("search"):
            result = self._collection.query(
                query_embeddings=vector.reshape(1, -1),
                n_results=n,
                where=where_clause(filters),
                include=["documents", "metadatas", "distances"],
            )
        ids = result["ids"][0]
        documents = (result["documents"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            (to_chunk(chunk_id, text or "", metadata or {}), 1.0 - float(distance))
            for chunk_id, text, metadata, distance in zip(
                ids, documents, metadatas, distances, strict=True
            )
        ]

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Vectors]]:
        """Return the stored chunks with these ids, with their vectors (missing ones skipped)."""
        if not chunk_ids:
            return []
        with self._failures("read chunks"):
            page = self._collection.get(
                ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"]
            )
        documents = page["documents"] or []
        metadatas = page["metadatas"] or []
        embeddings = page["embeddings"] if page["embeddings"] is not None else []
        return [
            (to_chunk(chunk_id, text or "", metadata or {}), np.asarray(vector, np.float32))
            for chunk_id, text, metadata, vector in zip(
                page["ids"], documents, metadatas, embeddings, strict=True
            )
        ]
