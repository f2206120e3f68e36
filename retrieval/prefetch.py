"""Loading and cleaning documents ahead of the embedder, so that the model never waits.

A thread reads, extracts and cleans the next sources while the caller chunks, embeds
and commits the current batch; onnxruntime and torch release the GIL while they run.
Results come back in source order; a load failure is handed over, not raised.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from retrieval.errors import LoadError
from retrieval.fetching import FetchPolicy
from retrieval.ingestion import Prepared, prepare
from retrieval.loaders import Source

# Enough to cover one embedding batch of short documents; bounded to bound memory.
AHEAD = 64


def _load(source: Source, policy: FetchPolicy) -> Prepared | LoadError:
    try:
        return prepare(source, policy)
    except LoadError as exc:
        return exc


def prepared_ahead(
    sources: Sequence[Source], policy: FetchPolicy, *, ahead: int = AHEAD
) -> Iterator[tuple[Source, Prepared | LoadError]]:
    """Yield each source with its prepared document or its load error, in order."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnpos-prefetch") as pool:
        pending: deque[tuple[Source, Future[Prepared | LoadError]]] = deque()
        upcoming = iter(sources)
        try:
            for source in upcoming:
                pending.append((source, pool.submit(_load, source, policy)))
                if len(pending) >= ahead:
                    break
            while pending:
                source, future = pending.popleft()
                following = next(upcoming, None)
                if following is not None:
                    pending.append((following, pool.submit(_load, following, policy)))
                yield source, future.result()
        finally:
            # A caller that stops early (a store failure) leaves nothing loading.
            pool.shutdown(wait=True, cancel_futures=True)
