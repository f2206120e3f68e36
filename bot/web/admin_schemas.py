"""Request and response models of the admin API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from retrieval.types import IngestReport, StoredDocument


class DocumentPublic(BaseModel):
    """An indexed document as the admin listing shows it."""

    doc_id: str
    title: str
    publisher: str | None
    published: date | None
    language: str
    url: str | None
    chunks: int
    ingested_at: str
    edition_of: str | None = Field(
        default=None, description="The original this document is an official edition of"
    )

    @classmethod
    def from_stored(cls, stored: StoredDocument) -> DocumentPublic:
        """Build the public form of a registry entry."""
        meta = stored.meta
        return cls(
            doc_id=meta.doc_id,
            title=meta.title,
            publisher=meta.publisher,
            published=meta.published,
            language=meta.language,
            url=meta.url,
            chunks=stored.chunks,
            ingested_at=stored.ingested_at,
            edition_of=stored.edition_of,
        )


class DocumentList(BaseModel):
    """Every indexed document, most recently ingested first."""

    documents: list[DocumentPublic]


class UrlDocumentCreate(BaseModel):
    """Fetch and ingest a web page or document by URL."""

    url: str = Field(pattern=r"^https?://\S+$", max_length=2000)


class TextDocumentCreate(BaseModel):
    """Ingest raw text with its metadata; the document id is the url, else the title."""

    text: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=500)
    publisher: str | None = Field(default=None, max_length=300)
    published: date | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=2000)
    language: str | None = Field(default=None, min_length=2, max_length=8)
    translation_of: str | None = Field(
        default=None,
        max_length=2000,
        description="The doc_id of the original when this text is its official edition",
    )


class FailedDocument(BaseModel):
    """A document that could not be ingested, and why."""

    source: str
    reason: str


class DuplicateDocument(BaseModel):
    """A document not indexed because another one holds exactly its text."""

    doc_id: str
    original: str


class IngestResult(BaseModel):
    """What an ingestion or reindex did, document by document."""

    added: list[str]
    updated: list[str]
    skipped: list[str]
    failed: list[FailedDocument]
    duplicates: list[DuplicateDocument] = Field(default_factory=list)
    chunks: int
    seconds: float
    glossary_terms: int = 0
    warnings: list[str] = Field(default_factory=list)

    @classmethod
    def from_report(cls, report: IngestReport) -> IngestResult:
        """Build the public form of an ingestion report."""
        return cls(
            added=report.added,
            updated=report.updated,
            skipped=report.skipped,
            failed=[FailedDocument(source=s, reason=r) for s, r in report.failed],
            duplicates=[DuplicateDocument(doc_id=d, original=o) for d, o in report.duplicates],
            chunks=report.chunks,
            seconds=round(report.seconds, 3),
            glossary_terms=report.glossary_terms,
            warnings=report.warnings,
        )


class DeletedDocument(BaseModel):
    """Confirms a deletion."""

    deleted: str
