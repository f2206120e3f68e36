"""The bundled model run by onnxruntime: torch's vectors, in less than half the time and memory.

The BERT encoder is exported once (``export_onnx``, run by ``vnpos model``) beside the
sentence-transformers folder it came from, with its word embeddings in int8 blocks
(``onnx_compaction``) and its tokenizer as a sentencepiece model (``piece_tokenizer``).
Pooling and normalisation stay here, in numpy, exactly as the folder's mean-pooling
module does them. Loading it imports neither torch nor sentence-transformers.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from retrieval.embedding import BATCH_SIZE, Vectors
from retrieval.embedding_model import MAX_SEQ_LENGTH, PROMPTS
from retrieval.piece_tokenizer import (
    NORMALIZER_FILE,
    PIECES_FILE,
    PieceTokenizer,
    write_piece_tokenizer,
)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ONNX_FILE = Path("onnx") / "model-int8-embeddings.onnx"
# Earlier releases' export, with the word embeddings in fp32; replaced by the first export.
_FP32_FILE = Path("onnx") / "model.onnx"
# Texts x tokens² per batch: attention memory grows with the square of the length, so two
# texts of 512 tokens go together where eight of 220 do. onnxruntime's arena keeps the
# largest batch's memory for the life of the process: this bounds it (about 200 MB).
_ATTENTION = 2 * MAX_SEQ_LENGTH**2
# Export parity with torch that a model must reach on every probe text to be used.
MIN_COSINE = 0.999
_PROBES = [
    "query: Ai là Trưởng Ban Chỉ đạo công tác thông tin đối ngoại?",
    "query: Who heads Vietnam's Steering Committee for External Information?",
    "query: 越南对外信息指导委员会由谁领导？",
    "passage: Thông tấn xã Việt Nam đăng tải thông tin đối ngoại trên hơn 40 hãng thông tấn.",
    "passage: Вьетнам и Индонезия подписали соглашение о сотрудничестве в рыболовстве.",
]

_WORD_EMBEDDINGS = "bert.embeddings.word_embeddings.weight"

log = logging.getLogger(__name__)


class OnnxEmbedder:
    """Embeds queries and passages with the exported encoder (see ``SentenceTransformerEmbedder``).

    Attributes:
        dimension: Length of every vector.
        passages_embedded: Passages embedded so far by this instance.
        batch_size: Texts per forward pass.
    """

    backend = "onnxruntime"

    def __init__(
        self, folder: Path, batch_size: int = BATCH_SIZE, *, threads: int | None = None
    ) -> None:
        """Load the exported encoder and the tokenizer of the model ``folder``.

        ``threads`` per forward pass (all cores when None); a server computing several
        answers at once gives each fewer, since they run side by side.
        """
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        # Spinning threads wait for work by burning a core that another answer needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = PieceTokenizer(folder / ONNX_FILE.parent, MAX_SEQ_LENGTH)
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self.passages_embedded = 0
        self.batch_size = batch_size

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per query, shape (len(texts), dimension)."""
        return self._embed([PROMPTS["query"] + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Return one normalised vector per passage, shape (len(texts), dimension)."""
        vectors = self._embed([PROMPTS["passage"] + t for t in texts])
        self.passages_embedded += len(texts)
        return vectors

    def _embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        rows = self._tokenizer.encode(texts)
        # Batches of similar length waste less padding.
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for batch in _batches(order, [len(row) for row in rows], self.batch_size):
            out[batch] = self._encode([rows[i] for i in batch])
        return out

    def _encode(self, rows: list[list[int]]) -> npt.NDArray[np.float32]:
        ids, mask = self._tokenizer.padded(rows)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def _batches(order: list[int], lengths: list[int], size: int) -> Iterator[list[int]]:
    """Yield ``order`` (by ascending length) in batches within ``size`` and the budget."""
    batch: list[int] = []
    for index in order:
        if batch and (len(batch) == size or (len(batch) + 1) * lengths[index] ** 2 > _ATTENTION):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def export_onnx(model: SentenceTransformer, folder: Path) -> bool:
    """Export ``model``'s encoder to ``folder/onnx``; True when it matches torch.

    A failed export or one that drifts from torch leaves nothing behind (logged), so
    the caller keeps torch.
    """
    import onnx
    import torch

    from retrieval.onnx_compaction import compact_word_embeddings

    target = folder / ONNX_FILE
    staging = Path(tempfile.mkdtemp(prefix=".onnx-", dir=folder))
    try:
        encoder = _encoder(model[0].auto_model).eval()
        sample = torch.ones(1, 8, dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        # The tracer warns about shape checks it folds; the parity check below is the test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                encoder,
                (sample, sample, torch.zeros_like(sample)),
                str(staging / "model.onnx"),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["hidden"],
                dynamic_axes={
                    n: axes for n in ("input_ids", "attention_mask", "token_type_ids", "hidden")
                },
                opset_version=17,
                dynamo=False,
            )
        (staging / "onnx").mkdir()
        write_piece_tokenizer(folder / "tokenizer.json", staging / "onnx")
        exported_model = onnx.load(str(staging / "model.onnx"))
        compact_word_embeddings(exported_model, _WORD_EMBEDDINGS)
        onnx.save(exported_model, str(staging / ONNX_FILE))
        del exported_model  # half a gigabyte, not needed while the export is checked
        exported = OnnxEmbedder(staging)._embed(_PROBES)
        reference = model.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True)
        worst = float(np.min(np.sum(exported * reference, axis=1)))
        if worst < MIN_COSINE:
            log.warning("the ONNX export drifts from torch (cosine %.5f); using torch", worst)
            return False
        target.parent.mkdir(exist_ok=True)
        # The model last: its presence says the export is complete.
        for name in (PIECES_FILE, NORMALIZER_FILE):
            os.replace(staging / "onnx" / name, target.parent / name)
        os.replace(staging / ONNX_FILE, target)
        (folder / _FP32_FILE).unlink(missing_ok=True)
        return True
    except Exception:
        log.warning("could not export the model to ONNX; using torch", exc_info=True)
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _encoder(bert: Any) -> Any:
    """Return a torch module around ``bert`` (torch is imported only to export)."""
    import torch

    class Encoder(torch.nn.Module):
        """The BERT encoder's last hidden state, with positional inputs for the exporter."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return Encoder()
