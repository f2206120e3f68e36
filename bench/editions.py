"""Official editions: linking, sentence alignment and answers in the reader's language.

Two corpora, each ingested without any ``translation_of``:

- MLQA's parallel contexts (every vi context and its en translation a document; the set
  ``LINK_MIN`` was chosen on): how many pairs are linked, wrongly linked or missed, and
  how often an English question whose answer cites the Vietnamese context carries the
  English edition's sentence (an official translation from the right document).
- The 2013 Constitution as two documents, Vietnamese and English (held out: nothing was
  fitted on it): whether they are linked, how many articles align with their
  counterpart, how many with another article, and the questions of
  ``bench/questions/constitution.jsonl`` (English ones must quote the English text of the
  article asked about, with the Vietnamese original; Vietnamese ones the Vietnamese).

    PYTHONPATH=.:bench python bench/editions.py [--calibrate]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import time
from collections import Counter
from pathlib import Path

import mlqa
import numpy as np

from bot.answering.models import AskRequest, AskResponse
from bot.answering.pipeline import Answerer
from retrieval.alignment import align, distinctness
from retrieval.edition_linker import MIN_COVERAGE, MIN_DISTINCTNESS
from retrieval.embedder import load_embedder
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.sentences import split_sentences

WORK = mlqa.REPO / "data" / "bench" / "editions"
CONSTITUTION = mlqa.REPO.parent / "shared" / "bench-data" / "constitution-2013-vi-en"
QUESTIONS = Path(__file__).parent / "questions" / "constitution.jsonl"
HEADINGS = {"vi": "Điều", "en": "Article"}
TITLES = {
    "vi": "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013",
    "en": "Constitution of the Socialist Republic of Viet Nam, 2013",
}

# The alignment's constants were tuned on the first half; the second is held out.
SPLITS = {
    "articles 1-60 (tuned on)": lambda article: article <= 60,
    "articles 61-120 (held out)": lambda article: article > 60,
}
Spans = list[tuple[int, int, int]]  # (article, start, end) in a document's text


def mlqa_editions(embedder: Embedder) -> None:
    """Print MLQA's link counts and how English answers carry the English edition."""
    items, documents = mlqa.load(english=True)
    shutil.rmtree(WORK / "mlqa", ignore_errors=True)
    started = time.perf_counter()
    knowledge_base = mlqa.open_corpus(documents, WORK / "mlqa", embedder)
    print(
        f"MLQA: {len(documents)} documents ingested and linked "
        f"in {time.perf_counter() - started:.0f}s"
    )
    editions = knowledge_base.editions()
    pairs = [d for d in documents if d.startswith("en/")]
    right = sum(editions.root(d) == d.replace("en/", "vi/") for d in pairs)
    wrong = sum(editions.root(d) not in (d, d.replace("en/", "vi/")) for d in pairs)
    print(f"  en contexts linked to their vi context {right}/{len(pairs)}, to another {wrong}")
    answerer = Answerer(knowledge_base)
    cited = official = 0
    for item in items:
        response = answerer.ask(AskRequest(question=item.questions["en"], language="en"))
        for citation in response.citations:
            if citation.doc_id != item.doc_ids[0]:
                continue
            cited += 1
            translation = citation.translation
            official += bool(
                translation
                and translation.kind == "official"
                and translation.doc_id == item.doc_ids[1]
            )
            break
    print(
        f"  en questions whose answer cites the vi context: {cited}/{len(items)}; "
        f"with the English edition's sentence: {official} ({official / max(cited, 1):.1%})"
    )
    knowledge_base.close()


def calibration(embedder: Embedder, titles: int = 120) -> None:
    """Print what MIN_COVERAGE and MIN_DISTINCTNESS keep of MLQA's pairs and hard negatives.

    Pairs: a context's English with its Vietnamese. Negatives: a context's English with
    another Vietnamese paragraph of the same article (same subject, not its translation).
    """
    by_title: dict[str, list[tuple[str, str]]] = {}
    for line in next(mlqa.DATA.glob("*.jsonl")).read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        group = by_title.setdefault(raw["title_vi"], [])
        if all(vi != raw["context_vi"] for vi, _ in group):
            group.append((raw["context_vi"], raw["context_en"]))
    cache: dict[str, np.ndarray] = {}

    def vectors(text: str) -> np.ndarray:
        if text not in cache:
            sentences = [s.text for s in split_sentences("x", text)]
            cache[text] = embedder.embed_passages(sentences) if sentences else np.zeros((0, 1))
        return cache[text]

    def measured(english: str, vietnamese: str) -> tuple[float, float] | None:
        source, target = vectors(english), vectors(vietnamese)
        if not len(source) or not len(target):
            return None
        beads = align(source, target)
        side = 0 if len(source) <= len(target) else 1
        paired = sum(
            b.source[1] - b.source[0] if side == 0 else b.target[1] - b.target[0] for b in beads
        )
        return paired / min(len(source), len(target)), distinctness(beads, source, target)

    pairs, negatives = [], []
    for group in list(by_title.values())[:titles]:
        for k, (vietnamese, english) in enumerate(group):
            pairs.append(measured(english, vietnamese))
            if len(group) > 1:
                negatives.append(measured(english, group[(k + 1) % len(group)][0]))

    def kept(found: list[tuple[float, float] | None]) -> float:
        ok = [f for f in found if f is not None]
        return float(np.mean([c >= MIN_COVERAGE and d >= MIN_DISTINCTNESS for c, d in ok]))

    print(
        f"calibration over {titles} MLQA articles: parallel pairs kept {kept(pairs):.1%} "
        f"({len(pairs)}), same-article negatives kept {kept(negatives):.1%} ({len(negatives)})"
    )


def constitution_document(language: str) -> str:
    """Return the Constitution in one language as one text, an article after a heading."""
    rows = [
        json.loads(line) for line in (CONSTITUTION / "constitution2013_articles_vi_en.jsonl").open()
    ]
    text = f"{TITLES[language]}\n\n"
    for row in rows:
        if row[language]:
            text += f"{HEADINGS[language]} {row['article']}.\n{row[language].strip()}\n\n"
    return text


def _vi_article_covers() -> dict[int, set[int]]:
    """Return the articles each Vietnamese article's text holds: itself and the empty ones after.

    The data set's Vietnamese article 114 holds the text of 115 and 116 too (their rows
    are empty), so its sentences rightly pair with the English articles 115 and 116.
    """
    rows = [
        json.loads(line) for line in (CONSTITUTION / "constitution2013_articles_vi_en.jsonl").open()
    ]
    covers: dict[int, set[int]] = {}
    holder = None
    for row in rows:
        if row["vi"]:
            holder = row["article"]
            covers[holder] = {holder}
        elif holder is not None:
            covers[holder].add(row["article"])
    return covers


def _article(spans: Spans, position: int) -> int | None:
    return next((a for a, start, end in spans if start <= position < end), None)


def constitution(embedder: Embedder) -> None:
    """Print the Constitution's link, article alignment and answers."""
    folder = WORK / "constitution"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "corpus").mkdir(parents=True)
    for language in ("vi", "en"):
        text = constitution_document(language)
        (folder / "corpus" / f"constitution-{language}.txt").write_text(
            f"---\ntitle: {TITLES[language]}\nlanguage: {language}\n---\n{text}", encoding="utf-8"
        )
    config = KnowledgeBaseConfig(data_dir=folder / "data", corpus_dir=folder / "corpus")
    knowledge_base = KnowledgeBase.open(config, embedder)
    started = time.perf_counter()
    report = knowledge_base.ingest([str(folder / "corpus")])
    print(f"Constitution: {report.summary()} (with linking, {time.perf_counter() - started:.0f}s)")
    texts = {lang: knowledge_base.document_text(f"constitution-{lang}") or "" for lang in HEADINGS}
    spans = {lang: _articles(texts[lang], HEADINGS[lang]) for lang in HEADINGS}
    edition = knowledge_base.editions().edition("constitution-en")
    print(f"  en edition linked to: {edition.original_id if edition else None}")
    votes: dict[int, Counter[int]] = {}
    for en_start, en_end, vi_start, vi_end in edition.pairs if edition else ():
        article = _article(spans["vi"], (vi_start + vi_end) // 2)
        counterpart = _article(spans["en"], (en_start + en_end) // 2)
        if article is not None and counterpart is not None:
            votes.setdefault(article, Counter())[counterpart] += 1
    covers = _vi_article_covers()
    for label, chosen in SPLITS.items():
        both = [
            a for a, _, _ in spans["vi"] if chosen(a) and any(a == b for b, _, _ in spans["en"])
        ]
        right = sum(1 for a in both if a in votes and votes[a].most_common(1)[0][0] in covers[a])
        false = [a for a in both if a in votes and votes[a].most_common(1)[0][0] not in covers[a]]
        crossing = sum(
            n for a, c in votes.items() if chosen(a) for b, n in c.items() if b not in covers[a]
        )
        total = sum(sum(c.values()) for a, c in votes.items() if chosen(a))
        print(
            f"  {label}: {len(both)} articles in both editions, aligned with their counterpart "
            f"{right} ({right / len(both):.1%}), with another article {len(false)} {false}; "
            f"{total} sentence pairs, {crossing} across an article boundary"
        )
    answerer = Answerer(knowledge_base)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    for language in ("en", "vi"):
        asked = [r for r in rows if r["language"] == language]
        good = 0
        for row in asked:
            response = answerer.ask(AskRequest(question=row["question"], language=language))
            ok = _quotes_article(response, row["article"], language, texts, spans)
            good += ok
            if not ok:
                first = response.citations[0] if response.citations else None
                shown = (
                    first.translation.text
                    if first and first.translation
                    else first.quote
                    if first
                    else "-"
                )
                print(
                    f"    missed art. {row['article']}: {row['question']} -> "
                    f"{' '.join(shown.split())[:100]}"
                )
        what = "English text + Vietnamese original" if language == "en" else "Vietnamese text"
        print(f"  {language} questions answered with the article's {what}: {good}/{len(asked)}")
    knowledge_base.close()


def _quotes_article(
    response: AskResponse,
    article: int,
    language: str,
    texts: dict[str, str],
    spans: dict[str, Spans],
) -> bool:
    """Return True when the first citation quotes the article in the reader's language."""
    if not response.answered or not response.citations:
        return False
    first = response.citations[0]
    in_vi = first.doc_id == "constitution-vi" and _holds(
        texts["vi"], spans["vi"], article, first.quote
    )
    if language == "vi":
        return in_vi and first.translation is None
    translation = first.translation
    return bool(
        in_vi
        and translation is not None
        and translation.kind == "official"
        and translation.doc_id == "constitution-en"
        and _holds(texts["en"], spans["en"], article, translation.text)
    )


def _holds(text: str, spans: Spans, article: int, quote: str) -> bool:
    position = text.find(quote)
    return position >= 0 and _article(spans, position) == article


def _articles(text: str, heading: str) -> Spans:
    """Return each article's span in an indexed text, from its heading to the next."""
    starts = [(int(m.group(1)), m.end()) for m in re.finditer(rf"^{heading} (\d+)\.$", text, re.M)]
    ends = [start for _, start in starts[1:]] + [len(text)]
    return [(article, start, end) for (article, start), end in zip(starts, ends, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=mlqa.REPO / "data" / "models")
    parser.add_argument("--skip-mlqa", action="store_true")
    parser.add_argument("--calibrate", action="store_true", help="only the threshold figures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    embedder = load_embedder("bundled", args.model_dir)
    if args.calibrate:
        calibration(embedder)
        return
    constitution(embedder)
    if not args.skip_mlqa:
        mlqa_editions(embedder)


if __name__ == "__main__":
    main()
