"""The edition links, kept in the registry's database beside the documents.

An ``editions`` counter in the state table tells readers in other processes to reload.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from sqlalchemy import RowMapping, text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.database import Database
from retrieval.editions import Edition, Editions, Pair
from retrieval.errors import StoreError

_BUMP = (
    "INSERT INTO state VALUES ('editions', 1) "
    "ON CONFLICT(key) DO UPDATE SET value = state.value + 1"
)


class EditionStore:
    """Reads and writes edition links; caches the whole set until another writer changes it."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._version = -1
        self._editions = Editions()

    def editions(self) -> Editions:
        """Return every edition link (reloaded when any process changed one)."""
        try:
            with self._lock, self._database.read() as db:
                version = db.execute(text("SELECT value FROM state WHERE key = 'editions'"))
                current = int(version.scalar() or 0)
                if current != self._version:
                    rows = db.execute(text("SELECT * FROM editions")).mappings()
                    self._editions = Editions(_edition(row) for row in rows)
                    self._version = current
                return self._editions
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def editions_of(self, original_id: str) -> list[Edition]:
        """Return the links (resolved or waiting) that name ``original_id`` as original."""
        try:
            with self._database.read() as db:
                rows = db.execute(
                    text("SELECT * FROM editions WHERE original_id = :o ORDER BY doc_id"),
                    {"o": original_id},
                ).mappings()
                return [_edition(row) for row in rows]
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def put(self, edition: Edition) -> None:
        """Store ``edition`` in place of any earlier link of its document."""
        row: dict[str, object] = {
            "d": edition.doc_id,
            "o": edition.original_id,
            "h": edition.how,
            "s": edition.similarity,
            "a": json.dumps([list(p) for p in edition.pairs]),
        }
        self._write(
            [("DELETE FROM editions WHERE doc_id = :d", {"d": edition.doc_id}),
             ("INSERT INTO editions VALUES (:d, :o, :h, :s, :a)", row)]
        )  # fmt: skip

    def forget(self, doc_ids: Sequence[str]) -> None:
        """Drop the links of these documents as editions (they are re-linked or gone)."""
        self._write([("DELETE FROM editions WHERE doc_id = :d", {"d": d}) for d in doc_ids])

    def orphan(self, original_id: str) -> None:
        """Forget detected links to a deleted original; declared ones wait for its return."""
        self._write(
            [("DELETE FROM editions WHERE original_id = :o AND how = 'detected'",
              {"o": original_id}),
             ("UPDATE editions SET alignment = '[]', similarity = NULL WHERE original_id = :o",
              {"o": original_id})]
        )  # fmt: skip

    def _write(self, statements: list[tuple[str, dict[str, object]]]) -> None:
        try:
            with self._database.write() as db:
                for sql, args in statements:
                    db.execute(text(sql), args)
                db.execute(text(_BUMP))
        except SQLAlchemyError as exc:
            raise self._failed("store", exc) from exc

    def _failed(self, action: str, exc: SQLAlchemyError) -> StoreError:
        return StoreError(
            f"could not {action} the edition links ({exc.__class__.__name__})",
            dependency=self._database.dependency,
        )


def _edition(row: RowMapping) -> Edition:
    pairs: tuple[Pair, ...] = tuple(
        (int(a), int(b), int(c), int(d)) for a, b, c, d in json.loads(row["alignment"] or "[]")
    )
    return Edition(
        doc_id=row["doc_id"],
        original_id=row["original_id"],
        how=row["how"],
        similarity=row["similarity"],
        pairs=pairs,
    )
