"""The ingested glossaries, kept in the registry's database beside the documents.

Each glossary file is stored whole under its id (its path under the corpus root without
the suffix), so re-ingesting a file replaces its terms and other files keep theirs.
A ``glossary`` counter in the state table tells readers in other processes to reload.
"""

from __future__ import annotations

import json
import threading

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.database import Database
from retrieval.errors import StoreError
from retrieval.glossary import Glossary, GlossaryEntry

_BUMP = (
    "INSERT INTO state VALUES ('glossary', 1) "
    "ON CONFLICT(key) DO UPDATE SET value = state.value + 1"
)


class GlossaryStore:
    """Glossary entries by file, and the combined glossary of all files."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._version = -1
        self._glossary = Glossary([])

    def replace(self, glossary_id: str, entries: list[GlossaryEntry]) -> None:
        """Store ``entries`` as the whole content of glossary ``glossary_id``."""
        rows = [
            {
                "g": glossary_id,
                "p": position,
                "term": e.term,
                "aliases": json.dumps(e.aliases, ensure_ascii=False),
                "names": json.dumps(e.translations, ensure_ascii=False),
                "source": e.source,
            }
            for position, e in enumerate(entries)
        ]
        try:
            with self._database.write() as db:
                db.execute(text("DELETE FROM glossary WHERE glossary_id = :g"), {"g": glossary_id})
                if rows:
                    db.execute(
                        text(
                            "INSERT INTO glossary VALUES (:g, :p, :term, :aliases, :names, :source)"
                        ),
                        rows,
                    )
                db.execute(text(_BUMP))
        except SQLAlchemyError as exc:
            raise StoreError(
                f"the glossary {glossary_id} could not be stored ({exc.__class__.__name__})",
                dependency=self._database.dependency,
            ) from exc

    def glossary_ids(self) -> list[str]:
        """Return the ids of the stored glossary files."""
        with self._database.read() as db:
            rows = db.execute(text("SELECT DISTINCT glossary_id FROM glossary ORDER BY 1"))
            return [str(row[0]) for row in rows]

    def glossary(self) -> Glossary:
        """Return the combined glossary of every file (earlier files win a shared term)."""
        with self._lock, self._database.read() as db:
            version = db.execute(text("SELECT value FROM state WHERE key = 'glossary'")).scalar()
            version = int(version or 0)
            if version != self._version:
                rows = db.execute(
                    text(
                        "SELECT term, aliases, translations, source FROM glossary "
                        "ORDER BY glossary_id, position"
                    )
                ).all()
                self._glossary = Glossary(
                    GlossaryEntry(term, tuple(json.loads(aliases)), json.loads(names), source)
                    for term, aliases, names, source in rows
                )
                self._version = version
            return self._glossary
