"""MLQA as answerable and unanswerable questions, for calibration and the answer bench.

Every distinct Vietnamese context is a document (its title, a blank line, the
paragraph); with ``english=True`` the parallel English contexts join as documents too
(a corpus of mixed languages). A question is asked twice: with its context there
(answerable) and with its context, and its English edition, left out of the search
while every other paragraph of the same article stays (unanswerable: the hardest
negatives, same topic, no answer). The split is by article title, so no article lends
paragraphs to both sides; the test side is never fitted on.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.answering.evidence import Evidence, EvidenceFinder
from bot.answering.scoring import quotable_texts
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.types import SearchFilters

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "bench-data" / "mlqa-dev-vi-en"
TEST_SHARE = 0.4


@dataclass(frozen=True)
class Item:
    """One MLQA question in its two languages, with the documents of its context."""

    id: str
    title: str
    questions: dict[str, str]  # language -> question
    answers: tuple[str, ...]  # the gold answer texts, Vietnamese and English
    doc_ids: tuple[str, ...]  # its context's documents (the vi one first)
    test: bool


def _is_test(title: str) -> bool:
    digest = hashlib.sha256(title.encode()).digest()
    return digest[0] / 256 < TEST_SHARE


def load(data: Path = DATA, *, english: bool = False) -> tuple[list[Item], dict[str, str]]:
    """Return the items and the documents (doc id -> text) of the corpus."""
    path = next(data.glob("*.jsonl"))
    documents: dict[str, str] = {}
    ids: dict[str, str] = {}
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        context = raw["context_vi"]
        if context not in ids:
            ids[context] = f"vi/ctx{len(ids):04d}"
            documents[ids[context]] = f"{raw['title_vi']}\n\n{context}\n"
            if english:
                documents[ids[context].replace("vi/", "en/")] = (
                    f"{raw['title_en']}\n\n{raw['context_en']}\n"
                )
        doc_ids = (ids[context], *((ids[context].replace("vi/", "en/"),) if english else ()))
        answers = tuple(a["text"] for a in raw["answers_vi"] + raw["answers_en"])
        items.append(
            Item(
                raw["id"],
                raw["title_vi"],
                {"vi": raw["question_vi"].strip(), "en": raw["question_en"].strip()},
                answers,
                doc_ids,
                _is_test(raw["title_vi"]),
            )
        )
    return items, documents


def open_corpus(documents: dict[str, str], data_dir: Path, embedder: Embedder) -> KnowledgeBase:
    """Open a knowledge base holding ``documents`` (ingested once, kept in ``data_dir``)."""
    folder = data_dir / "corpus"
    for doc_id, text in documents.items():
        path = folder / f"{doc_id}.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    config = KnowledgeBaseConfig(data_dir=data_dir / "data", corpus_dir=folder)
    knowledge_base = KnowledgeBase.open(config, embedder)
    report = knowledge_base.ingest([str(folder)], replace=True)
    if report.failed:
        raise SystemExit(f"could not ingest the MLQA corpus: {report.failed[:3]}")
    return knowledge_base


def warm(finder: EvidenceFinder, knowledge_base: KnowledgeBase, cache: Path) -> None:
    """Embed every quotable text of the corpus once (kept in ``cache`` for later runs)."""
    if cache.exists():
        finder.vectors.remember(pickle.loads(cache.read_bytes()))
        return
    texts = []
    for stored in knowledge_base.documents():
        doc_id = stored.meta.doc_id
        texts += quotable_texts(doc_id, knowledge_base.document_text(doc_id) or "")
    texts = list(dict.fromkeys(texts))
    for start in range(0, len(texts), 256):
        finder.vectors.passages(texts[start : start + 256])
    cache.write_bytes(pickle.dumps(finder.vectors.known()))


@dataclass(frozen=True)
class Observation:
    """The evidence for one question in one language, with or without its context."""

    item: Item
    language: str
    answerable: bool
    evidence: Evidence

    @property
    def quotes(self) -> str:
        return " ".join(p.text for p in self.evidence.passages)

    @property
    def answer_found(self) -> bool:
        quotes = self.quotes.casefold()
        return any(a.casefold() in quotes for a in self.item.answers)

    @property
    def gold_cited(self) -> bool:
        return any(p.meta.doc_id in self.item.doc_ids for p in self.evidence.passages)


def observe(
    finder: EvidenceFinder, items: list[Item], languages: tuple[str, ...] = ("vi", "en")
) -> Iterator[Observation]:
    """Yield every item's evidence per language, answerable then unanswerable."""
    for item in items:
        for language in languages:
            question = item.questions[language]
            yield Observation(item, language, True, finder.find(question, language=language))
            hidden = SearchFilters(exclude_doc_ids=frozenset(item.doc_ids))
            evidence = finder.find(question, language=language, filters=hidden)
            yield Observation(item, language, False, evidence)


def cached(path: Path, build: object) -> object:
    """Return the pickled result at ``path``, building (and pickling) it when missing."""
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = build()  # type: ignore[operator]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(value))
    return value
