"""The ONNX encoder with int8 matrix products against the shipped one, in one run.

    python bench/int8_encoder.py

Quantises the shipped encoder's MatMuls (onnxruntime dynamic quantisation, int8 weights
per output channel) into a temporary folder, then prints for both: one query's embedding
time with one thread (median over the dev questions, as a server's answer slot runs it),
the smallest and mean cosine with the shipped encoder's vectors, and the dev-set figures
from a fresh index built with each. The shipped encoder stays fp32 because the dev-set
figures drop with int8 although its vectors keep a cosine above 0.99.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from onnxruntime.quantization import QuantType, quantize_dynamic

from bot.answering import Answerer
from bot.answering.evaluation import load_items, run, summarise
from retrieval.embedding_model import MODEL_DIRNAME
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.onnx_embedder import ONNX_FILE, OnnxEmbedder

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VNPOS_SHARED_DIR", REPO.parent / "shared"))
MODEL = REPO / "data" / "models" / MODEL_DIRNAME


def main() -> None:
    items = load_items(SHARED / "eval" / "seed_questions.jsonl")
    questions = [item.question for item in items]
    with tempfile.TemporaryDirectory(prefix="vnpos-int8-") as tmp:
        int8 = Path(tmp) / "int8"
        shutil.copytree(MODEL / ONNX_FILE.parent, int8 / ONNX_FILE.parent)
        quantize_dynamic(
            str(MODEL / ONNX_FILE),
            str(int8 / ONNX_FILE),
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QInt8,
        )
        shipped = OnnxEmbedder(MODEL, threads=1).embed_queries(questions)
        print(f"{'encoder':8} query ms  cos min  cos mean  gold  mention  abstained  refused")
        for name, folder in (("fp32", MODEL), ("int8", int8)):
            embedder = OnnxEmbedder(folder, threads=1)
            embedder.embed_queries(questions[:4])
            took = []
            for question in questions * 3:
                started = time.perf_counter()
                embedder.embed_queries([question])
                took.append(1000 * (time.perf_counter() - started))
            cosines = np.sum(embedder.embed_queries(questions) * shipped, axis=1)
            config = KnowledgeBaseConfig(data_dir=Path(tmp) / f"data-{name}")
            knowledge_base = KnowledgeBase.open(config, embedder)
            knowledge_base.ingest([str(REPO / "corpus")])
            s = summarise(run(Answerer(knowledge_base).ask, items))
            knowledge_base.close()
            print(
                f"{name:8} {statistics.median(took):8.1f} {cosines.min():8.4f} "
                f"{cosines.mean():9.4f}  {s.gold_hits}/{s.answerable}    "
                f"{s.mention_hits}/{s.answerable}      {s.abstained}/{s.unanswerable}       "
                f"{s.refused}"
            )


if __name__ == "__main__":
    main()
