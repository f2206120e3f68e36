"""Embedding ahead: the texts answers will score, embedded before the first reader asks.

Answering embeds the sentences around the retrieved passages (with their predecessor,
and by clause) and the cited document's title; each is cached once embedded. Embedding
them at start, newest documents first, leaves the first readers only their question to
embed. A large corpus is warmed as far as the time budget and the cache allow.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from bot.answering.scoring import ScoringConfig, quotable_texts
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase

BUDGET_S = 20.0
_BATCH = 64


def embed_ahead(
    knowledge_base: KnowledgeBase,
    vectors: SentenceVectors,
    config: ScoringConfig,
    *,
    budget_s: float = BUDGET_S,
    workers: int | None = None,
) -> int:
    """Embed the quotable texts of the newest documents; return how many were embedded.

    Batches run side by side on ``workers`` threads (default: one per core), because a
    server's model runs each pass on a share of the cores only (one per answer slot).
    """
    deadline = time.perf_counter() + budget_s

    def embed(batch: list[str]) -> int:
        if time.perf_counter() > deadline:
            return 0
        vectors.passages(batch)
        return len(batch)

    texts = _newest_first(knowledge_base, config, limit=vectors.capacity)
    batches = [texts[start : start + _BATCH] for start in range(0, len(texts), _BATCH)]
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return sum(pool.map(embed, batches))


def _newest_first(knowledge_base: KnowledgeBase, config: ScoringConfig, *, limit: int) -> list[str]:
    texts: list[str] = []
    for document in knowledge_base.documents():
        doc_id = document.meta.doc_id
        if document.meta.title:
            texts.append(document.meta.title)
        texts += quotable_texts(doc_id, knowledge_base.document_text(doc_id) or "", config)
        if len(texts) >= limit:
            break
    return list(dict.fromkeys(texts))[:limit]
