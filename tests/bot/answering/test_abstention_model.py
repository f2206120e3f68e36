"""The shipped abstention model: readable, bounded, and monotone in the evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answering.abstention_model import FEATURES, AbstentionModel, shipped_model
from bot.answering.signals import Signals

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
