"""The embedder interface the knowledge base depends on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages are encoded differently."""

    dimension: int
    passages_embedded: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per query, shape (len(texts), dimension)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per passage, shape (len(texts), dimension)."""
        ...
