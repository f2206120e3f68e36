"""Off-topic questions over news of the project's own domain, a corpus nothing was fitted on.

    PYTHONPATH=.:bench python bench/off_topic_news.py [--articles 200]

The corpus: Vietnamese news articles of 2017 that mention the Ministry of Foreign
Affairs ("Bộ Ngoại giao"), what a press office's assistant would hold, taken after the
articles that the abstention model's "text in general" is made of. The questions:
bench/questions/off_topic.jsonl in nine languages, the test half (never fitted on) and
all of them (the train half was fitted on over other corpora, never this one). Prints
how many each mode declines, per language. As a check that declining is not refusing
everything, each of the first 50 articles' headlines is asked as a question: answered,
and citing its article.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from itertools import islice
from pathlib import Path

import mlqa
from calibrate_abstention import GENERAL_ARTICLES, NEWS
from ingest_news import iter_articles
from off_topic import off_topic_questions

from bot.answering.abstention import AbstentionPolicy
from bot.answering.models import AskRequest
from bot.answering.pipeline import Answerer
from bot.answering.vectors import SentenceVectors
from retrieval.embedder import load_embedder
from retrieval.language import detect_language

WORK = mlqa.REPO / "data" / "bench" / "news-foreign"
HEADLINES = 50


def foreign_affairs_articles(data: Path, count: int) -> list[dict[str, str]]:
    """Return ``count`` articles that mention the Ministry of Foreign Affairs."""
    after = islice(iter_articles(data), GENERAL_ARTICLES, None)
    return list(islice((a for a in after if "Bộ Ngoại giao" in a["body"]), count))


def document(article: dict[str, str]) -> str:
    """Return the article as a document with its title and language declared."""
    title = " ".join(article["title"].split()).replace('"', "'")
    body = f"{article.get('sapo') or ''}\n\n{article['body']}"
    return f'---\ntitle: "{title}"\nlanguage: vi\nurl: {article["url"]}\n---\n{body}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=NEWS)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = load_embedder("bundled", args.model_dir)
    articles = foreign_affairs_articles(args.data, args.articles)
    documents = {f"news-{a['id']}": document(a) for a in articles}
    work = WORK / str(len(articles))
    knowledge_base = mlqa.open_corpus(documents, work, embedder)
    vectors = SentenceVectors(embedder, capacity=500_000)
    modes = {
        "default": Answerer(knowledge_base, vectors=vectors),
        "calibrated": Answerer(
            knowledge_base, vectors=vectors, policy=AbstentionPolicy(mode="calibrated")
        ),
    }
    mlqa.warm(modes["default"].finder, knowledge_base, work / "vectors.pkl")
    questions = off_topic_questions()
    print(f"{len(articles)} foreign-affairs news articles; {len(questions)} off-topic questions")
    for name, answerer in modes.items():
        declined: Counter[tuple[str, bool]] = Counter()
        asked: Counter[tuple[str, bool]] = Counter()
        for language, question, test in questions:
            language = language or detect_language(question)
            response = answerer.ask(AskRequest(question=question))
            asked[(language, test)] += 1
            declined[(language, test)] += not response.answered
        test_half = sum(v for (_, t), v in declined.items() if t)
        print(
            f"{name}: declined {test_half}/{sum(v for (_, t), v in asked.items() if t)} "
            f"of the test half, {sum(declined.values())}/{sum(asked.values())} of all; "
            "per language (all): "
            + ", ".join(
                f"{code} {declined[(code, True)] + declined[(code, False)]}"
                f"/{asked[(code, True)] + asked[(code, False)]}"
                for code in sorted({code for code, _ in asked})
            )
        )
        answered = cited = 0
        for article in articles[:HEADLINES]:
            response = answerer.ask(AskRequest(question=" ".join(article["title"].split())))
            answered += response.answered
            cited += any(c.doc_id == f"news-{article['id']}" for c in response.citations)
        print(f"{name}: {HEADLINES} headlines asked: answered {answered}, cite it {cited}")
    knowledge_base.close()


if __name__ == "__main__":
    main()
