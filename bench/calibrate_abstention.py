"""Print how answering and abstention trade off as the evidence margin threshold moves.

For every question of an evaluation file, the evidence is gathered once; then each
threshold of ``AbstentionPolicy.min_margin`` is applied to it. The columns:

- answered well: answerable questions answered with a gold document cited and an
  expected mention in the quotes;
- wrong answers: unanswerable questions answered anyway;
- refused: answerable questions refused.

Usage (after ``vnpos ingest corpus/`` into the same VNPOS_DATA_DIR):

    python bench/calibrate_abstention.py [--questions ../shared/eval/seed_questions.jsonl]
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.answering.abstention import DEFAULT_MIN_MARGIN, AbstentionPolicy
from bot.answering.evaluation import EvalItem, load_items
from bot.answering.evidence import Evidence, EvidenceFinder
from bot.answering.vectors import SentenceVectors
from bot.runtime import open_knowledge_base
from bot.settings import Settings
from retrieval.language import detect_language

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Observed:
    item: EvalItem
    evidence: Evidence
    good_quotes: bool


def observe(finder: EvidenceFinder, item: EvalItem) -> Observed:
    evidence = finder.find(item.question, language=detect_language(item.question))
    stems = {p.meta.doc_id.rsplit("/", 1)[-1] for p in evidence.passages}
    quotes = " ".join(p.text for p in evidence.passages).casefold()
    good = bool(stems & set(item.gold_docs)) and any(
        m.casefold() in quotes for m in item.must_mention_any
    )
    return Observed(item, evidence, good)


def counts(observed: list[Observed], threshold: float) -> tuple[int, int, int]:
    policy = AbstentionPolicy(min_margin=threshold)
    well = wrong = refused = 0
    for o in observed:
        answered = policy.decide(o.evidence).answer
        if o.item.answerable:
            well += answered and o.good_quotes
            refused += not answered
        else:
            wrong += answered
    return well, wrong, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--questions", type=Path, default=REPO.parent / "shared/eval/seed_questions.jsonl"
    )
    parser.add_argument("--low", type=float, default=0.020)
    parser.add_argument("--high", type=float, default=0.050)
    parser.add_argument("--step", type=float, default=0.001)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    items = load_items(args.questions)
    knowledge_base = open_knowledge_base(Settings())
    try:
        finder = EvidenceFinder(knowledge_base, SentenceVectors(knowledge_base.embedder))
        observed = [observe(finder, item) for item in items]
    finally:
        knowledge_base.close()
    answerable = sum(o.item.answerable for o in observed)
    unanswerable = len(observed) - answerable

    print("margin of each question's best quote (missing key terms refuse regardless):")
    for o in sorted(observed, key=lambda o: o.evidence.margin):
        missing = ",".join(sorted(o.evidence.missing_terms)) or "-"
        kind = "answerable" if o.item.answerable else "UNANSWERABLE"
        print(f"  {o.evidence.margin:7.4f}  {o.item.id:<5} {kind:<12} missing: {missing}")

    print(f"\n{'threshold':>9}  {'answered well':>13}  {'wrong answers':>13}  {'refused':>7}")
    thresholds = np.arange(args.low, args.high + args.step / 2, args.step)
    for threshold in sorted({*thresholds.round(4).tolist(), DEFAULT_MIN_MARGIN}):
        well, wrong, refused = counts(observed, threshold)
        marker = "  <- default" if threshold == DEFAULT_MIN_MARGIN else ""
        print(
            f"{threshold:9.4f}  {f'{well}/{answerable}':>13}  {f'{wrong}/{unanswerable}':>13}"
            f"  {f'{refused}/{answerable}':>7}{marker}"
        )


if __name__ == "__main__":
    main()
