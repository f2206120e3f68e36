"""How many quotes an answer needs: the dev set under other quote policies, in one run.

    python bench/quote_policy.py

Prints, per policy, gold cited, must-mention (in the answer or its cited quotes),
abstention, false refusals and the median answer length. The answer shows the best quote
alone and names the others, so fewer quotes hardly shorten it; they cost mentions as long
as the best sentence is often not the one holding the answer. The quotes also feed the
abstention signals, so the policy moves refusals too.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from bot.answering import Answerer, EvidenceConfig
from bot.answering.evaluation import load_items, run, summarise
from retrieval.embedder import load_embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VNPOS_SHARED_DIR", REPO.parent / "shared"))
POLICIES = {
    "shipped (up to 3, within 0.06)": EvidenceConfig(),
    "up to 3, within 0.03": EvidenceConfig(max_score_drop=0.03),
    "up to 3, within 0.015": EvidenceConfig(max_score_drop=0.015),
    "up to 2": EvidenceConfig(max_passages=2),
    "one quote": EvidenceConfig(max_passages=1),
    "never across a paragraph break": EvidenceConfig(paragraph_merge_drop=-1.0),
}


def main() -> None:
    embedder = load_embedder("bundled", REPO / "data" / "models")
    items = load_items(SHARED / "eval" / "seed_questions.jsonl")
    with tempfile.TemporaryDirectory() as data_dir:
        knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=Path(data_dir)), embedder)
        knowledge_base.ingest([str(REPO / "corpus")])
        print(f"{'policy':32} gold   mention abstained refused median chars")
        for name, config in POLICIES.items():
            results = run(Answerer(knowledge_base, evidence=config).ask, items)
            s = summarise(results)
            chars = statistics.median(r.answer_chars for r in results if r.answered)
            print(
                f"{name:32} {s.gold_hits}/{s.answerable}  {s.mention_hits}/{s.answerable}"
                f"   {s.abstained}/{s.unanswerable}       {s.refused}       {chars:.0f}"
            )
        knowledge_base.close()


if __name__ == "__main__":
    main()
