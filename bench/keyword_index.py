"""Keyword index at scale on real Vietnamese news: build, memory, search, one change, disk.

    python bench/keyword_index.py [--sizes 10000,50000,100000] [--baseline]

For each size, in one process: the time to build the index from chunk texts, the
process's RSS after it, search p50/p95 over --queries held-out article titles, the time
to apply one changed document (remove its chunks, add new ones, commit), and the time to
save and load it. ``--baseline`` also builds the former whole-rebuild index (bm25s over
string tokens) at the smallest size and prints how often both agree on the top 10.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bm25s

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_news import read_articles

from retrieval.chunking import pack_spans, sentence_spans
from retrieval.keyword_file import load_index, save_index
from retrieval.keyword_index import KeywordIndex
from retrieval.keyword_tokens import tokenize


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def chunks_of(articles: list[dict[str, str]], wanted: int) -> list[tuple[str, str]]:
    chunks: list[tuple[str, str]] = []
    for article in articles:
        text = f"{article['title']}\n\n{article.get('sapo') or ''}\n\n{article['body']}"
        spans = sentence_spans(text)
        for i, (start, end) in enumerate(pack_spans(spans, max_tokens=220, overlap=40)):
            chunks.append((f"{article['id']}:{i}", text[start:end]))
            if len(chunks) == wanted:
                return chunks
    return chunks


def timed_search(index: KeywordIndex, queries: list[str]) -> list[float]:
    took = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, k=40)
        took.append((time.perf_counter() - started) * 1000)
    return took


def one_change(index: KeywordIndex, chunks: list[tuple[str, str]]) -> float:
    doc = chunks[len(chunks) // 2][0].split(":")[0]
    ids = [c for c, _ in chunks if c.startswith(doc + ":")]
    started = time.perf_counter()
    index.remove(ids)
    wanted = set(ids)
    texts = [text for chunk_id, text in chunks if chunk_id in wanted]
    index.add((f"{doc}:v2:{i}", f"{text} (cập nhật)") for i, text in enumerate(texts))
    index.commit()
    return time.perf_counter() - started


def baseline(chunks: list[tuple[str, str]], queries: list[str], index: KeywordIndex) -> None:
    before = rss_mb()
    started = time.perf_counter()
    tokens = [tokenize(text) for _, text in chunks]
    old = bm25s.BM25()
    old.index(tokens, show_progress=False)
    took = time.perf_counter() - started
    grown = rss_mb() - before
    agree = []
    for query in queries[:100]:
        q = [t for t in tokenize(query) if not t.startswith("~")]
        scores = old.get_scores(q)
        top_old = {chunks[i][0] for i in scores.argsort()[::-1][:10] if scores[i] > 0}
        top_new = {c for c, _ in index.search(query, k=10)}
        if top_old:
            agree.append(len(top_old & top_new) / len(top_old))
    print(
        f"baseline bm25s, {len(chunks)} chunks: build {took:.1f} s, +{grown:.0f} MB RSS; "
        f"top-10 agreement with the new index {100 * statistics.mean(agree):.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/bench-data/news-vi-baomoi-2017")
    )
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    articles = read_articles(args.data, sizes[-1] // 4 + args.queries)
    held_out, articles = articles[: args.queries], articles[args.queries :]
    queries = [a["title"] for a in held_out]
    all_chunks = chunks_of(articles, sizes[-1])
    print(f"{len(all_chunks)} chunks from {len(articles)} articles; start RSS {rss_mb():.0f} MB")
    for size in sizes:
        chunks = all_chunks[:size]
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        index = KeywordIndex()
        index.reset(chunks)
        built = time.perf_counter() - started
        after = rss_mb()
        took = sorted(timed_search(index, queries))
        p95 = took[int(0.95 * (len(took) - 1))]
        change = one_change(index, chunks)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "keyword.npz"
            started = time.perf_counter()
            save_index(index, path, generation=1)
            saved = time.perf_counter() - started
            megabytes = path.stat().st_size / 2**20
            started = time.perf_counter()
            load_index(path)
            loaded = time.perf_counter() - started
        print(
            f"{len(chunks):>7} chunks: build {built:5.1f} s, RSS {after:5.0f} MB "
            f"(+{after - before:.0f}), {sum(s.postings for s in index.segments):,} postings in "
            f"{len(index.segments)} segments; search p50 {statistics.median(took):.1f} ms "
            f"p95 {p95:.1f} ms; one changed document {1000 * change:.0f} ms; "
            f"save {saved:.1f} s ({megabytes:.0f} MB), load {loaded:.1f} s"
        )
        if args.baseline and size == sizes[0]:
            baseline(chunks, queries, index)
        del index


if __name__ == "__main__":
    main()
