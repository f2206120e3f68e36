"""Plain data types shared by every part of the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a document besides its text."""

    doc_id: str
    source: str
    title: str
    publisher: str | None = None
    published: date | None = None
    url: str | None = None
    language: str = "vi"
    translation_of: str | None = None  # declared at ingestion; links live in the registry


@dataclass(frozen=True)
class Document:
    """A cleaned document ready for chunking: its metadata and article text."""

    meta: DocumentMeta
    text: str
    content_hash: str


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with its character span in the cleaned text."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    meta: DocumentMeta


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied to a search; None means no restriction."""

    language: str | None = None
    other_language: str | None = None  # only chunks not in this language
    publisher: str | None = None
    published_after: date | None = None
    published_before: date | None = None
    exclude_doc_ids: frozenset[str] = frozenset()


NO_FILTERS = SearchFilters()


@dataclass(frozen=True)
class SearchHit:
    """A chunk found by a search.

    ``score`` is the fused relevance in [0, 1] that callers threshold; ``dense`` is the
    cosine similarity of query and passage, ``keyword`` the normalised BM25 score and
    ``keyword_held`` its share of the most the query's tokens could score (0-1).
    """

    chunk: Chunk
    score: float
    dense: float
    keyword: float
    keyword_held: float = 0.0


@dataclass(frozen=True)
class StoredDocument:
    """A document as the registry holds it, for listings and quoting."""

    meta: DocumentMeta
    content_hash: str
    chunks: int
    ingested_at: str
    edition_of: str | None = None  # the original this document is an official edition of


@dataclass
class IngestReport:
    """What one ingestion run did, document by document."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (id, original's id)
    chunks: int = 0
    seconds: float = 0.0
    glossary_terms: int = 0
    warnings: list[str] = field(default_factory=list)  # what loaded with problems

    @property
    def ok(self) -> bool:
        """Return True when no document failed."""
        return not self.failed

    def summary(self) -> str:
        """Return the one-line summary printed after an ingestion run."""
        count = len(self.duplicates)
        duplicates = f", {count} duplicate{'' if count == 1 else 's'}" if count else ""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)} documents{duplicates}; "
            f"{self.chunks} chunks in {self.seconds:.1f}s"
            + (f"; {self.glossary_terms} glossary terms" if self.glossary_terms else "")
        )
