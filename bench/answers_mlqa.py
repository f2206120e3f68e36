"""Answers on the MLQA test split (never fitted on): quotes that hold the answer, refusals.

    python bench/answers_mlqa.py [--english]

Per question language (vi, en) over the Vietnamese contexts, with --english also with
the parallel English contexts beside them as documents (a mixed-language corpus):

- answer found: the gold answer text is in the quotes (answerable questions); first
  quote: in the first, the one the answer shows (the others are read in its citations);
- gold cited: a quote comes from the question's own context;
- declined: unanswerable questions (context left out, the article's other paragraphs
  kept) that the default (margin) policy refuses; refused: answerable ones it refuses;
  the same for calibrated mode (VNPOS_ABSTENTION=calibrated);
- median quote characters, quotes per answer;
- baselines in the same run: the answer in the top three fused chunks, and in the top
  three dense-only chunks.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mlqa

from bot.answering.abstention import AbstentionPolicy
from bot.answering.evidence import EvidenceFinder
from bot.answering.vectors import SentenceVectors
from retrieval.embedder import load_embedder
from retrieval.knowledge_base import KnowledgeBase

WORK = mlqa.REPO / "data" / "bench"


def _in(answers: tuple[str, ...], text: str) -> bool:
    text = text.casefold()
    return any(a.casefold() in text for a in answers)


def _first_holds(observation: mlqa.Observation) -> bool:
    passages = observation.evidence.passages
    return bool(passages) and _in(observation.item.answers, passages[0].text)


def baseline(knowledge_base: KnowledgeBase, item: mlqa.Item, language: str, mode: str) -> bool:
    hits = knowledge_base.search(item.questions[language], k=3, language=language, mode=mode)  # type: ignore[arg-type]
    return _in(item.answers, " ".join(hit.chunk.text for hit in hits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=mlqa.DATA)
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    parser.add_argument("--english", action="store_true", help="English editions beside")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = load_embedder("bundled", args.model_dir)
    items, documents = mlqa.load(args.data, english=args.english)
    name = "mlqa-vi-en" if args.english else "mlqa-vi"
    knowledge_base = mlqa.open_corpus(documents, WORK / name, embedder)
    policy = AbstentionPolicy()
    calibrated = AbstentionPolicy(mode="calibrated")
    finder = EvidenceFinder(
        knowledge_base,
        SentenceVectors(embedder, capacity=500_000),
        yardstick=policy.model.yardstick,
    )
    mlqa.warm(finder, knowledge_base, WORK / name / "vectors.pkl")
    test = [item for item in items if item.test]
    corpus = "vi + en editions" if args.english else "vi contexts"
    print(f"MLQA test split: {len(test)} questions per language, corpus of {corpus}")
    header = (
        f"{'lang':<5}{'answer found':>13}{'first quote':>12}{'gold cited':>12}"
        f"{'declined':>10}{'refused':>9}{'cal. declined':>15}{'cal. refused':>14}"
        f"{'quotes':>8}{'median chars':>14}{'top-3 fused':>13}{'top-3 dense':>13}"
    )
    print(header)
    for language in ("vi", "en"):
        observed = list(mlqa.observe(finder, test, (language,)))
        answerable = [o for o in observed if o.answerable]
        unanswerable = [o for o in observed if not o.answerable]
        row = [
            np.mean([o.answer_found for o in answerable]),
            np.mean([_first_holds(o) for o in answerable]),
            np.mean([o.gold_cited for o in answerable]),
        ]
        for chosen in (policy, calibrated):
            row.append(np.mean([not chosen.decide(o.evidence).answer for o in unanswerable]))
            row.append(np.mean([not chosen.decide(o.evidence).answer for o in answerable]))
        quotes = np.mean([len(o.evidence.passages) for o in answerable])
        chars = np.median([len(o.quotes) for o in answerable])
        fused = np.mean([baseline(knowledge_base, i, language, "hybrid") for i in test])
        dense = np.mean([baseline(knowledge_base, i, language, "dense") for i in test])
        print(
            f"{language:<5}{row[0]:>13.1%}{row[1]:>12.1%}{row[2]:>12.1%}{row[3]:>10.1%}"
            f"{row[4]:>9.1%}{row[5]:>15.1%}{row[6]:>14.1%}"
            f"{quotes:>8.2f}{chars:>14.0f}{fused:>13.1%}{dense:>13.1%}"
        )
    knowledge_base.close()


if __name__ == "__main__":
    main()
