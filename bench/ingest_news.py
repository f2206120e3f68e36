"""Ingestion throughput, re-ingest time and search latency on real Vietnamese news.

    python bench/ingest_news.py --data ../shared/bench-data/news-vi-baomoi-2017 [--articles 2000]

Prints, in one run on the same chunks: the whole pipeline's chunks/s (load, clean,
dedup, chunk, embed, write Chroma and the keyword index) against the bare model's encode
rate, peak RSS, the time to re-ingest the unchanged articles (and how many passages that
embedded: should be 0), and search latency p50/p95 over --queries queries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from retrieval.embedder import load_embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig


def iter_articles(data: Path) -> Iterator[dict[str, str]]:
    """Yield the corpus's articles with a body of more than 200 characters, in order."""
    for shard in sorted(data.glob("*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as lines:
            for line in lines:
                article = json.loads(line)
                if article.get("body") and len(article["body"]) > 200:
                    yield article


def read_articles(data: Path, count: int) -> list[dict[str, str]]:
    return list(islice(iter_articles(data), count))


def write_articles(articles: list[dict[str, str]], folder: Path) -> None:
    for article in articles:
        text = f"{article['title']}\n\n{article.get('sapo') or ''}\n\n{article['body']}\n"
        (folder / f"{article['id']}.txt").write_text(text, encoding="utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/bench-data/news-vi-baomoi-2017")
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--model-dir", type=Path, default=Path("data/models"))
    args = parser.parse_args()

    articles = read_articles(args.data, args.articles)
    embedder = load_embedder("bundled", args.model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        write_articles(articles, corpus)
        kb = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=Path(tmp) / "data"), embedder)

        started = time.perf_counter()
        report = kb.ingest([str(corpus)])
        pipeline_s = time.perf_counter() - started
        pipeline_rate = report.chunks / pipeline_s
        print(f"ingest: {len(articles)} articles -> {report.summary()}")
        print(f"pipeline: {pipeline_rate:.1f} chunks/s ({pipeline_s:.1f}s)")

        texts = [chunk.text for chunk in kb._store.iter_chunks()]
        started = time.perf_counter()
        embedder.embed_passages(texts)
        encode_s = time.perf_counter() - started
        encode_rate = len(texts) / encode_s
        print(
            f"bare model encode: {encode_rate:.1f} chunks/s "
            f"({encode_s:.1f}s, the same {len(texts)} chunks)"
        )
        print(
            f"pipeline keeps {100 * pipeline_rate / encode_rate:.0f}% of the model's rate "
            "(target >= 90%)"
        )
        print(f"peak RSS: {peak_rss_mb():.0f} MB")

        before = embedder.passages_embedded
        started = time.perf_counter()
        again = kb.ingest([str(corpus)])
        print(
            f"re-ingest unchanged: {time.perf_counter() - started:.1f}s, "
            f"{len(again.skipped)} skipped, {embedder.passages_embedded - before} passages embedded"
        )

        queries = [a["title"] for a in articles][: args.queries]
        while len(queries) < args.queries:
            queries += queries[: args.queries - len(queries)]
        latencies = []
        for query in queries:
            started = time.perf_counter()
            kb.search(query, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p95 = latencies[int(0.95 * len(latencies)) - 1]
        print(
            f"search over {kb.chunk_count()} chunks, {len(queries)} queries: "
            f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms"
        )
        kb.close()


if __name__ == "__main__":
    main()
