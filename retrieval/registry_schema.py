"""The registry's SQLite schema, its migrations and row conversion."""

from __future__ import annotations

import sqlite3
from datetime import date

from retrieval.types import DocumentMeta

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT,
    published TEXT,
    url TEXT,
    language TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    full_text TEXT NOT NULL,
    text TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    paragraphs INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    origin TEXT,
    text_hash TEXT
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS fingerprints_by_print ON fingerprints(fingerprint);
CREATE INDEX IF NOT EXISTS fingerprints_by_doc ON fingerprints(doc_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
    ingestion_id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tombstones (chunk_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS changes (
    generation INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL
);
"""

# Columns added after the first release, with how to fill them in old rows.
_ADDED_COLUMNS = {"origin": "TEXT", "text_hash": "TEXT"}
_INDEXES = "CREATE INDEX IF NOT EXISTS documents_by_text ON documents(text_hash);"


def migrate(db: sqlite3.Connection) -> None:
    """Create the tables, add columns that older registries lack, then the indexes."""
    db.executescript(SCHEMA)
    present = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    for column, kind in _ADDED_COLUMNS.items():
        if column not in present:
            db.execute(f"ALTER TABLE documents ADD COLUMN {column} {kind}")
    db.executescript(_INDEXES)


def meta_of(row: sqlite3.Row) -> DocumentMeta:
    """Return the metadata held in a ``documents`` row."""
    return DocumentMeta(
        doc_id=row["doc_id"],
        source=row["source"],
        title=row["title"],
        publisher=row["publisher"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        url=row["url"],
        language=row["language"],
    )
