"""How often the quotes hold the gold answer, for a grid of sentence-ranking weights.

    python bench/scoring_weights.py [--split train|test] [--type 0.03] [--lexical 0.05]
        [--prior 0.5] [--same-language 0.02] [--english]

Each option takes a comma-separated list; every combination is tried on the answerable
MLQA questions (vi and en, over the Vietnamese contexts; with --english, over both
languages' contexts) of the split: the share whose gold answer is in the quotes, in the
first quote, and the median characters quoted.
Choose on the train split; the test split is for reporting (bench/answers_mlqa.py).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mlqa

from bot.answering.abstention_model import shipped_model
from bot.answering.evidence import EvidenceConfig, EvidenceFinder
from bot.answering.scoring import ScoringConfig
from bot.answering.vectors import SentenceVectors
from retrieval.embedder import load_embedder

WORK = mlqa.REPO / "data" / "bench"


def _floats(text: str) -> list[float]:
    return [float(value) for value in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=mlqa.DATA)
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    parser.add_argument("--split", default="train", choices=("train", "test"))
    defaults = ScoringConfig()
    for name in ("type", "lexical", "prior", "same_language"):
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=_floats,
            default=[getattr(defaults, f"{name}_weight")],
        )
    parser.add_argument("--english", action="store_true", help="the en contexts beside")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = load_embedder("bundled", args.model_dir)
    items, documents = mlqa.load(args.data, english=args.english)
    work = WORK / ("mlqa-vi-en" if args.english else "mlqa-vi")
    knowledge_base = mlqa.open_corpus(documents, work, embedder)
    vectors = SentenceVectors(embedder, capacity=500_000)
    yardstick = shipped_model().yardstick
    mlqa.warm(
        EvidenceFinder(knowledge_base, vectors, yardstick=yardstick),
        knowledge_base,
        work / "vectors.pkl",
    )
    chosen = [item for item in items if item.test == (args.split == "test")]
    print(f"MLQA {args.split} split: {len(chosen)} answerable questions per language")
    print(
        f"{'type':>6}{'lexical':>9}{'prior':>7}{'same':>6}   per language: quotes / first / chars"
    )
    for weights in itertools.product(args.type, args.lexical, args.prior, args.same_language):
        kind, lexical, prior, same = weights
        scoring = ScoringConfig(
            type_weight=kind, lexical_weight=lexical, prior_weight=prior, same_language_weight=same
        )
        finder = EvidenceFinder(
            knowledge_base, vectors, EvidenceConfig(scoring=scoring), yardstick=yardstick
        )
        cells = []
        for language in ("vi", "en"):
            found, first, chars = [], [], []
            for item in chosen:
                quotes = [
                    p.text.casefold()
                    for p in finder.find(item.questions[language], language=language).passages
                ]
                answers = [a.casefold() for a in item.answers]
                found.append(any(a in " ".join(quotes) for a in answers))
                first.append(bool(quotes) and any(a in quotes[0] for a in answers))
                chars.append(sum(map(len, quotes)))
            cells.append(
                f"{language} {np.mean(found):.1%} / {np.mean(first):.1%} / {np.median(chars):.0f}"
            )
        print(
            "".join(f"{w:>{n}g}" for w, n in zip(weights, (6, 9, 7, 6), strict=True)),
            "  ",
            "   ".join(cells),
            flush=True,
        )
    knowledge_base.close()


if __name__ == "__main__":
    main()
