"""The bundled model's tokenizer run by sentencepiece: the same ids as ``tokenizer.json``, in 50 MB.

The Hugging Face tokenizer builds a trie of the 250k-piece vocabulary that holds about
280 MB for the life of the server; sentencepiece's double array holds the same vocabulary
in a fraction of that. The text goes through ``tokenizer.json``'s own normalizer first,
then its Metaspace step (spaces become "▁", one "▁" in front), then sentencepiece's
unigram search over the same pieces and scores, with no normalisation of its own.
``tests/retrieval/test_piece_tokenizer.py`` checks the ids against ``tokenizer.json``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

PIECES_FILE = "pieces.model"
NORMALIZER_FILE = "normalizer.json"
_SPACE = "▁"


def write_piece_tokenizer(tokenizer_json: Path, folder: Path) -> None:
    """Write the sentencepiece model and the normalizer of ``tokenizer_json`` into ``folder``."""
    # Generated protobuf code, which mypy cannot see into.
    pb: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")

    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    model = spec["model"]
    if model["type"] != "Unigram" or model.get("byte_fallback"):
        raise ValueError("only a Unigram tokenizer without byte fallback can be converted")
    special = {token["content"]: token["id"] for token in spec["added_tokens"]}
    proto = pb.ModelProto()
    kinds = pb.ModelProto.SentencePiece
    for index, (text, score) in enumerate(model["vocab"]):
        piece = proto.pieces.add(piece=text, score=score, type=kinds.NORMAL)
        if index == model["unk_id"]:
            piece.type = kinds.UNKNOWN
        elif index in special.values():
            piece.type = kinds.CONTROL
    trainer = proto.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(model["vocab"])
    trainer.unk_id = model["unk_id"]
    trainer.bos_id, trainer.eos_id = special["<s>"], special["</s>"]
    trainer.pad_id = special["<pad>"]
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    (folder / PIECES_FILE).write_bytes(proto.SerializeToString())
    # A one-word model keeps the file loadable by tokenizers without the 250k pieces.
    stub = {**spec, "model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"}}
    stub.update(added_tokens=[], pre_tokenizer=None, post_processor=None, decoder=None)
    (folder / NORMALIZER_FILE).write_text(json.dumps(stub, ensure_ascii=False), encoding="utf-8")


class PieceTokenizer:
    """Turns texts into ids, ``<s> … </s>``, and batches of ids into padded arrays."""

    def __init__(self, folder: Path, max_length: int) -> None:
        """Load the files ``write_piece_tokenizer`` wrote into ``folder``."""
        import sentencepiece

        self._pieces = sentencepiece.SentencePieceProcessor(model_file=str(folder / PIECES_FILE))
        normalizer = Tokenizer.from_file(str(folder / NORMALIZER_FILE)).normalizer
        if normalizer is None:
            raise ValueError(f"{folder / NORMALIZER_FILE} has no normalizer")
        self._normalizer = normalizer
        self._max_length = max_length
        self._bos, self._eos = self._pieces.bos_id(), self._pieces.eos_id()
        self._pad = self._pieces.pad_id()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Return each text's ids, truncated to ``max_length``."""
        words = [self._metaspace(self._normalizer.normalize_str(text)) for text in texts]
        body = self._max_length - 2
        return [[self._bos, *ids[:body], self._eos] for ids in self._pieces.encode(words)]

    def padded(
        self, rows: Sequence[Sequence[int]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return ``input_ids`` and ``attention_mask`` arrays, (len(rows), longest row)."""
        width = max((len(row) for row in rows), default=0)
        ids = np.full((len(rows), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for index, row in enumerate(rows):
            ids[index, : len(row)] = row
            mask[index, : len(row)] = 1
        return ids, mask

    @staticmethod
    def _metaspace(text: str) -> str:
        marked = text.replace(" ", _SPACE)
        return marked if not marked or marked.startswith(_SPACE) else _SPACE + marked
