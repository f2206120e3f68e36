"""The bundled model run by onnxruntime: the same vectors as torch, in less than half the time.

The BERT encoder is exported once (``export_onnx``, run by ``vnpos model``) beside the
sentence-transformers folder it came from; pooling and normalisation stay here, in
numpy, exactly as the folder's mean-pooling module does them. Loading it imports
neither torch nor sentence-transformers.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from retrieval.embedding import BATCH_SIZE, Vectors
from retrieval.embedding_model import MAX_SEQ_LENGTH, PROMPTS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ONNX_FILE = Path("onnx") / "model.onnx"
# Export parity with torch that a model must reach on every probe text to be used.
MIN_COSINE = 0.999
_PROBES = [
    "query: Ai là Trưởng Ban Chỉ đạo công tác thông tin đối ngoại?",
    "query: Who heads Vietnam's Steering Committee for External Information?",
    "query: 越南对外信息指导委员会由谁领导？",
    "passage: Thông tấn xã Việt Nam đăng tải thông tin đối ngoại trên hơn 40 hãng thông tấn.",
    "passage: Вьетнам и Индонезия подписали соглашение о сотрудничестве в рыболовстве.",
]

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")

log = logging.getLogger(__name__)


class OnnxEmbedder:
    """Embeds queries and passages with the exported encoder (see ``SentenceTransformerEmbedder``).

    Attributes:
        dimension: Length of every vector.
        passages_embedded: Passages embedded so far by this instance.
        batch_size: Texts per forward pass.
    """

    backend = "onnxruntime"

    def __init__(self, folder: Path, batch_size: int = BATCH_SIZE) -> None:
        """Load the exported encoder and the tokenizer of the model ``folder``."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        self._session = onnxruntime.InferenceSession(
            str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        pad = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=pad or 0, pad_token="<pad>")
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
        # Batches of similar length waste less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self._encode([texts[i] for i in batch])
        return out

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def export_onnx(model: SentenceTransformer, folder: Path) -> bool:
    """Export ``model``'s encoder to ``folder/onnx``; True when it matches torch.

    A failed export or one that drifts from torch leaves nothing behind (logged), so
    the caller keeps torch.
    """
    import torch

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
        shutil.copy(folder / "tokenizer.json", staging / "tokenizer.json")
        (staging / "onnx").mkdir()
        (staging / "model.onnx").rename(staging / ONNX_FILE)
        exported = OnnxEmbedder(staging)._embed(_PROBES)
        reference = model.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True)
        worst = float(np.min(np.sum(exported * reference, axis=1)))
        if worst < MIN_COSINE:
            log.warning("the ONNX export drifts from torch (cosine %.5f); using torch", worst)
            return False
        target.parent.mkdir(exist_ok=True)
        os.replace(staging / ONNX_FILE, target)
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
