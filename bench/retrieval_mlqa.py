"""Retrieval quality on MLQA dev (vi contexts as documents; en and vi questions).

Prints recall@1/5/10 and MRR for dense, keyword and fused search, and with --grid the
same for other fusion weights (the candidates of each question are gathered once).
With --editions the English contexts are indexed too, as editions of the Vietnamese
ones, and the English questions are scored per split (a paragraph found in either
language counts), with English keyword matching counted and not.
    python bench/retrieval_mlqa.py --data ../shared/bench-data/mlqa-dev-vi-en [--grid]
        [--editions]
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mlqa

from retrieval.embedder import load_embedder
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.search import Candidates, FusionWeights, SearchMode, fuse


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


def metrics(
    found: list[tuple[Candidates, str]],
    weights: FusionWeights,
    mode: SearchMode,
    family: Callable[[str], str] = str,
) -> dict[str, float]:
    ranks = []
    for candidates, gold in found:
        hits = fuse(candidates, k=10, per_document=1, weights=weights, mode=mode, family=family)
        doc_ids = [family(hit.chunk.doc_id) for hit in hits]
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
    parser.add_argument("--grid", action="store_true", help="also try other fusion weights")
    parser.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    parser.add_argument("--editions", action="store_true", help="index the en contexts too")
    args = parser.parse_args()
    embedder = load_embedder("bundled", args.model_dir, backend=args.backend)
    if args.editions:
        editions(args.data, embedder)
        return
    items = load_items(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        ids = write_corpus(items, corpus)
        kb = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=Path(tmp) / "data"), embedder)
        started = time.perf_counter()
        report = kb.ingest([str(corpus)])
        print(
            f"corpus: {len(ids)} vi contexts, {report.chunks} chunks, ingested in "
            f"{time.perf_counter() - started:.1f}s; {len(items)} questions per language"
        )
        found = {
            lang: [
                (kb.candidates(item[f"question_{lang}"], k=10), ids[item["context_vi"]])
                for item in items
            ]
            for lang in ("vi", "en")
        }
        kb.close()
    weights = FusionWeights()
    print(f"fusion: {weights}")
    print(f"{'questions':<10} {'mode':<8} {'r@1':>6} {'r@5':>6} {'r@10':>6} {'mrr':>6}")
    for lang in ("vi", "en"):
        for mode in ("dense", "keyword", "hybrid"):
            m = metrics(found[lang], weights, mode)
            print(
                f"{lang}->vi{'':<4} {mode:<8} {m['r@1']:6.3f} {m['r@5']:6.3f} "
                f"{m['r@10']:6.3f} {m['mrr']:6.3f}"
            )
    if args.grid:
        print("hybrid grid: same cross window -> vi r@1 r@5 mrr | en r@1 r@5 mrr")
        for same, cross, window in itertools.product(
            (0.03, 0.06, 0.12), (0.0, 0.02), (0.02, 0.05, 0.1, 1.0)
        ):
            grid_weights = FusionWeights(same_language=same, cross_language=cross, window=window)
            row = [metrics(found[lang], grid_weights, "hybrid") for lang in ("vi", "en")]
            print(
                f"  {same:.2f} {cross:.2f} {window:.2f} -> "
                + " | ".join(f"{m['r@1']:.3f} {m['r@5']:.3f} {m['mrr']:.3f}" for m in row)
            )


def editions(data: Path, embedder: Embedder) -> None:
    """Print how English questions find their paragraph among both languages' contexts."""
    items, documents = mlqa.load(data, english=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        for doc_id, text in documents.items():
            (corpus / doc_id).parent.mkdir(parents=True, exist_ok=True)
            (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        kb = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=Path(tmp) / "data"), embedder)
        report = kb.ingest([str(corpus)])
        print(f"corpus: {len(documents)} vi and en contexts, {report.chunks} chunks")
        found = [
            (item.test, kb.candidates(item.questions["en"], k=10, language="en"), item.doc_ids[0])
            for item in items
        ]
        kb.close()

    def family(doc_id: str) -> str:
        return doc_id.replace("en/", "vi/")

    settings: dict[str, tuple[FusionWeights, SearchMode]] = {
        "dense": (FusionWeights(), "dense"),
        "keyword": (FusionWeights(), "keyword"),
        "hybrid, vi keywords only": (FusionWeights(keyword_languages=frozenset({"vi"})), "hybrid"),
        "hybrid (default)": (FusionWeights(), "hybrid"),
    }
    print(f"{'en questions':<14} {'search':<26} {'r@1':>6} {'r@5':>6} {'r@10':>6} {'mrr':>6}")
    for split in ("train", "test"):
        asked = [(c, gold) for test, c, gold in found if test == (split == "test")]
        for label, (weights, mode) in settings.items():
            m = metrics(asked, weights, mode, family)
            print(
                f"{split + f' ({len(asked)})':<14} {label:<26} {m['r@1']:6.3f} {m['r@5']:6.3f} "
                f"{m['r@10']:6.3f} {m['mrr']:6.3f}"
            )


if __name__ == "__main__":
    main()
