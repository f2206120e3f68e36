"""Fit the abstention model on public QA data, print its trade-off, write its parameters.

    python bench/calibrate_abstention.py            # or: make calibrate
    python bench/calibrate_abstention.py --dry-run  # print, do not write the model
    python bench/calibrate_abstention.py --check    # or: make calibrate-check; exit 1
                                                    # unless the refit is the shipped model

Training data (the train side of bench/mlqa.py's split, by article):
- MLQA vi and en questions over the Vietnamese contexts, and again with the English
  editions beside them, with their context present (should answer) and with it left
  out while the article's other paragraphs stay (should refuse);
- the train half of the ALQAC questions over eight Vietnamese laws (bench/laws.py): a
  corpus of a few long documents, unlike MLQA's paragraphs, with the law that answers
  present (should answer) and left out (should refuse);
- the train half of bench/questions/off_topic.jsonl (should refuse), in nine languages,
  over each of these corpora, weighed up (--off-topic-weight) since they stand for a
  whole kind of question.
The test side of each is never fitted on: the script reports on it separately.

The floor (applied in margin mode too) is the confidence below which only
--floor-refusals of the train side's answerable questions fall. The threshold (of
calibrated mode) is the confidence at which the train side refuses at most --max-refusals
of its answerable questions (counting those refused because a year or code of the
question is in no quote). The background vectors ("text in general", see
bot/answering/yardstick.py) are the mean passage vectors of a fixed sample of
Vietnamese news and of MLQA's English contexts, so no decision depends on what else a
corpus holds. Writes bot/answering/abstention_model.json.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import laws
import mlqa
from ingest_news import read_articles
from off_topic import off_topic_questions

from bot.answering.abstention_model import FEATURES, MODEL_FILE, AbstentionModel, features
from bot.answering.evidence import Evidence, EvidenceFinder
from bot.answering.sentences import split_sentences
from bot.answering.signals import Signals
from bot.answering.terms import decisive
from bot.answering.vectors import SentenceVectors
from bot.answering.yardstick import Yardstick
from retrieval.embedder import load_embedder
from retrieval.language import detect_language
from retrieval.types import NO_FILTERS, SearchFilters

REPO = mlqa.REPO
NEWS = REPO.parent / "shared" / "bench-data" / "news-vi-baomoi-2017"
WORK = REPO / "data" / "bench"
# The first articles of the news corpus are the Vietnamese "text in general".
GENERAL_ARTICLES = 300


def text_in_general(vectors: SentenceVectors, items_documents: dict[str, str]) -> Yardstick:
    """Return the mean passage vectors of a fixed sample of Vietnamese and of English text."""
    vietnamese: list[str] = []
    for article in read_articles(NEWS, GENERAL_ARTICLES):
        vietnamese += [s.text for s in split_sentences("news", article["body"])][:5]
    english: list[str] = []
    for text in [t for d, t in sorted(items_documents.items()) if d.startswith("en/")][:300]:
        english += [s.text for s in split_sentences("en", text)][:3]
    by_language = {"vi": vectors.passages(vietnamese), "en": vectors.passages(english)}
    return Yardstick(
        np.vstack(list(by_language.values())).mean(axis=0),
        {code: matrix.mean(axis=0) for code, matrix in by_language.items()},
    )


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Return weights and bias of an L2-regularised, weighted logistic regression (Newton)."""
    weight = np.ones(len(x)) if weight is None else weight
    design = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        gradient = design.T @ (weight * (p - y)) + penalty @ theta
        hessian = design.T @ (design * (weight * p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def vetoed(evidence: Evidence) -> bool:
    """Return True when a decisive key term is missing (the policy refuses outright)."""
    return any(decisive(term) for term in evidence.missing_terms)


def refuses(model: AbstentionModel, row: dict[str, object], threshold: float) -> bool:
    """Return True when the policy refuses the question of ``row``."""
    return bool(row["vetoed"]) or model.confidence(row["signals"]) < threshold  # type: ignore[arg-type]


def collect(args: argparse.Namespace) -> tuple[list[dict[str, object]], Yardstick, str]:
    """Return one row per question asked (signals, label, split, kind) and the background.

    Each MLQA question is asked over two corpora: the Vietnamese contexts alone, and with
    their English editions beside them, so that the model learns what same-language
    matches look like in English too and no decision depends on the corpus's languages.
    The laws add a corpus of another shape: a few long documents of many topics.
    """
    embedder = load_embedder("bundled", args.model_dir)
    vectors = SentenceVectors(embedder, capacity=500_000)
    rows: list[dict[str, object]] = []
    yardstick: Yardstick | None = None
    for english in (False, True):
        items, documents = mlqa.load(args.data, english=english)
        name = "mlqa-vi-en" if english else "mlqa-vi"
        knowledge_base = mlqa.open_corpus(documents, WORK / name, embedder)
        if yardstick is None:
            yardstick = text_in_general(vectors, mlqa.load(args.data, english=True)[1])
        finder = EvidenceFinder(knowledge_base, vectors, yardstick=yardstick)
        mlqa.warm(finder, knowledge_base, WORK / name / "vectors.pkl")
        suffix = "+en" if english else ""
        for o in mlqa.observe(finder, items):
            if o.evidence.signals is not None:
                rows.append(
                    {
                        "signals": o.evidence.signals,
                        "label": o.answerable,
                        "test": o.item.test,
                        "kind": f"mlqa-{o.language}{suffix}",
                        "found": o.answer_found,
                        "vetoed": vetoed(o.evidence),
                    }
                )
        rows += off_topic_rows(finder, f"off-topic{suffix}")
        knowledge_base.close()
    assert yardstick is not None
    knowledge_base, _, questions = laws.open_laws(embedder, args.laws_data)
    finder = EvidenceFinder(knowledge_base, vectors, yardstick=yardstick)
    mlqa.warm(finder, knowledge_base, laws.WORK / "vectors.pkl")
    for question in questions:
        text, test = str(question["text"]), laws.is_test(question)
        gold = frozenset(doc_id for doc_id, _ in laws.gold_articles(question))
        for label, filters in ((True, NO_FILTERS), (False, SearchFilters(exclude_doc_ids=gold))):
            evidence = finder.find(text, language="vi", filters=filters)
            rows += _row(evidence, label=label, test=test, kind="laws-vi")
    rows += off_topic_rows(finder, "off-topic-laws")
    knowledge_base.close()
    return rows, yardstick, str(args.model_dir)


def off_topic_rows(finder: EvidenceFinder, kind: str) -> list[dict[str, object]]:
    """Return the rows of the off-topic questions over the finder's corpus."""
    rows = []
    for language, question, test in off_topic_questions():
        evidence = finder.find(question, language=language or detect_language(question))
        rows += _row(evidence, label=False, test=test, kind=kind)
    return rows


def _row(evidence: Evidence, *, label: bool, test: bool, kind: str) -> list[dict[str, object]]:
    if evidence.signals is None:
        return []
    return [
        {
            "signals": evidence.signals,
            "label": label,
            "test": test,
            "kind": kind,
            "vetoed": vetoed(evidence),
        }
    ]


def report(model: AbstentionModel, rows: list[dict[str, object]], title: str) -> None:
    """Print the trade-off: declined unanswerable against refused answerable, per kind."""
    print(f"\n{title}")
    kinds = sorted({str(r["kind"]) for r in rows})
    print(f"  {'threshold':>9}  " + "  ".join(f"{k:>24}" for k in kinds))
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, model.threshold):
        cells = []
        for kind in kinds:
            chosen = [r for r in rows if r["kind"] == kind]
            refusal = np.array([refuses(model, r, threshold) for r in chosen])
            label = np.array([bool(r["label"]) for r in chosen])
            declined = refusal[~label].mean() if (~label).any() else float("nan")
            refused = refusal[label].mean() if label.any() else float("nan")
            cells.append(f"declined {declined:4.0%} refused {refused:4.0%}")
        mark = "  <- chosen" if threshold == model.threshold else ""
        print(f"  {threshold:9.3f}  " + "  ".join(f"{c:>24}" for c in cells) + mark)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=mlqa.DATA)
    parser.add_argument("--laws-data", type=Path, default=laws.DATA)
    parser.add_argument("--model-dir", type=Path, default=REPO / "data" / "models")
    parser.add_argument("--max-refusals", type=float, default=0.08)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--off-topic-weight", type=float, default=5.0)
    parser.add_argument(
        "--floor-refusals",
        type=float,
        default=0.02,
        help="share of answerable questions below the floor that margin mode also applies",
    )
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    parser.add_argument("--cache", type=Path, help="keep the collected signals here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    if args.cache and args.cache.exists():
        rows, yardstick, _ = pickle.loads(args.cache.read_bytes())
    else:
        rows, yardstick, _ = collect(args)
        if args.cache:
            args.cache.write_bytes(pickle.dumps((rows, yardstick, "")))
    train = [r for r in rows if not r["test"]]
    test = [r for r in rows if r["test"]]
    x = np.array([features(r["signals"]) for r in train])
    y = np.array([float(bool(r["label"])) for r in train])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    # The few off-topic questions stand for a whole kind of question: weigh them up.
    weight = np.array(
        [args.off_topic_weight if "off-topic" in str(r["kind"]) else 1.0 for r in train]
    )
    weights, bias = fit_logistic((x - mean) / scale, y, l2=args.l2, weight=weight)
    model = AbstentionModel(weights, bias, mean, scale, 0.5, 0.0, yardstick, 0.0, "bundled")
    # The threshold refuses --max-refusals of the answerable questions, the veto included.
    positives = [r for r in train if r["label"]]
    vetoed_share = np.mean([bool(r["vetoed"]) for r in positives])
    kept = [model.confidence(r["signals"]) for r in positives if not r["vetoed"]]
    share = max(0.0, (args.max_refusals - vetoed_share) / (1 - vetoed_share))
    threshold = float(np.quantile(kept, share))
    floor = float(np.quantile(kept, args.floor_refusals))
    off_topic = [r["signals"] for r in train if "off-topic" in str(r["kind"])]
    off_topic_line = float(np.quantile([s.best - s.background for s in off_topic], 0.9))
    model = AbstentionModel(
        weights, bias, mean, scale, threshold, floor, yardstick, off_topic_line, "bundled"
    )
    print("weights (standardised features):")
    for name, weight in zip(FEATURES, weights, strict=True):
        print(f"  {name:24s} {weight:+.3f}")
    print(f"  signals: {', '.join(Signals.names())}")
    report(model, train, f"TRAIN ({len(train)} questions; threshold from here)")
    report(model, test, f"TEST ({len(test)} questions; never fitted on)")
    target = REPO / "bot" / "answering" / MODEL_FILE
    if args.check:
        check(model.to_json() + "\n", target)
    elif not args.dry_run:
        target.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"\nwrote {target.relative_to(REPO)}")


def check(refitted: str, shipped: Path) -> None:
    """Exit 1 unless ``refitted`` is the shipped model file, printing where they differ."""
    differences = list(
        difflib.unified_diff(
            shipped.read_text(encoding="utf-8").splitlines(),
            refitted.splitlines(),
            "shipped",
            "refitted",
            lineterm="",
            n=0,
        )
    )
    if not differences:
        print(f"\nthe refit reproduces {shipped.relative_to(REPO)} exactly")
        return
    print(f"\nthe refit differs from {shipped.relative_to(REPO)}:", *differences[:40], sep="\n")
    sys.exit(1)


if __name__ == "__main__":
    main()
