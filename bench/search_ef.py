"""How exact Chroma's nearest-chunk search is, and what it costs, by HNSW ``ef_search``.

    python bench/search_ef.py [--stores data/bench/laws/data ...] [--scale 50000]
        [--queries 200] [--ef 100,400]

For each bench store (a data dir the benches built), on a copy so that nothing changes:
how many of the exact 40 nearest chunks the search misses over --queries queries (stored
vectors, slightly moved), with no filter and with one document left out, and the mean
time per search. ``--scale N`` adds a store of N vectors (the first store's, each copied
with noise) to see the cost on a larger corpus.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import chromadb
import numpy as np

REPO = Path(__file__).resolve().parent.parent
N = 40


def _opened(chroma: Path, into: Path, ef: int) -> chromadb.Collection:
    """Return a copy of the collection in ``chroma`` searching with ``ef``.

    Chroma reads ``ef_search`` when a process first loads the index: set it before.
    """
    shutil.copytree(chroma, into)
    collection = chromadb.PersistentClient(path=str(into)).get_collection("vnpos")
    collection.modify(configuration={"hnsw": {"ef_search": ef}})
    return collection


def _everything(collection: chromadb.Collection) -> tuple[np.ndarray, list[str], list[str]]:
    vectors: list[Any] = []
    ids: list[str] = []
    docs: list[str] = []
    for offset in range(0, collection.count(), 5000):
        page: Any = collection.get(limit=5000, offset=offset, include=["embeddings", "metadatas"])
        vectors.extend(page["embeddings"])
        ids.extend(page["ids"])
        docs.extend(str(m["doc_id"]) for m in page["metadatas"])
    return np.asarray(vectors, np.float32), ids, docs


def _synthetic(chroma: Path, size: int, into: Path) -> None:
    source = chromadb.PersistentClient(path=str(chroma)).get_collection("vnpos")
    base = _everything(source)[0]
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(base), size)
    vectors = base[picks] + rng.normal(0, 0.03, (size, base.shape[1])).astype(np.float32)
    collection = chromadb.PersistentClient(path=str(into)).create_collection(
        "vnpos", configuration={"hnsw": {"space": "cosine"}}
    )
    for start in range(0, size, 5000):
        stop = min(size, start + 5000)
        collection.add(
            ids=[f"s{i}" for i in range(start, stop)],
            embeddings=vectors[start:stop],
            metadatas=[{"doc_id": f"d{picks[i] // 10}"} for i in range(start, stop)],
        )


def _measure(chroma: Path, tmp: Path, queries: int, efs: list[int]) -> None:
    rng = np.random.default_rng(1)
    for ef in efs:
        collection = _opened(chroma, tmp / f"{chroma.name}-{ef}", ef)
        found_vectors, found_ids, found_docs = _everything(collection)
        vectors = found_vectors / np.linalg.norm(found_vectors, axis=1, keepdims=True)
        ids, docs = np.asarray(found_ids), np.asarray(found_docs)
        picks = rng.choice(len(vectors), min(queries, len(vectors)), replace=False)
        asked = vectors[picks] + rng.normal(0, 0.02, (len(picks), vectors.shape[1]))
        for filtered in (False, True):
            missed, spent = 0, 0.0
            for query, pick in zip(asked, picks, strict=True):
                where: Any = {"doc_id": {"$nin": [str(docs[pick])]}} if filtered else None
                started = time.perf_counter()
                found = collection.query(
                    query_embeddings=[query.tolist()], n_results=N, where=where, include=[]
                )
                spent += time.perf_counter() - started
                cosines = vectors @ (query / np.linalg.norm(query))
                if filtered:
                    cosines[docs == docs[pick]] = -2.0
                exact = set(ids[np.argsort(-cosines)[:N]])
                missed += len(exact - set(found["ids"][0]))
            label = "one document left out" if filtered else "no filter"
            print(
                f"  ef_search {ef:>4}, {label:<22}: missed {missed:>4} of "
                f"{len(picks) * N} nearest, {spent / len(picks) * 1000:5.1f} ms per search"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = [
        REPO / "data" / "bench" / d / "data" for d in ("laws", "mlqa-vi", "news-foreign/200")
    ]
    parser.add_argument("--stores", type=Path, nargs="+", default=default)
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef", default="100,400")
    args = parser.parse_args()
    efs = [int(ef) for ef in args.ef.split(",")]
    stores = [s for s in args.stores if (s / "chroma").is_dir()]
    if not stores:
        sys.exit("no bench store found: run bench/laws.py or bench/answers_mlqa.py first")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for n, store in enumerate(stores):
            copy = tmp / f"store{n}"
            shutil.copytree(store / "chroma", copy)
            count = chromadb.PersistentClient(path=str(copy)).get_collection("vnpos").count()
            print(f"{store}: {count} chunks")
            _measure(copy, tmp, args.queries, efs)
        if args.scale:
            _synthetic(stores[0] / "chroma", args.scale, tmp / "scale")
            print(f"synthetic: {args.scale} chunks (the first store's vectors, noised)")
            _measure(tmp / "scale", tmp, args.queries, efs)


if __name__ == "__main__":
    main()
