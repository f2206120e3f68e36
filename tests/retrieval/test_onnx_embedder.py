"""The bundled model under onnxruntime gives torch's vectors; torch stays the fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import SentenceTransformerEmbedder, load_embedder
from retrieval.embedding_model import MODEL_DIRNAME
from retrieval.onnx_embedder import ONNX_FILE, OnnxEmbedder
from tests.conftest import CORPUS, MODEL_CACHE, SHARED


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    embedder = load_embedder("bundled", MODEL_CACHE, backend="torch")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_the_default_backend_is_onnx_with_torchs_vectors_in_nine_languages(
    torch_embedder: SentenceTransformerEmbedder,
) -> None:
    onnx = load_embedder("bundled", MODEL_CACHE)
    assert isinstance(onnx, OnnxEmbedder)
    lines = (SHARED / "eval" / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines]
    passages = [
        paragraph
        for path in sorted((CORPUS / "seeds").glob("*.txt"))
        for paragraph in path.read_text(encoding="utf-8").split("\n\n")[:12]
        if paragraph.strip()
    ]
    for ours, theirs in (
        (onnx.embed_queries(questions), torch_embedder.embed_queries(questions)),
        (onnx.embed_passages(passages), torch_embedder.embed_passages(passages)),
    ):
        assert float(np.min(np.sum(ours * theirs, axis=1))) >= 0.999


def test_a_damaged_export_is_made_again(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    shutil.copytree(MODEL_CACHE / MODEL_DIRNAME, cache / MODEL_DIRNAME)
    (cache / MODEL_DIRNAME / ONNX_FILE).parent.mkdir(exist_ok=True)
    (cache / MODEL_DIRNAME / ONNX_FILE).write_bytes(b"not a model")
    embedder = load_embedder("bundled", cache)
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder.embed_queries(["kiểm tra"]).shape == (1, 384)


def test_an_earlier_fp32_export_is_replaced_by_one_a_third_its_size(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    shutil.copytree(MODEL_CACHE / MODEL_DIRNAME, cache / MODEL_DIRNAME)
    folder = cache / MODEL_DIRNAME
    (folder / ONNX_FILE).unlink()
    earlier = folder / "onnx" / "model.onnx"
    earlier.write_bytes(b"an fp32 export of 470 MB")
    embedder = load_embedder("bundled", cache)
    assert isinstance(embedder, OnnxEmbedder)
    assert not earlier.exists()
    assert (folder / ONNX_FILE).stat().st_size < 250_000_000
