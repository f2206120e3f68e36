"""Turning sources into indexable documents: load, clean, describe, fingerprint.

Plain functions over plain data; the knowledge base does the writing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from retrieval.cleaning import clean_article
from retrieval.dedup import Paragraph, paragraphs
from retrieval.errors import LoadError
from retrieval.fetching import FetchPolicy
from retrieval.loaders import LoadedDocument, Source, load
from retrieval.metadata import build_meta
from retrieval.types import Document, DocumentMeta

# Bump when cleaning or chunking changes, so that re-ingestion re-processes everything.
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class Prepared:
    """A document ready to index: cleaned whole text and its paragraph fingerprints.

    ``origin`` says what it was read from (absolute path, URL, ``text:<id>``), so that
    two different sources mapping to one id are told apart.
    """

    document: Document
    paragraphs: list[Paragraph]
    origin: str | None = None

    @property
    def text_hash(self) -> str:
        """Return the hash of the cleaned text: equal for exact duplicates."""
        return hashlib.sha256(self.document.text.encode()).hexdigest()


def content_hash(text: str, declared: dict[str, str]) -> str:
    """Return the version hash of a document: its text, declared metadata and pipeline."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    digest.update(text.encode())
    for key in sorted(declared):
        digest.update(f"\0{key}={declared[key]}".encode())
    return digest.hexdigest()


def prepare_loaded(loaded: LoadedDocument, *, origin: str | None = None) -> Prepared:
    """Clean and describe a loaded document."""
    cleaned = clean_article(loaded.text)
    if not cleaned.strip():
        raise LoadError(f"{loaded.source}: no article text left after removing page furniture")
    meta = build_meta(loaded, cleaned, loaded.text)
    document = Document(meta, cleaned, content_hash(loaded.text, loaded.declared))
    return Prepared(document, paragraphs(cleaned), origin)


def prepare(source: Source, policy: FetchPolicy) -> Prepared:
    """Load, clean and describe one source; raises LoadError with a user-safe message."""
    return prepare_loaded(load(source, policy), origin=source.origin)


def prepare_text(
    text: str,
    *,
    doc_id: str,
    title: str,
    publisher: str | None = None,
    published: date | None = None,
    url: str | None = None,
    language: str | None = None,
    translation_of: str | None = None,
) -> Prepared:
    """Prepare raw text given with its metadata (the admin API's text upload)."""
    declared = {
        key: str(value)
        for key, value in {
            "title": title,
            "publisher": publisher,
            "url": url,
            "language": language,
            "published": published.isoformat() if published else None,
            "translation_of": translation_of,
        }.items()
        if value
    }
    loaded = LoadedDocument(
        doc_id=doc_id, source=url or doc_id, text=text, declared=declared, is_html=False
    )
    return prepare_loaded(loaded, origin=url or f"text:{doc_id}")


def with_text(document: Document, text: str) -> Document:
    """Return ``document`` with its indexed text replaced (after duplicate removal)."""
    return replace(document, text=text)


def describe(meta: DocumentMeta) -> str:
    """Return a short human label for a document."""
    return f"{meta.doc_id} ({meta.title})" if meta.title else meta.doc_id
