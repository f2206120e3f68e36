"""Torch against onnxruntime for the bundled model, in one run on the same texts.

    python bench/embedding_backends.py [--data-dir data]

Prints, per backend: one query's embedding time (median over the dev questions),
passages per second in batches of 32 (the seed corpus's paragraphs), the smallest cosine
between the two backends' vectors, and the warm service time of a whole answer
(``Answerer.ask`` over the dev questions, on the ingested data dir).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from bot.answering.models import AskRequest
from bot.runtime import open_services
from bot.settings import Settings
from retrieval.embedder import load_embedder

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=REPO / "data")
    parser.add_argument(
        "--questions", type=Path, default=REPO / "../shared/eval/seed_questions.jsonl"
    )
    args = parser.parse_args()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines]
    passages = [
        p
        for path in sorted((REPO / "corpus" / "seeds").glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if len(p) > 40
    ]
    vectors = {}
    for backend in ("torch", "onnx"):
        embedder = load_embedder("bundled", args.data_dir / "models", backend=backend)
        embedder.embed_queries(questions[:4])
        took = []
        for question in questions:
            started = time.perf_counter()
            embedder.embed_queries([question])
            took.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        vectors[backend] = embedder.embed_passages(passages)
        rate = len(passages) / (time.perf_counter() - started)
        settings = Settings(data_dir=args.data_dir, embedding_backend=backend)
        services = open_services(settings)
        try:
            for question in questions:
                services.answerer.ask(AskRequest(question=question))
            started = time.perf_counter()
            for question in questions * 2:
                services.answerer.ask(AskRequest(question=question))
            answer_ms = 1000 * (time.perf_counter() - started) / (2 * len(questions))
        finally:
            services.close()
        print(
            f"{backend:>5}: query {statistics.median(took):5.1f} ms, "
            f"{rate:6.1f} passages/s ({len(passages)} passages), warm answer {answer_ms:5.1f} ms"
        )
    cosine = float(np.min(np.sum(vectors["torch"] * vectors["onnx"], axis=1)))
    print(f"smallest torch/onnx cosine over {len(passages)} passages: {cosine:.5f}")


if __name__ == "__main__":
    main()
