"""Embedding ahead: the texts answers will score, embedded before the first reader asks.

Answering embeds the sentences around the retrieved passages (with their predecessor,
and by clause) and the cited document's title; each is cached once embedded. Embedding
them at start, newest documents first, leaves the first readers only their question to
embed. A large corpus is warmed as far as the time budget allows before the server says
it is ready, and the rest of what the cache holds afterwards, on one core, while it
answers (the eight laws of bench/laws.py take minutes, not the 20 s of the budget).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bot.answering.scoring import ScoringConfig, quotable_texts
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase

log = logging.getLogger(__name__)

BUDGET_S = 20.0
_BATCH = 64


def embed_ahead(
    knowledge_base: KnowledgeBase,
    vectors: SentenceVectors,
    config: ScoringConfig,
    *,
    budget_s: float | None = None,
    workers: int | None = None,
) -> int:
    """Embed the quotable texts of the newest documents; return how many were embedded.

    Batches run side by side on ``workers`` threads (default: one per core), because a
    server's model runs each pass on a share of the cores only (one per answer slot).
    ``budget_s`` defaults to ``BUDGET_S``.
    """
    deadline = time.perf_counter() + (BUDGET_S if budget_s is None else budget_s)

    def embed(batch: list[str]) -> int:
        if time.perf_counter() > deadline:
            return 0
        vectors.passages(batch)
        return len(batch)

    texts = _newest_first(knowledge_base, config, limit=vectors.capacity)
    batches = [texts[start : start + _BATCH] for start in range(0, len(texts), _BATCH)]
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return sum(pool.map(embed, batches))


class WarmingOn:
    """Embeds, in a thread of its own, the quotable texts the warm-up had no time for."""

    def __init__(
        self, knowledge_base: KnowledgeBase, vectors: SentenceVectors, config: ScoringConfig
    ) -> None:
        self.knowledge_base = knowledge_base
        self.vectors = vectors
        self.config = config
        self.embedded = 0
        self._stop = threading.Event()
        # A daemon: a server that exits mid-way loses a cache, nothing else.
        self._thread = threading.Thread(target=self._run, name="vnpos-warming", daemon=True)

    def start(self) -> None:
        """Start embedding."""
        self._thread.start()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every text is embedded (or ``timeout``); return True when done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Stop after the batch in progress (before the knowledge base closes)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        started = time.perf_counter()
        # Linux gives each thread its own nice value: a reader's answer takes the core first.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            texts = _newest_first(self.knowledge_base, self.config, limit=self.vectors.capacity)
            for start in range(0, len(texts), _BATCH):
                if self._stop.is_set():
                    return
                # One batch at a time on one thread leaves the other cores to the answers.
                self.embedded += self.vectors.embed_missing(texts[start : start + _BATCH])
        except Exception:
            if not self._stop.is_set():
                log.exception("could not go on embedding ahead; answers embed what they need")
            return
        log.info(
            "embedded %d more quotable texts ahead in %.0fs",
            self.embedded,
            time.perf_counter() - started,
        )


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
