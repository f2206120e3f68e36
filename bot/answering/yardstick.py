"""How close a question is to text in general, per language of that text.

E5's cosines are not comparable across languages: an English question scores higher
against any English sentence than against a Vietnamese one that says the same. A fixed
"text in general" vector per language (the mean passage vector of a sample of it)
gives each question its own offset per language; a sentence's cosine minus the offset
of its language says how far it stands above ordinary text of that language, which is
comparable across languages and does not depend on what else a corpus holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Offsets:
    """One question's cosine with text in general, per language (``generic`` for others)."""

    generic: float = 0.0
    by_language: Mapping[str, float] = field(default_factory=dict)

    def __call__(self, language: str) -> float:
        """Return the offset for sentences written in ``language``."""
        return self.by_language.get(language, self.generic)


@dataclass(frozen=True)
class Yardstick:
    """The fixed vectors of text in general: one per language sampled, one over all."""

    generic: np.ndarray
    by_language: Mapping[str, np.ndarray] = field(default_factory=dict)

    def offsets(self, query: np.ndarray) -> Offsets:
        """Return the question's offsets (``query`` is its normalised query vector)."""
        return Offsets(
            float(query @ self.generic),
            {code: float(query @ vector) for code, vector in self.by_language.items()},
        )
