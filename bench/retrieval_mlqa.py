"""Retrieval quality on MLQA dev (vi contexts as documents; en and vi questions).

Prints recall@1/5/10 and MRR for dense, keyword and fused search.
    python bench/retrieval_mlqa.py --data ../shared/bench-data/mlqa-dev-vi-en
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from retrieval.embedder import load_embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.search import FusionWeights


def load_items(data: Path) -> list[dict[str, str]]:
    path = next(data.glob("*.jsonl"))
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_corpus(items: list[dict[str, str]], folder: Path) -> dict[str, str]:
    """Write each distinct vi context as a document; return context -> doc_id."""
    ids: dict[str, str] = {}
    for item in items:
        context = item["context_vi"]
        if context not in ids:
            doc_id = f"ctx{len(ids):04d}"
            ids[context] = doc_id
            (folder / f"{doc_id}.txt").write_text(f"{item['title_vi']}\n\n{context}\n")
    return ids


def evaluate(kb: KnowledgeBase, questions: list[tuple[str, str]], mode: str) -> dict[str, float]:
    ranks = []
    for question, gold in questions:
        hits = kb.search(question, k=10, mode=mode)  # type: ignore[arg-type]
        doc_ids = [hit.chunk.doc_id for hit in hits]
        ranks.append(doc_ids.index(gold) + 1 if gold in doc_ids else None)
    n = len(ranks)
    return {
        "r@1": sum(1 for r in ranks if r and r <= 1) / n,
        "r@5": sum(1 for r in ranks if r and r <= 5) / n,
        "r@10": sum(1 for r in ranks if r and r <= 10) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/bench-data/mlqa-dev-vi-en"))
    parser.add_argument("--model-dir", type=Path, default=Path("data/models"))
    parser.add_argument("--same", type=float, default=None, help="override same-language weight")
    parser.add_argument("--cross", type=float, default=None, help="override cross-language weight")
    args = parser.parse_args()
    items = load_items(args.data)
    embedder = load_embedder("bundled", args.model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        ids = write_corpus(items, corpus)
        weights = FusionWeights()
        if args.same is not None or args.cross is not None:
            weights = FusionWeights(
                same_language=weights.same_language if args.same is None else args.same,
                cross_language=weights.cross_language if args.cross is None else args.cross,
            )
        kb = KnowledgeBase.open(
            KnowledgeBaseConfig(data_dir=Path(tmp) / "data", per_document=1, fusion=weights),
            embedder,
        )
        started = time.perf_counter()
        report = kb.ingest([str(corpus)])
        print(
            f"corpus: {len(ids)} vi contexts, {report.chunks} chunks, "
            f"ingested in {time.perf_counter() - started:.1f}s; {len(items)} questions per language"
        )
        print(
            f"fusion weights: same-language {weights.same_language}, "
            f"cross-language {weights.cross_language}"
        )
        print(f"{'questions':<10} {'mode':<8} {'r@1':>6} {'r@5':>6} {'r@10':>6} {'mrr':>6}")
        for lang in ("vi", "en"):
            questions = [(item[f"question_{lang}"], ids[item["context_vi"]]) for item in items]
            for mode in ("dense", "keyword", "hybrid"):
                m = evaluate(kb, questions, mode)
                print(
                    f"{lang}->vi{'':<4} {mode:<8} {m['r@1']:6.3f} {m['r@5']:6.3f} "
                    f"{m['r@10']:6.3f} {m['mrr']:6.3f}"
                )
        kb.close()


if __name__ == "__main__":
    main()
