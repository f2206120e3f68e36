"""The fitted abstention model: evidence signals in, the probability that they answer out.

A logistic model over features derived from ``Signals``; its weights, the feature
scaling, the decision threshold and the fixed background vector come from
``abstention_model.json``, written by ``bench/calibrate_abstention.py`` (``make
calibrate``) from public QA data. Plain numpy: no learning library at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.answering.signals import Signals
from bot.answering.yardstick import Yardstick

MODEL_FILE = "abstention_model.json"

FEATURES = (
    "best",
    "stand_out",  # best minus the question's cosine with text in general of its language
    "over_runner_up",
    "over_pool",
    "over_title",
    "hit_stand_out",
    "hit_keyword",
    "lexical",
    "bigrams",
    "entities",
    "type_found",
    "type_missing",
    "terms_missing",
    "same_language",
    "stand_out_same_language",
)


def features(signals: Signals) -> np.ndarray:
    """Return the model's inputs for one question's signals, in ``FEATURES`` order."""
    stand_out = signals.best - signals.background
    return np.asarray(
        [
            signals.best,
            stand_out,
            signals.best - signals.runner_up,
            signals.best - signals.pool,
            signals.best - signals.title,
            signals.hit_dense - signals.background,
            signals.hit_keyword,
            signals.lexical,
            signals.bigrams,
            signals.entities,
            signals.expects_type * signals.type_found,
            signals.expects_type * (1.0 - signals.type_found),
            min(signals.terms_missing, 1.0),
            signals.same_language,
            stand_out * signals.same_language,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class AbstentionModel:
    """Logistic weights over standardised features, and the threshold to answer."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    floor: (
        float  # below this even margin mode refuses: hardly any answerable question scores so low
    )
    yardstick: Yardstick  # the fixed "text in general" passage vectors
    off_topic_stand_out: float  # below this, a refusal is "off_topic"
    embedding_model: str

    def confidence(self, signals: Signals) -> float:
        """Return the probability (0-1) that the evidence answers the question."""
        z = (features(signals) - self.mean) / self.scale
        logit = float(z @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))

    def to_json(self) -> str:
        """Return the model as the JSON that ``load`` reads."""
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": self.weights.round(6).tolist(),
                "bias": round(self.bias, 6),
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
                "threshold": round(self.threshold, 4),
                "floor": round(self.floor, 4),
                "off_topic_stand_out": round(self.off_topic_stand_out, 4),
                "embedding_model": self.embedding_model,
                "background": self.yardstick.generic.round(6).tolist(),
                "backgrounds": {
                    code: vector.round(6).tolist()
                    for code, vector in sorted(self.yardstick.by_language.items())
                },
            },
            indent=1,
        )

    @staticmethod
    def from_json(text: str) -> AbstentionModel:
        """Read a model written by ``to_json``."""
        data = json.loads(text)
        if data["features"] != list(FEATURES):
            raise ValueError("the abstention model was fitted on other features; refit it")
        return AbstentionModel(
            weights=np.asarray(data["weights"]),
            bias=float(data["bias"]),
            mean=np.asarray(data["mean"]),
            scale=np.asarray(data["scale"]),
            threshold=float(data["threshold"]),
            floor=float(data["floor"]),
            yardstick=Yardstick(
                np.asarray(data["background"], dtype=np.float32),
                {
                    code: np.asarray(vector, dtype=np.float32)
                    for code, vector in data.get("backgrounds", {}).items()
                },
            ),
            off_topic_stand_out=float(data["off_topic_stand_out"]),
            embedding_model=str(data["embedding_model"]),
        )


@lru_cache(maxsize=1)
def shipped_model() -> AbstentionModel:
    """Return the model shipped with the package."""
    text = resources.files("bot.answering").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return AbstentionModel.from_json(text)
