"""Answers on a corpus nothing was fitted on: Vietnamese laws and the ALQAC 2023 questions.

    PYTHONPATH=.:bench python bench/laws.py

The eight laws the questions ask about are ingested as eight documents, each its
articles under "Điều N." headings, as an office would upload them. For the 100
questions (true/false, multiple choice and open, all answerable from one article):

- answered: not refused, in the default (margin) and the calibrated mode;
- law cited, article cited: a quote comes from the gold law, and from the gold article;
- first quote in the article: the first quote alone does;
- p50 ms per answer, every quotable text embedded ahead (a server that has run a while).

The abstention model is fitted on the train half of these questions too (see
bench/calibrate_abstention.py), so the table is printed for the test half (never fitted
on) and for all. Then the test half of bench/questions/off_topic.jsonl over the same
corpus: how many each mode declines. Nothing here has a gold answer text, so it measures
retrieval and abstention, not whether the quote holds the answer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import statistics
import time
from pathlib import Path
from typing import Any

import mlqa
from off_topic import off_topic_questions

from bot.answering.abstention import AbstentionPolicy
from bot.answering.models import AskRequest, AskResponse, Citation
from bot.answering.pipeline import Answerer
from bot.answering.scoring import ScoringConfig
from bot.answering.vectors import SentenceVectors
from bot.answering.warming import embed_ahead
from retrieval.embedder import load_embedder
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig

DATA = mlqa.REPO.parent / "shared" / "bench-data" / "laws-vi-alqac2023"
WORK = mlqa.REPO / "data" / "bench" / "laws"
HEADING = re.compile(r"^Điều (\d+)\.", re.M)


def law_documents(data: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Return the text of each law the questions cite (by law name) and the questions."""
    articles = json.loads((data / "training__all_articles_2023.json").read_text("utf-8"))
    questions = json.loads((data / "raw__train.json").read_text("utf-8"))
    wanted = {a["law_id"] for q in questions for a in q["relevant_articles"]}
    laws: dict[str, list[str]] = {}
    for key, text in articles.items():
        law, _, number = key.rpartition("@")
        if law in wanted:
            laws.setdefault(law, []).append(f"Điều {number}. {text.strip()}")
    return {law: f"{law}\n\n" + "\n\n".join(parts) + "\n" for law, parts in laws.items()}, (
        questions
    )


def slug(law: str) -> str:
    """Return the document id of a law."""
    return re.sub(r"\W+", "-", law.casefold()).strip("-")


def is_test(question: dict[str, Any]) -> bool:
    """Return True for the half of the questions that no fit may see."""
    return hashlib.sha256(str(question["text"]).encode()).digest()[0] < 128


def gold_articles(question: dict[str, Any]) -> set[tuple[str, str]]:
    """Return (document id, article number) of the articles that answer ``question``."""
    return {(slug(a["law_id"]), a["article_id"]) for a in question["relevant_articles"]}


def open_laws(
    embedder: Embedder, data: Path = DATA
) -> tuple[KnowledgeBase, dict[str, str], list[dict[str, Any]]]:
    """Return the laws' knowledge base (ingested once), their texts by id and the questions."""
    laws, questions = law_documents(data)
    folder = WORK / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for law, text in laws.items():
        (folder / f"{slug(law)}.txt").write_text(
            f"---\ntitle: {law}\nlanguage: vi\n---\n{text}", encoding="utf-8"
        )
    config = KnowledgeBaseConfig(data_dir=WORK / "data", corpus_dir=folder)
    knowledge_base = KnowledgeBase.open(config, embedder)
    started = time.perf_counter()
    report = knowledge_base.ingest([str(folder)])
    if report.failed:
        raise SystemExit(f"could not ingest the laws: {report.failed[:3]}")
    print(f"{len(laws)} laws: {report.summary()} ({time.perf_counter() - started:.0f}s)")
    texts = {slug(law): knowledge_base.document_text(slug(law)) or "" for law in laws}
    return knowledge_base, texts, questions


def _article(text: str, position: int) -> str | None:
    number = None
    for match in HEADING.finditer(text):
        if match.start() > position:
            break
        number = match.group(1)
    return number


def _in_article(citation: Citation, gold: set[tuple[str, str]], texts: dict[str, str]) -> bool:
    text = texts.get(citation.doc_id, "")
    position = text.find(citation.quote)
    return position >= 0 and (citation.doc_id, _article(text, position) or "") in gold


def _observe(
    answerer: Answerer, question: dict[str, Any], texts: dict[str, str]
) -> tuple[bool, bool, bool, bool, float]:
    """Return answered, law cited, article cited, first quote in it, and the time (ms)."""
    gold = gold_articles(question)
    began = time.perf_counter()
    response: AskResponse = answerer.ask(AskRequest(question=str(question["text"])))
    took = (time.perf_counter() - began) * 1000
    cited = response.citations
    return (
        response.answered,
        any(c.doc_id in {law for law, _ in gold} for c in cited),
        any(_in_article(c, gold, texts) for c in cited),
        bool(cited) and _in_article(cited[0], gold, texts),
        took,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = load_embedder("bundled", args.model_dir)
    knowledge_base, texts, questions = open_laws(embedder, args.data)
    # A server that has run a while has embedded every quotable text; so does this, ahead.
    vectors = SentenceVectors(embedder)
    started = time.perf_counter()
    embedded = embed_ahead(knowledge_base, vectors, ScoringConfig(), budget_s=3600)
    print(f"{embedded} quotable texts embedded ahead ({time.perf_counter() - started:.0f}s)")
    modes = {
        "default": Answerer(knowledge_base, vectors=vectors),
        "calibrated": Answerer(
            knowledge_base, vectors=vectors, policy=AbstentionPolicy(mode="calibrated")
        ),
    }
    print(f"{len(questions)} ALQAC questions (answerable, Vietnamese)")
    print(
        f"{'mode':<12}{'questions':<11}{'answered':>10}{'law cited':>11}{'article cited':>15}"
        f"{'first quote':>13}{'p50 ms':>8}"
    )
    for name, answerer in modes.items():
        rows = [(is_test(q), *_observe(answerer, q, texts)) for q in questions]
        for split, chosen in (("test half", [r for r in rows if r[0]]), ("all", rows)):
            share = [sum(r[i] for r in chosen) / len(chosen) for i in range(1, 5)]
            p50 = statistics.median(r[5] for r in chosen)
            print(
                f"{name:<12}{split:<11}{share[0]:>10.1%}{share[1]:>11.1%}{share[2]:>15.1%}"
                f"{share[3]:>13.1%}{p50:>8.0f}"
            )
    off_topic = [(language, q) for language, q, test in off_topic_questions() if test]
    for name, answerer in modes.items():
        declined = sum(
            not answerer.ask(AskRequest(question=question)).answered for _, question in off_topic
        )
        print(f"off-topic (test half, {len(off_topic)} questions), {name}: declined {declined}")
    knowledge_base.close()


if __name__ == "__main__":
    main()
