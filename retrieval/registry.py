"""The document registry in SQLite: what is indexed, under which content hash.

The registry row is the commit point of an ingestion: chunks written to the vector
store whose document version is not registered are leftovers of a crash and are
removed when the knowledge base opens.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

from retrieval.types import Document, DocumentMeta, StoredDocument

_SCHEMA = """
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
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS fingerprints_by_print ON fingerprints(fingerprint);
CREATE INDEX IF NOT EXISTS fingerprints_by_doc ON fingerprints(doc_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def _meta(row: sqlite3.Row) -> DocumentMeta:
    return DocumentMeta(
        doc_id=row["doc_id"],
        source=row["source"],
        title=row["title"],
        publisher=row["publisher"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        url=row["url"],
        language=row["language"],
    )


class Registry:
    """Documents, their versions, texts, chunk ids and paragraph fingerprints."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def generation(self) -> int:
        """Return a counter that changes whenever any document is written or deleted."""
        row = self._db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def content_hash(self, doc_id: str) -> str | None:
        """Return the registered content hash of ``doc_id``, or None."""
        row = self._db.execute(
            "SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def get(self, doc_id: str) -> StoredDocument | None:
        """Return the registered document ``doc_id``, or None."""
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return self._stored(row) if row else None

    def text(self, doc_id: str) -> str | None:
        """Return the indexed text of ``doc_id`` (what chunk offsets point into)."""
        row = self._db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return str(row[0]) if row else None

    def full_document(self, doc_id: str) -> Document | None:
        """Return ``doc_id`` with its whole cleaned text, before duplicate removal."""
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return Document(_meta(row), row["full_text"], row["content_hash"]) if row else None

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Return the chunk ids registered for ``doc_id``."""
        row = self._db.execute(
            "SELECT chunk_ids FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return list(json.loads(row[0])) if row else []

    def all_chunk_ids(self) -> set[str]:
        """Return every registered chunk id."""
        rows = self._db.execute("SELECT chunk_ids FROM documents").fetchall()
        return {chunk_id for row in rows for chunk_id in json.loads(row[0])}

    def documents(self) -> list[StoredDocument]:
        """Return every registered document, newest ingestion first."""
        rows = self._db.execute("SELECT * FROM documents ORDER BY ingested_at DESC, doc_id")
        return [self._stored(row) for row in rows]

    def sharing(self, fingerprints: set[str], *, exclude: str) -> dict[str, tuple[int, set[str]]]:
        """Return documents sharing any of ``fingerprints``: their paragraph count and prints."""
        if not fingerprints:
            return {}
        marks = ",".join("?" * len(fingerprints))
        rows = self._db.execute(
            f"SELECT DISTINCT doc_id FROM fingerprints WHERE fingerprint IN ({marks}) "
            "AND doc_id != ?",
            [*fingerprints, exclude],
        ).fetchall()
        result: dict[str, tuple[int, set[str]]] = {}
        for (doc_id,) in rows:
            prints = {
                r[0]
                for r in self._db.execute(
                    "SELECT fingerprint FROM fingerprints WHERE doc_id=?", (doc_id,)
                )
            }
            total = self._db.execute(
                "SELECT paragraphs FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()[0]
            result[doc_id] = (int(total), prints)
        return result

    def put(
        self, document: Document, *, full_text: str, chunk_ids: list[str], fingerprints: list[str]
    ) -> None:
        """Register ``document`` (replacing any earlier version) in one transaction."""
        meta = document.meta
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM documents WHERE doc_id=?", (meta.doc_id,))
                self._db.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        meta.doc_id,
                        meta.source,
                        meta.title,
                        meta.publisher,
                        meta.published.isoformat() if meta.published else None,
                        meta.url,
                        meta.language,
                        document.content_hash,
                        full_text,
                        document.text,
                        json.dumps(chunk_ids),
                        len(fingerprints),
                        now,
                    ),
                )
                self._db.executemany(
                    "INSERT INTO fingerprints VALUES (?,?)",
                    [(f, meta.doc_id) for f in fingerprints],
                )
                self._bump()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def delete(self, doc_id: str) -> bool:
        """Forget ``doc_id``; return False if it was not registered."""
        with self._lock:
            self._db.execute("BEGIN")
            deleted = self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
            self._bump()
            self._db.execute("COMMIT")
        return bool(deleted)

    def _bump(self) -> None:
        self._db.execute(
            "INSERT INTO state VALUES ('generation', 1) "
            "ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )

    @staticmethod
    def _stored(row: sqlite3.Row) -> StoredDocument:
        return StoredDocument(
            meta=_meta(row),
            content_hash=row["content_hash"],
            chunks=len(json.loads(row["chunk_ids"])),
            ingested_at=row["ingested_at"],
        )
