"""What happened to each document an admin sent, as the console lists it."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.types import IngestReport


@dataclass(frozen=True)
class Outcome:
    """One document's result: ``kind`` is added, updated, skipped, duplicate, deleted or failed."""

    name: str
    kind: str
    detail: str = ""
    doc_id: str | None = None


def outcomes(report: IngestReport, name: str) -> list[Outcome]:
    """Return one outcome per document of ``report``, named after what the admin sent."""
    found = [Outcome(name, "added", doc_id=d) for d in report.added]
    found += [Outcome(name, "updated", doc_id=d) for d in report.updated]
    found += [Outcome(name, "skipped", doc_id=d) for d in report.skipped]
    found += [Outcome(name, "duplicate", original, doc_id=d) for d, original in report.duplicates]
    found += [Outcome(name, "failed", reason) for _, reason in report.failed]
    return found or [Outcome(name, "skipped")]
