"""The document registry (SQLite, or Postgres): what is indexed, under which content hash.

The registry row is the commit point of an ingestion. Before an ingestion writes chunks
to the vector store it records a lease here, and marks the chunks with it; chunks whose
lease outlived its ingestion (a crash) are the only ones ever swept, by the next process
that holds the store lock. A change log (generation, doc id) tells other processes which
documents to reload.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.database import open_database, sqlite_url
from retrieval.errors import StoreError
from retrieval.locking import Holder
from retrieval.types import Document, DocumentMeta, StoredDocument

# Changes kept for other processes to catch up with; one further behind reloads all.
_CHANGES_KEPT = 10_000
_UNREADABLE = (
    "restore it from a backup, or move it aside and run `vnpos docs repair` to rebuild it "
    "from the collection"
)
_SHARING = text(
    "SELECT DISTINCT f.doc_id, d.paragraphs FROM fingerprints f JOIN documents d "
    "USING (doc_id) WHERE f.fingerprint IN :prints AND f.doc_id != :exclude"
).bindparams(bindparam("prints", expanding=True))


@dataclass(frozen=True)
class Lease:
    """An ingestion in progress (or one that died): who started it and when."""

    ingestion_id: str
    host: str
    pid: int
    command: str
    started_at: str


def meta_of(row: RowMapping) -> DocumentMeta:
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


class Registry:
    """Documents, their versions, texts, chunk ids and paragraph fingerprints.

    ``path`` is the SQLite file used when ``database_url`` is not given.
    """

    def __init__(self, path: Path, *, database_url: str | None = None) -> None:
        self.database = open_database(
            database_url or sqlite_url(path), "registry", name="registry", unreadable=_UNREADABLE
        )
        self.path = path
        self.label = self.database.label

    def close(self) -> None:
        """Close the database connections."""
        self.database.close()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """Run statements in one transaction; turn database failures into StoreError."""
        try:
            with self.database.write() as db:
                yield db
        except SQLAlchemyError as exc:
            raise self.database.unreachable(exc) from exc

    def _rows(self, sql: str, **args: object) -> list[RowMapping]:
        try:
            with self.database.read() as db:
                return list(db.execute(text(sql), args).mappings())
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot read {self.label}: {exc.__class__.__name__}",
                dependency=self.database.dependency,
            ) from exc

    def _one(self, sql: str, **args: object) -> RowMapping | None:
        rows = self._rows(sql, **args)
        return rows[0] if rows else None

    # ---- reading -------------------------------------------------------------------

    def generation(self) -> int:
        """Return a counter that changes whenever any document is written or deleted."""
        row = self._one("SELECT value FROM state WHERE key='generation'")
        return int(row["value"]) if row else 0

    def changes_since(self, generation: int) -> set[str] | None:
        """Return the ids changed after ``generation``; None when the log no longer reaches."""
        oldest = self._one("SELECT MIN(generation) AS oldest FROM changes")
        if oldest and oldest["oldest"] is not None and oldest["oldest"] > generation + 1:
            return None
        rows = self._rows("SELECT doc_id FROM changes WHERE generation > :g", g=generation)
        return {str(row["doc_id"]) for row in rows}

    def count(self) -> int:
        """Return the number of registered documents."""
        row = self._one("SELECT COUNT(*) AS n FROM documents")
        return int(row["n"]) if row else 0

    def content_hash(self, doc_id: str) -> str | None:
        """Return the registered content hash of ``doc_id``, or None."""
        row = self._one("SELECT content_hash FROM documents WHERE doc_id=:d", d=doc_id)
        return str(row["content_hash"]) if row else None

    def content_hashes(self) -> dict[str, str]:
        """Return every registered doc id with its content hash."""
        rows = self._rows("SELECT doc_id, content_hash FROM documents")
        return {str(row["doc_id"]): str(row["content_hash"]) for row in rows}

    def origin(self, doc_id: str) -> str | None:
        """Return where ``doc_id`` was read from (absolute path, URL or upload), or None."""
        row = self._one("SELECT origin FROM documents WHERE doc_id=:d", d=doc_id)
        return str(row["origin"]) if row and row["origin"] else None

    def with_text(self, text_hash: str, *, exclude: str) -> str | None:
        """Return the id of another document whose cleaned text has ``text_hash``."""
        row = self._one(
            "SELECT doc_id FROM documents WHERE text_hash=:h AND doc_id!=:x ORDER BY doc_id",
            h=text_hash,
            x=exclude,
        )
        return str(row["doc_id"]) if row else None

    def get(self, doc_id: str) -> StoredDocument | None:
        """Return the registered document ``doc_id``, or None."""
        row = self._one("SELECT * FROM documents WHERE doc_id=:d", d=doc_id)
        return self._stored(row) if row else None

    def text(self, doc_id: str) -> str | None:
        """Return the indexed text of ``doc_id`` (what chunk offsets point into)."""
        row = self._one("SELECT text FROM documents WHERE doc_id=:d", d=doc_id)
        return str(row["text"]) if row else None

    def full_document(self, doc_id: str) -> Document | None:
        """Return ``doc_id`` with its whole cleaned text, before duplicate removal."""
        row = self._one("SELECT * FROM documents WHERE doc_id=:d", d=doc_id)
        return Document(meta_of(row), row["full_text"], row["content_hash"]) if row else None

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Return the chunk ids registered for ``doc_id``."""
        row = self._one("SELECT chunk_ids FROM documents WHERE doc_id=:d", d=doc_id)
        return list(json.loads(row["chunk_ids"])) if row else []

    def chunk_owners(self) -> dict[str, list[str]]:
        """Return every registered chunk id with the documents that claim it."""
        owners: dict[str, list[str]] = {}
        for row in self._rows("SELECT doc_id, chunk_ids FROM documents"):
            for chunk_id in json.loads(row["chunk_ids"]):
                owners.setdefault(chunk_id, []).append(row["doc_id"])
        return owners

    def all_chunk_ids(self) -> set[str]:
        """Return every registered chunk id."""
        return set(self.chunk_owners())

    def documents(self) -> list[StoredDocument]:
        """Return every registered document, newest ingestion first, with its edition link."""
        rows = self._rows(
            "SELECT d.*, e.original_id AS edition_of FROM documents d LEFT JOIN editions e "
            "ON e.doc_id = d.doc_id AND e.alignment != '[]' ORDER BY d.ingested_at DESC, d.doc_id"
        )
        return [self._stored(row) for row in rows]

    def languages(self) -> set[str]:
        """Return the languages of the registered documents."""
        rows = self._rows("SELECT DISTINCT language FROM documents")
        return {str(row["language"]) for row in rows}

    def sharing(self, fingerprints: set[str], *, exclude: str) -> dict[str, tuple[int, set[str]]]:
        """Return documents sharing any of ``fingerprints``: their paragraph count and prints."""
        if not fingerprints:
            return {}
        try:
            with self.database.read() as db:
                rows = db.execute(_SHARING, {"prints": list(fingerprints), "exclude": exclude})
                totals = {str(doc_id): int(total) for doc_id, total in rows}
                prints = {
                    doc_id: {
                        str(r[0])
                        for r in db.execute(
                            text("SELECT fingerprint FROM fingerprints WHERE doc_id=:d"),
                            {"d": doc_id},
                        )
                    }
                    for doc_id in totals
                }
        except SQLAlchemyError as exc:
            raise self.database.unreachable(exc) from exc
        return {doc_id: (total, prints[doc_id]) for doc_id, total in totals.items()}

    def leases(self) -> list[Lease]:
        """Return the leases of ingestions that have not finished (running or dead)."""
        rows = self._rows("SELECT * FROM leases ORDER BY started_at")
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
            db.execute(text("DELETE FROM documents WHERE doc_id=:d"), {"d": meta.doc_id})
            db.execute(
                text(
                    "INSERT INTO documents (doc_id, source, title, publisher, published, url, "
                    "language, content_hash, full_text, text, chunk_ids, paragraphs, "
                    "ingested_at, origin, text_hash) VALUES (:doc_id, :source, :title, "
                    ":publisher, :published, :url, :language, :content_hash, :full_text, "
                    ":text, :chunk_ids, :paragraphs, :ingested_at, :origin, :text_hash)"
                ),
                {
                    "doc_id": meta.doc_id, "source": meta.source, "title": meta.title,
                    "publisher": meta.publisher, "published": published, "url": meta.url,
                    "language": meta.language, "content_hash": document.content_hash,
                    "full_text": full_text, "text": document.text,
                    "chunk_ids": json.dumps(chunk_ids), "paragraphs": len(fingerprints),
                    "ingested_at": now, "origin": origin, "text_hash": text_hash,
                },
            )  # fmt: skip
            if fingerprints:
                db.execute(
                    text("INSERT INTO fingerprints VALUES (:f, :d)"),
                    [{"f": f, "d": meta.doc_id} for f in fingerprints],
                )
            self._bury(db, superseded or [])
            self._log_change(db, meta.doc_id)

    def delete(self, doc_id: str) -> bool:
        """Forget ``doc_id`` and tombstone its chunks; return False if it was not registered."""
        chunk_ids = self.chunk_ids(doc_id)
        with self._transaction() as db:
            deleted = db.execute(
                text("DELETE FROM documents WHERE doc_id=:d"), {"d": doc_id}
            ).rowcount
            if deleted:
                self._bury(db, chunk_ids)
                self._log_change(db, doc_id)
        return bool(deleted)

    def tombstones(self) -> list[str]:
        """Return the chunk ids that are to be dropped from the store."""
        return [str(row["chunk_id"]) for row in self._rows("SELECT chunk_id FROM tombstones")]

    def clear_tombstones(self, chunk_ids: list[str]) -> None:
        """Forget tombstones whose chunks are gone from the store."""
        if not chunk_ids:
            return
        with self._transaction() as db:
            db.execute(
                text("DELETE FROM tombstones WHERE chunk_id=:c"), [{"c": i} for i in chunk_ids]
            )

    @staticmethod
    def _bury(db: Connection, chunk_ids: list[str]) -> None:
        if chunk_ids:
            db.execute(
                text("INSERT INTO tombstones VALUES (:c) ON CONFLICT DO NOTHING"),
                [{"c": i} for i in chunk_ids],
            )

    def start_lease(self, holder: Holder) -> str:
        """Record that an ingestion is about to write chunks; return its id."""
        ingestion_id = uuid.uuid4().hex
        started = datetime.fromtimestamp(holder.since, UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            db.execute(
                text("INSERT INTO leases VALUES (:i, :host, :pid, :command, :started)"),
                {
                    "i": ingestion_id,
                    "host": holder.host,
                    "pid": holder.pid,
                    "command": holder.command,
                    "started": started,
                },
            )
        return ingestion_id

    def end_lease(self, ingestion_id: str) -> None:
        """Forget a lease: its chunks are registered or removed."""
        with self._transaction() as db:
            db.execute(text("DELETE FROM leases WHERE ingestion_id=:i"), {"i": ingestion_id})

    @staticmethod
    def _log_change(db: Connection, doc_id: str) -> None:
        # The upsert locks the row until commit, so generations commit in order.
        generation = db.execute(
            text(
                "INSERT INTO state VALUES ('generation', 1) "
                "ON CONFLICT(key) DO UPDATE SET value = state.value + 1 RETURNING value"
            )
        ).scalar_one()
        db.execute(
            text(
                "INSERT INTO changes VALUES (:g, :d) "
                "ON CONFLICT (generation) DO UPDATE SET doc_id = excluded.doc_id"
            ),
            {"g": generation, "d": doc_id},
        )
        db.execute(
            text("DELETE FROM changes WHERE generation <= :g"), {"g": generation - _CHANGES_KEPT}
        )

    @staticmethod
    def _stored(row: RowMapping) -> StoredDocument:
        return StoredDocument(
            meta=meta_of(row),
            content_hash=row["content_hash"],
            chunks=len(json.loads(row["chunk_ids"])),
            ingested_at=row["ingested_at"],
            edition_of=row.get("edition_of"),
        )
