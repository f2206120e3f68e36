"""The sentencepiece tokenizer gives tokenizer.json's ids on real and awkward text."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from retrieval.embedding_model import MAX_SEQ_LENGTH, MODEL_DIRNAME
from retrieval.onnx_embedder import ONNX_FILE
from retrieval.piece_tokenizer import PieceTokenizer, write_piece_tokenizer
from tests.conftest import CORPUS, MODEL_CACHE, SHARED

FOLDER = MODEL_CACHE / MODEL_DIRNAME

AWKWARD = [
    "",
    " ",
    "   ",
    "\t\n",
    "  leading and trailing  ",
    "many     spaces\tand\ttabs\nand\r\nlines",
    "Vie\u0323\u0302t Nam (decomposed) and Việt Nam",
    "ＦＵＬＬ－ＷＩＤＴＨ　ｔｅｘｔ　１２３",
    "emoji 🇻🇳👍🏽 and ZWJ 👨‍👩‍👧",
    "越南外交部发言人表示，越南对黄沙和长沙两个群岛拥有主权。",
    "ベトナム外務省の報道官は述べた。韓国語: 베트남 외교부 대변인",
    "Вьетнам и Индонезия подписали соглашение о сотрудничестве.",
    "فيتنام تؤكد سيادتها على جزر هوانغ سا",
    "वियतनाम के विदेश मंत्रालय ने कहा",
    "เวียดนามยืนยันอธิปไตย",
    "private use \ue000\ue001 and ancient 𓀀𓀁 and CJK ext-B 𠀀𠀁",
    "control \x00\x07\x1b characters and soft\u00adhyphen, zero\u200bwidth",
    "Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị",
    "x" * 3000,
    "Thông tấn xã Việt Nam đăng tải thông tin đối ngoại. " * 200,
]


def _reference() -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(FOLDER / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_SEQ_LENGTH)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>"), pad_token="<pad>")
    return tokenizer


def _real_texts() -> list[str]:
    texts = [
        line
        for path in sorted(CORPUS.rglob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines = (SHARED / "eval" / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [json.loads(line)["question"] for line in lines]
    mlqa = SHARED / "bench-data" / "mlqa-dev-vi-en" / "mlqa_dev_vi_en_parallel_511.jsonl"
    for line in mlqa.read_text(encoding="utf-8").splitlines()[:150]:
        texts += [value for value in json.loads(line).values() if isinstance(value, str)]
    news = SHARED / "bench-data" / "news-vi-baomoi-2017" / "baomoi_2017_shard0.jsonl.gz"
    with gzip.open(news, "rt", encoding="utf-8") as lines_in:
        for _, line in zip(range(200), lines_in, strict=False):
            texts += [value for value in json.loads(line).values() if isinstance(value, str)]
    return texts


@pytest.mark.parametrize("kind", ["awkward", "real"])
def test_the_same_ids_as_tokenizer_json(kind: str) -> None:
    texts = AWKWARD if kind == "awkward" else _real_texts()
    if kind == "real":
        random.Random(0).shuffle(texts)
        assert len(texts) > 2000
    ours = PieceTokenizer(FOLDER / ONNX_FILE.parent, MAX_SEQ_LENGTH)
    reference = _reference()
    for start in range(0, len(texts), 64):
        batch = texts[start : start + 64]
        encodings = reference.encode_batch(batch)
        ids, mask = ours.padded(ours.encode(batch))
        assert ids.tolist() == [e.ids for e in encodings], batch
        assert mask.tolist() == [e.attention_mask for e in encodings]


def test_files_written_from_a_tokenizer_json_load(tmp_path: Path) -> None:
    write_piece_tokenizer(FOLDER / "tokenizer.json", tmp_path)
    tokenizer = PieceTokenizer(tmp_path, 8)
    ids, mask = tokenizer.padded(tokenizer.encode(["Việt Nam", "a b c d e f g h i j k"]))
    assert ids.shape == mask.shape == (2, 8)
    assert int(mask[0].sum()) < 8 and np.all(mask[1] == 1)
