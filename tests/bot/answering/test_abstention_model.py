"""The shipped abstention model: readable, bounded, and monotone in the evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answering.abstention_model import FEATURES, AbstentionModel, shipped_model
from bot.answering.evidence import Passage
from bot.answering.scoring import Candidate
from bot.answering.signals import Signals, measure
from bot.answering.yardstick import Offsets
from retrieval.sentences import Sentence
from retrieval.types import Chunk, DocumentMeta, SearchHit

STRONG = Signals(
    best=0.90, score=1.45, background=0.74, runner_up=0.84, hit_dense=0.89, hit_keyword=1.0,
    lexical=0.7, bigrams=0.6, entities=1.0, pool=0.83, title=0.80, expects_type=1.0,
    type_found=1.0, terms=1.0, terms_missing=0.0, same_language=1.0,
)  # fmt: skip


def test_the_shipped_model_reads_back_and_gives_probabilities() -> None:
    model = shipped_model()
    assert model.embedding_model == "bundled" and len(model.weights) == len(FEATURES)
    assert model.yardstick.generic.shape == (384,)
    assert {code: v.shape for code, v in model.yardstick.by_language.items()} == {
        "en": (384,),
        "vi": (384,),
    }
    assert 0 < model.floor <= model.threshold < 1
    again = AbstentionModel.from_json(model.to_json())
    assert again.confidence(STRONG) == pytest.approx(model.confidence(STRONG), abs=1e-4)
    assert 0.0 <= model.confidence(STRONG) <= 1.0


def test_a_quote_closer_to_the_question_earns_more_confidence() -> None:
    model = shipped_model()
    weaker = replace(STRONG, best=0.82, lexical=0.1, bigrams=0.0)
    assert model.confidence(STRONG) > model.confidence(weaker)


def test_a_model_fitted_on_other_features_is_refused() -> None:
    text = shipped_model().to_json().replace('"best"', '"something_else"', 1)
    with pytest.raises(ValueError, match="refit"):
        AbstentionModel.from_json(text)


def _evidence_of(layout: list[tuple[str, int, float]]) -> Signals:
    """Return the signals of candidate sentences laid out as (doc_id, position, cosine)."""
    metas = {doc_id: DocumentMeta(doc_id, doc_id, f"Title {doc_id}") for doc_id, _, _ in layout}
    ranked = [
        Candidate(
            Sentence(doc_id, start, start + 80, f"Sentence {n} of a document, on its topic."),
            metas[doc_id],
            inside=True,
            plain=cosine,
            similarity=cosine,
            score=cosine,
        )
        for n, (doc_id, start, cosine) in enumerate(layout)
    ]
    top = ranked[0]
    chunk = Chunk("c", top.meta.doc_id, 0, top.sentence.text, 0, 80, top.meta)
    passage = Passage(top.meta, top.sentence.start, top.sentence.end, top.sentence.text, 0.9, 0.9)
    return measure(
        "Which topic is this?",
        language="vi",
        hits=[SearchHit(chunk, 0.9, 0.9, 1.0)],
        ranked=ranked,
        passages=[passage],
        terms=(0, 0),
        offsets=Offsets(),
        title=0.8,
    )


def test_a_corpus_of_one_long_document_does_not_make_the_best_sentence_look_alone() -> None:
    # The same three sentences as three documents, or as three articles of one law.
    apart = _evidence_of([("a", 0, 0.90), ("b", 0, 0.86), ("c", 0, 0.80)])
    one_law = _evidence_of([("law", 0, 0.90), ("law", 40_000, 0.86), ("law", 90_000, 0.80)])
    assert one_law.runner_up == apart.runner_up == 0.86
    model = shipped_model()
    assert model.confidence(one_law) == pytest.approx(model.confidence(apart))
    # The next sentence of the same passage is the same place, not a rival.
    next_sentence = _evidence_of([("law", 0, 0.90), ("law", 90, 0.89), ("law", 90_000, 0.80)])
    assert next_sentence.runner_up == 0.80
