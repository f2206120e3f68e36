"""What an ingestion run may write: ids that never collide silently, duplicates named.

For each source, loaded and cleaned: refuse it when its id already belongs to a
different source (unless the caller asked to replace), report it as a duplicate when
its text is exactly that of a document already held (the original keeps its id), and
skip it when it has not changed.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.errors import LoadError
from retrieval.ingestion import Prepared
from retrieval.loaders import Source
from retrieval.prefetch import Loaded, Unchanged
from retrieval.registry import Registry
from retrieval.types import IngestReport


class Intake:
    """Admits the documents of one ingestion run, recording the others in its report."""

    def __init__(self, registry: Registry, report: IngestReport, *, replace: bool = False) -> None:
        self._registry = registry
        self._report = report
        self._replace = replace
        self._origins: dict[str, str] = {}  # doc id -> origin, in this run
        self._texts: dict[str, str] = {}  # text hash -> doc id, in this run

    def admit(self, source: Source, loaded: Loaded) -> Prepared | None:
        """Check ``source`` as loaded; return it when it is to be written."""
        ready = self._unchanged(loaded) if isinstance(loaded, Unchanged) else loaded
        if ready is None:
            return None
        if isinstance(ready, LoadError):
            self._report.failed.append((source.location, str(ready)))
            return None
        return ready if self.accept(ready, location=source.location) else None

    def _unchanged(self, loaded: Unchanged) -> Prepared | LoadError | None:
        """Skip a source found unchanged, unless another process changed it meanwhile."""
        doc_id = loaded.loaded.doc_id
        if self._taken_by(doc_id, loaded.origin) is None and (
            self._registry.content_hash(doc_id) == loaded.content_hash
        ):
            if loaded.origin:
                self._origins[doc_id] = loaded.origin
            self._report.skipped.append(doc_id)
            return None
        try:
            return loaded.prepare()
        except LoadError as exc:
            return exc

    def accept(self, prepared: Prepared, *, location: str | None = None) -> bool:
        """Return True when ``prepared`` is to be written; else record why not."""
        doc_id = prepared.document.meta.doc_id
        location = location or prepared.origin or doc_id
        taken = self._taken_by(doc_id, prepared.origin)
        if taken is not None:
            self._report.failed.append(
                (
                    location,
                    f"{location}: its id {doc_id!r} already belongs to {taken}; nothing was "
                    "changed (rename one of them, or ask to replace the document)",
                )
            )
            return False
        if prepared.origin:
            self._origins[doc_id] = prepared.origin
        if self._registry.content_hash(doc_id) == prepared.document.content_hash:
            self._report.skipped.append(doc_id)
            return False
        text_hash = prepared.text_hash
        original = self._texts.get(text_hash) or self._registry.with_text(text_hash, exclude=doc_id)
        if original is not None and original != doc_id:
            self._report.duplicates.append((doc_id, original))
            return False
        self._texts[text_hash] = doc_id
        return True

    def _taken_by(self, doc_id: str, origin: str | None) -> str | None:
        """Return the other source that holds ``doc_id``, if one does."""
        if origin is None:
            return None
        in_run = self._origins.get(doc_id)
        if in_run is not None:
            return in_run if in_run != origin else None
        held = self._registry.origin(doc_id)
        if held is None or held == origin or self._replace:
            return None
        # A file that is gone was moved or renamed (a corpus copied elsewhere): its id
        # passes to the new path. Only two sources that both exist are in conflict.
        if not held.startswith(("http://", "https://", "text:")) and not Path(held).exists():
            return None
        return held
