"""Short answers on the MLQA test split: the fact asked for, in the reader's language.

    python bench/short_answers_mlqa.py [--language en] [--split test|train]
        [--min-similarity X]

For answerable questions whose gold answer is a number, a date or a name, prints per
type how often ``short_answer`` is given, how often it holds the gold answer (numbers
and dates compared by value, since they are rewritten in the reader's locale; names
without diacritics), and how often it is given and wrong. ``MIN_SIMILARITY_*`` are
calibrated on the train split (``--split train --min-similarity X``); the test split is
never fitted on.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mlqa

from bot.answering.abstention import AbstentionPolicy
from bot.answering.evidence import EvidenceFinder
from bot.answering.fact_spans import amounts, locale_for
from bot.answering.short_answer import short_answer
from bot.answering.terms import folded_words
from bot.answering.vectors import SentenceVectors
from retrieval.embedder import load_embedder

WORK = mlqa.REPO / "data" / "bench"
_DATE_WORDS = re.compile(r"\b(?:ngày|tháng|năm)\b|\d{1,2}/\d{1,2}")
_DIGITS = re.compile(r"\d+")
_COLUMNS = ("questions", "given", "right", "wrong")


def gold_type(answer: str) -> str | None:
    """Return "date", "number" or "name" for a gold answer of that kind, else None."""
    if _DATE_WORDS.search(answer) and _DIGITS.search(answer):
        return "date"
    if _DIGITS.search(answer) and len(answer.split()) <= 3:
        return "number"
    words = answer.split()
    if 1 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not _DIGITS.search(answer):
        return "name"
    return None


def values(text: str) -> list[int]:
    """Return the numbers of ``text`` by value, thousands separators of any locale removed."""
    joined = re.sub(r"(?<=\d)[.,\u202f\u00a0 ](?=\d{3}\b)", "", text)
    return [int(n) for n in _DIGITS.findall(joined)]


def holds(kind: str, gold: str, short: str) -> bool:
    """Return True if ``short`` holds the gold answer (see the module docstring)."""
    if kind == "name":
        return f" {folded_words(gold)} " in f" {folded_words(short)} "
    if kind == "number":
        # "4,2 triệu" is 4,200,000: the Vietnamese gold is read as the answerer reads it.
        readings = [gold, *(span.text for span in amounts(gold, "", locale_for("en")))]
        return any(_holds_values(values(reading), short) for reading in readings)
    wanted = values(gold)
    if kind == "date":
        # "tháng 6 năm 2023" -> June 2023: the day, month and year values must all appear.
        return (
            bool(wanted)
            and all(v in values(short) or v <= 12 for v in wanted)
            and (max(wanted) in values(short))
        )
    return _holds_values(wanted, short)


def _holds_values(wanted: list[int], short: str) -> bool:
    return bool(wanted) and all(v in values(short) for v in wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=mlqa.DATA)
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    parser.add_argument("--language", default="en", choices=("en", "vi"))
    parser.add_argument("--split", default="test", choices=("test", "train"))
    parser.add_argument("--min-similarity", type=float, help="instead of the calibrated one")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = load_embedder("bundled", args.model_dir)
    items, documents = mlqa.load(args.data)
    knowledge_base = mlqa.open_corpus(documents, WORK / "mlqa-vi", embedder)
    policy = AbstentionPolicy()
    finder = EvidenceFinder(
        knowledge_base,
        SentenceVectors(embedder, capacity=500_000),
        yardstick=policy.model.yardstick,
    )
    mlqa.warm(finder, knowledge_base, WORK / "mlqa-vi" / "vectors.pkl")
    counts: Counter[tuple[str, str]] = Counter()
    for item in (i for i in items if i.test == (args.split == "test")):
        kind = gold_type(item.answers[0])
        if kind is None:
            continue
        question = item.questions[args.language]
        evidence = finder.find(question, language=args.language)
        counts[(kind, "questions")] += 1
        if not policy.decide(evidence).answer:
            continue
        quotes = [p.text for p in evidence.passages]
        short = short_answer(
            question,
            quotes,
            args.language,
            similarity=evidence.passages[0].similarity,
            cross_lingual=args.language != "vi",
            min_similarity=args.min_similarity,
        )
        if short is None:
            continue
        counts[(kind, "given")] += 1
        right = any(holds(kind, gold, short.text) for gold in item.answers)
        counts[(kind, "right" if right else "wrong")] += 1
    print(
        f"MLQA {args.split} split, {args.language} questions over the vi contexts "
        f"(default policy, min similarity {args.min_similarity or 'calibrated'})"
    )
    print(f"{'gold type':<10}{'questions':>10}{'given':>8}{'holds gold':>12}{'given, wrong':>14}")
    for kind in ("number", "date", "name"):
        n = counts[(kind, "questions")] or 1
        print(
            f"{kind:<10}{counts[(kind, 'questions')]:>10}{counts[(kind, 'given')] / n:>8.1%}"
            f"{counts[(kind, 'right')] / n:>12.1%}{counts[(kind, 'wrong')] / n:>14.1%}"
        )
    total = {key: sum(v for (_, k), v in counts.items() if k == key) for key in _COLUMNS}
    n = total["questions"] or 1
    print(
        f"{'all':<10}{total['questions']:>10}{total['given'] / n:>8.1%}"
        f"{total['right'] / n:>12.1%}{total['wrong'] / n:>14.1%}"
    )
    knowledge_base.close()


if __name__ == "__main__":
    main()
