"""The document registry in SQLite: what is indexed, under which content hash.

The registry row is the commit point of an ingestion. Before an ingestion writes chunks
to the vector store it records a lease here, and marks the chunks with it; chunks whose
lease outlived its ingestion (a crash) are the only ones ever swept, by the next process
that holds the store lock. A change log (generation, doc id) tells other processes which
documents to reload.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retrieval.errors import StoreError
from retrieval.locking import Holder
from retrieval.registry_schema import meta_of, migrate
from retrieval.types import Document, StoredDocument

# Changes kept for other processes to catch up with; one further behind reloads all.
_CHANGES_KEPT = 10_000


@dataclass(frozen=True)
class Lease:
    """An ingestion in progress (or one that died): who started it and when."""

    ingestion_id: str
    host: str
    pid: int
    command: str
    started_at: str


class Registry:
    """Documents, their versions, texts, chunk ids and paragraph fingerprints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            migrate(self._db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"the registry {path} cannot be read ({exc}); restore it from a backup, or "
                "move it aside and run `vnpos docs repair` to rebuild it from the collection",
                dependency="registry",
            ) from None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements in one transaction; turn SQLite failures into StoreError."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                full = "full" in str(exc).lower()
                reason = "the disk is full" if full else str(exc)
                raise StoreError(
                    f"cannot write the registry {self.path}: {reason}",
                    dependency="disk" if full else "registry",
                ) from exc

    def _one(self, sql: str, *args: object) -> sqlite3.Row | None:
        try:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot read the registry {self.path}: {exc}", dependency="registry"
            ) from exc
        return row

    # ---- reading -------------------------------------------------------------------

    def generation(self) -> int:
        """Return a counter that changes whenever any document is written or deleted."""
        row = self._one("SELECT value FROM state WHERE key='generation'")
        return int(row[0]) if row else 0

    def changes_since(self, generation: int) -> set[str] | None:
        """Return the ids changed after ``generation``; None when the log no longer reaches."""
        oldest = self._one("SELECT MIN(generation) FROM changes")
        if oldest and oldest[0] is not None and oldest[0] > generation + 1:
            return None
        rows = self._db.execute("SELECT doc_id FROM changes WHERE generation > ?", (generation,))
        return {str(row[0]) for row in rows}

    def count(self) -> int:
        """Return the number of registered documents."""
        row = self._one("SELECT COUNT(*) FROM documents")
        return int(row[0]) if row else 0

    def content_hash(self, doc_id: str) -> str | None:
        """Return the registered content hash of ``doc_id``, or None."""
        row = self._one("SELECT content_hash FROM documents WHERE doc_id=?", doc_id)
        return str(row[0]) if row else None

    def origin(self, doc_id: str) -> str | None:
        """Return where ``doc_id`` was read from (absolute path, URL or upload), or None."""
        row = self._one("SELECT origin FROM documents WHERE doc_id=?", doc_id)
        return str(row[0]) if row and row[0] else None

    def with_text(self, text_hash: str, *, exclude: str) -> str | None:
        """Return the id of another document whose cleaned text has ``text_hash``."""
        row = self._one(
            "SELECT doc_id FROM documents WHERE text_hash=? AND doc_id!=? ORDER BY doc_id",
            text_hash,
            exclude,
        )
        return str(row[0]) if row else None

    def get(self, doc_id: str) -> StoredDocument | None:
        """Return the registered document ``doc_id``, or None."""
        row = self._one("SELECT * FROM documents WHERE doc_id=?", doc_id)
        return self._stored(row) if row else None

    def text(self, doc_id: str) -> str | None:
        """Return the indexed text of ``doc_id`` (what chunk offsets point into)."""
        row = self._one("SELECT text FROM documents WHERE doc_id=?", doc_id)
        return str(row[0]) if row else None

    def full_document(self, doc_id: str) -> Document | None:
        """Return ``doc_id`` with its whole cleaned text, before duplicate removal."""
        row = self._one("SELECT * FROM documents WHERE doc_id=?", doc_id)
        return Document(meta_of(row), row["full_text"], row["content_hash"]) if row else None

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Return the chunk ids registered for ``doc_id``."""
        row = self._one("SELECT chunk_ids FROM documents WHERE doc_id=?", doc_id)
        return list(json.loads(row[0])) if row else []

    def chunk_owners(self) -> dict[str, list[str]]:
        """Return every registered chunk id with the documents that claim it."""
        owners: dict[str, list[str]] = {}
        for doc_id, chunk_ids in self._db.execute("SELECT doc_id, chunk_ids FROM documents"):
            for chunk_id in json.loads(chunk_ids):
                owners.setdefault(chunk_id, []).append(doc_id)
        return owners

    def all_chunk_ids(self) -> set[str]:
        """Return every registered chunk id."""
        return set(self.chunk_owners())

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
            f"SELECT DISTINCT f.doc_id, d.paragraphs FROM fingerprints f JOIN documents d "
            f"USING (doc_id) WHERE f.fingerprint IN ({marks}) AND f.doc_id != ?",
            [*fingerprints, exclude],
        ).fetchall()
        return {
            doc_id: (
                int(total),
                {
                    r[0]
                    for r in self._db.execute(
                        "SELECT fingerprint FROM fingerprints WHERE doc_id=?", (doc_id,)
                    )
                },
            )
            for doc_id, total in rows
        }

    def leases(self) -> list[Lease]:
        """Return the leases of ingestions that have not finished (running or dead)."""
        rows = self._db.execute("SELECT * FROM leases ORDER BY started_at")
        return [Lease(**dict(row)) for row in rows]

    # ---- writing -------------------------------------------------------------------

    def put(
        self,
        document: Document,
        *,
        full_text: str,
        chunk_ids: list[str],
        fingerprints: list[str],
        origin: str | None = None,
        text_hash: str | None = None,
        superseded: list[str] | None = None,
    ) -> None:
        """Register ``document`` (replacing any earlier version) in one transaction.

        ``superseded`` are the earlier version's chunks to drop from the store: they are
        tombstoned in the same transaction, so a crash before they are dropped leaves a
        note for the next writer rather than orphans.
        """
        meta = document.meta
        now = datetime.now(UTC).isoformat(timespec="seconds")
        published = meta.published.isoformat() if meta.published else None
        with self._transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id=?", (meta.doc_id,))
            db.execute(
                "INSERT INTO documents (doc_id, source, title, publisher, published, url, "
                "language, content_hash, full_text, text, chunk_ids, paragraphs, ingested_at, "
                "origin, text_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    meta.doc_id, meta.source, meta.title, meta.publisher, published, meta.url,
                    meta.language, document.content_hash, full_text, document.text,
                    json.dumps(chunk_ids), len(fingerprints), now, origin, text_hash,
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO fingerprints VALUES (?,?)", [(f, meta.doc_id) for f in fingerprints]
            )
            self._bury(db, superseded or [])
            self._log_change(db, meta.doc_id)

    def delete(self, doc_id: str) -> bool:
        """Forget ``doc_id`` and tombstone its chunks; return False if it was not registered."""
        chunk_ids = self.chunk_ids(doc_id)
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
            if deleted:
                self._bury(db, chunk_ids)
                self._log_change(db, doc_id)
        return bool(deleted)

    def tombstones(self) -> list[str]:
        """Return the chunk ids that are to be dropped from the store."""
        return [str(row[0]) for row in self._db.execute("SELECT chunk_id FROM tombstones")]

    def clear_tombstones(self, chunk_ids: list[str]) -> None:
        """Forget tombstones whose chunks are gone from the store."""
        with self._transaction() as db:
            db.executemany("DELETE FROM tombstones WHERE chunk_id=?", [(i,) for i in chunk_ids])

    @staticmethod
    def _bury(db: sqlite3.Connection, chunk_ids: list[str]) -> None:
        db.executemany("INSERT OR IGNORE INTO tombstones VALUES (?)", [(i,) for i in chunk_ids])

    def start_lease(self, holder: Holder) -> str:
        """Record that an ingestion is about to write chunks; return its id."""
        ingestion_id = uuid.uuid4().hex
        started = datetime.fromtimestamp(holder.since, UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO leases VALUES (?,?,?,?,?)",
                (ingestion_id, holder.host, holder.pid, holder.command, started),
            )
        return ingestion_id

    def end_lease(self, ingestion_id: str) -> None:
        """Forget a lease: its chunks are registered or removed."""
        with self._transaction() as db:
            db.execute("DELETE FROM leases WHERE ingestion_id=?", (ingestion_id,))

    def _log_change(self, db: sqlite3.Connection, doc_id: str) -> None:
        db.execute(
            "INSERT INTO state VALUES ('generation', 1) "
            "ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )
        generation = self.generation()
        db.execute("INSERT OR REPLACE INTO changes VALUES (?,?)", (generation, doc_id))
        db.execute("DELETE FROM changes WHERE generation <= ?", (generation - _CHANGES_KEPT,))

    @staticmethod
    def _stored(row: sqlite3.Row) -> StoredDocument:
        return StoredDocument(
            meta=meta_of(row),
            content_hash=row["content_hash"],
            chunks=len(json.loads(row["chunk_ids"])),
            ingested_at=row["ingested_at"],
        )
