"""The Chroma adapter against a real embedded Chroma: the nearest chunks, hardly any missed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.chroma_store import ChromaStore, connect
from retrieval.types import SearchFilters

CHUNKS = 5000
NEAREST = 40


def _near_duplicates(count: int) -> np.ndarray:
    """Return unit vectors in tight clusters (the near-ties of related news), 20 per document."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(count // 20, 384))
    vectors = centres[rng.integers(0, len(centres), count)] + rng.normal(0, 0.35, (count, 384))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


# Made in another process, as by an earlier version: Chroma reads a collection's search
# settings when a process first loads it.
_MAKE_WITH_DEFAULTS = """
import sys, chromadb, numpy as np
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
collection = client.create_collection("vnpos", metadata={"hnsw:space": "cosine"})
vectors = np.load(sys.argv[2])
ids = [f"c{i}" for i in range(len(vectors))]
metadatas = [{"doc_id": f"d{i // 20}", "title": "t", "source": "s"} for i in range(len(vectors))]
collection.add(ids=ids, embeddings=vectors, documents=ids, metadatas=metadatas)
"""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """Return a data dir whose collection was made with Chroma's defaults, and its vectors."""
    data_dir = tmp_path_factory.mktemp("chroma")
    vectors = _near_duplicates(CHUNKS)
    np.save(data_dir / "vectors.npy", vectors)
    subprocess.run(
        [
            sys.executable,
            "-c",
            _MAKE_WITH_DEFAULTS,
            str(data_dir / "chroma"),
            str(data_dir / "vectors.npy"),
        ],
        check=True,
    )
    return data_dir, vectors


def _exact(vectors: np.ndarray, query: np.ndarray, left_out: str | None = None) -> set[str]:
    cosines = vectors @ query
    if left_out is not None:
        cosines[[i // 20 == int(left_out[1:]) for i in range(len(vectors))]] = -2.0
    return {f"c{i}" for i in np.argsort(-cosines)[:NEAREST]}


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "one-document-left-out"])
def test_a_search_returns_the_exact_nearest_chunks(
    filled: tuple[Path, np.ndarray], filtered: bool
) -> None:
    """Opened by the adapter, a collection made with Chroma's defaults misses hardly any.

    With Chroma's default search breadth 7 to 12 of the 2,400 nearest were missed, and
    which ones changed from one process to the next: so did answers and the calibration.
    The search stays approximate: one may still be missed under a filter.
    """
    data_dir, vectors = filled
    store = ChromaStore(connect(data_dir=data_dir, chroma_url=None), "vnpos")
    rng = np.random.default_rng(1)
    missed = 0
    for pick in rng.choice(CHUNKS, 60, replace=False):
        query = vectors[pick] + rng.normal(0, 0.02, 384).astype(np.float32)
        query /= np.linalg.norm(query)
        left_out = f"d{pick // 20}" if filtered else None
        filters = (
            SearchFilters(exclude_doc_ids=frozenset({left_out})) if left_out else SearchFilters()
        )
        found = {chunk.chunk_id for chunk, _ in store.query(query, n=NEAREST, filters=filters)}
        missed += len(_exact(vectors, query, left_out) - found)
    assert missed <= 1
