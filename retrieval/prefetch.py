"""Loading and cleaning documents ahead of the embedder, so that the model never waits.

A thread reads, extracts and cleans the next sources while the caller chunks, embeds
and commits the current batch; onnxruntime and torch release the GIL while they run.
Results come back in source order; a load failure is handed over, not raised. A source
whose version hash is the one registered is not cleaned at all: re-ingesting an
unchanged corpus costs a read and a hash per file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from retrieval.errors import LoadError
from retrieval.fetching import FetchPolicy
from retrieval.ingestion import Prepared, content_hash, prepare_loaded
from retrieval.loaders import LoadedDocument, Source, load

# Enough to cover one embedding batch of short documents; bounded to bound memory.
AHEAD = 64


@dataclass(frozen=True)
class Unchanged:
    """A loaded source whose version hash equals the registered one, left uncleaned."""

    loaded: LoadedDocument
    content_hash: str
    origin: str | None

    def prepare(self) -> Prepared:
        """Clean and describe it after all (the registry changed meanwhile)."""
        return prepare_loaded(self.loaded, origin=self.origin)


Loaded = Prepared | Unchanged | LoadError


def _load(source: Source, policy: FetchPolicy, known: Mapping[str, str]) -> Loaded:
    try:
        loaded = load(source, policy)
        version = content_hash(loaded.text, loaded.declared)
        if known.get(loaded.doc_id) == version:
            return Unchanged(loaded, version, source.origin)
        return prepare_loaded(loaded, origin=source.origin)
    except LoadError as exc:
        return exc


def prepared_ahead(
    sources: Sequence[Source],
    policy: FetchPolicy,
    *,
    known: Mapping[str, str],
    ahead: int = AHEAD,
) -> Iterator[tuple[Source, Loaded]]:
    """Yield each source with its prepared document or its load error, in order.

    ``known`` maps registered doc ids to their version hashes.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnpos-prefetch") as pool:
        pending: deque[tuple[Source, Future[Loaded]]] = deque()
        upcoming = iter(sources)
        try:
            for source in upcoming:
                pending.append((source, pool.submit(_load, source, policy, known)))
                if len(pending) >= ahead:
                    break
            while pending:
                source, future = pending.popleft()
                following = next(upcoming, None)
                if following is not None:
                    pending.append((following, pool.submit(_load, following, policy, known)))
                yield source, future.result()
        finally:
            # A caller that stops early (a store failure) leaves nothing loading.
            pool.shutdown(wait=True, cancel_futures=True)
