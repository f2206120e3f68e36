"""Questions waiting for an answer slot, embedded together: one model pass for many.

Most of an extractive answer's CPU is the question's own forward pass, and on a CPU a
pass over eight short questions costs about five times one question's (measured on 2
cores, one thread: 13.7 ms for one, 70 ms for eight). While the slots are busy the
questions that arrive queue here; each pass takes all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

MAX_BATCH = 16


class QuestionBatches:
    """Embeds waiting questions in batches, one batch at a time, off the event loop."""

    def __init__(
        self, embed: Callable[[Sequence[str]], None], *, max_batch: int = MAX_BATCH
    ) -> None:
        """Batch questions for ``embed``, which keeps their vectors for their answers."""
        self._embed = embed
        self._max_batch = max_batch
        self._waiting: list[tuple[str, asyncio.Future[None]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def embed(self, question: str) -> None:
        """Return once ``question`` is embedded, with whatever else waits with it."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((question, done))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                await asyncio.to_thread(self._embed, [question for question, _ in batch])
            except Exception:
                # Each answer then embeds its own question, and reports what fails there.
                log.warning("could not embed %d waiting questions together", len(batch))
            for _, done in batch:
                if not done.done():  # a reader who left cancels their wait
                    done.set_result(None)
