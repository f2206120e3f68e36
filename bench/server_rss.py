"""The whole server's memory and search latency over a large corpus (news articles).

Ingests news articles into a temporary data dir until it holds --chunks chunks, then
starts `vnpos serve` on it (the real model for queries) and measures, over HTTP, search
p50/p95 for --queries article titles and the server's peak RSS, then its peak RSS
again after --asks questions through /api/ask (answers read whole documents).
Embedding 100k passages with the real model takes hours on two cores and does not change
what the server holds in memory, so the passages get cheap random unit vectors (seeded
by their text): the numbers are for memory and latency, not for ranking quality.

    python bench/server_rss.py --chunks 100000
    python bench/server_rss.py --chunks 100000 --data-dir /tmp/rss-100k   # built once, reused
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np

# Run as a script: the repository root holds bench/ and tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest_news import read_articles, write_articles
from bench.load_ask import REPO, free_port, peak_rss_mb, vnpos, wait_ready
from retrieval.embedding import Vectors
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig

DIMENSION = 384


class RandomVectors:
    """Unit vectors seeded by each text's hash: the bundled model's shape, none of its cost."""

    dimension = DIMENSION
    passages_embedded = 0

    def _embed(self, texts: Sequence[str]) -> Vectors:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())
            rows.append(np.random.default_rng(seed).standard_normal(DIMENSION))
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages_embedded += len(texts)
        return self._embed(texts)


def build(data_dir: Path, articles: list[dict[str, str]], chunks: int) -> int:
    """Ingest ``articles`` in batches until the data dir holds ``chunks``; return the count."""
    kb = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=data_dir), RandomVectors())
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for start in range(0, len(articles), 1000):
                batch = Path(tmp) / f"batch-{start}"
                batch.mkdir()
                write_articles(articles[start : start + 1000], batch)
                kb.ingest([str(batch)])
                held = kb.chunk_count()
                print(f"  {held} chunks after {time.perf_counter() - started:.0f} s", flush=True)
                if held >= chunks:
                    break
        held = kb.chunk_count()
        (data_dir / "built").write_text(f"{held}\n")
        return held
    finally:
        kb.close()


def reuse(data_dir: Path, chunks: int) -> int:
    """Return the chunk count of an earlier build in ``data_dir`` that holds ``chunks``, or 0."""
    if not (data_dir / "built").is_file():
        return 0
    held = int((data_dir / "built").read_text())
    return held if held >= chunks else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared/bench-data/news-vi-baomoi-2017"
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--asks", type=int, default=20)
    parser.add_argument(
        "--data-dir", type=Path, help="build the data dir here and keep it; reused when built"
    )
    args = parser.parse_args()
    # About 7.5 chunks per article in this corpus; read enough with a margin.
    articles = read_articles(args.data, int(args.chunks / 5))
    with tempfile.TemporaryDirectory(prefix="vnpos-rss-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        held = reuse(data_dir, args.chunks) or build(data_dir, articles, args.chunks)
        env = {
            **os.environ,
            "VNPOS_DATA_DIR": str(data_dir),
            "VNPOS_MODEL_DIR": os.environ.get("VNPOS_MODEL_DIR", str(REPO / "data/models")),
            "VNPOS_LLM_PROVIDER": "none",
            "VNPOS_RATE_LIMIT_IP_PER_MIN": "0",
        }
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = vnpos("serve", "--port", str(port), env=env, stderr=subprocess.DEVNULL)
        try:
            wait_ready(url, timeout=600)
            print(f"vnpos serve over {held} chunks: ready in {time.perf_counter() - started:.1f} s")
            latencies = []
            for article in articles[: args.queries]:
                asked = time.perf_counter()
                response = httpx.post(
                    f"{url}/api/search", json={"query": article["title"]}, timeout=60
                )
                response.raise_for_status()
                latencies.append((time.perf_counter() - asked) * 1000)
            latencies.sort()
            p50, p95 = statistics.median(latencies), latencies[int(0.95 * len(latencies)) - 1]
            print(f"/api/search, {len(latencies)} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            print(f"server peak RSS after the searches: {peak_rss_mb(server.pid):.0f} MB")
            for article in articles[args.queries : args.queries + args.asks]:
                response = httpx.post(
                    f"{url}/api/ask", json={"question": article["title"]}, timeout=300
                )
                response.raise_for_status()
            print(
                f"server peak RSS after {args.asks} /api/ask too: "
                f"{peak_rss_mb(server.pid):.0f} MB (target <= 1536 MB)"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
