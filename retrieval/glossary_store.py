"""The ingested glossaries, kept in the registry's SQLite file beside the documents.

Each glossary file is stored whole under its id (its path under the corpus root without
the suffix), so re-ingesting a file replaces its terms and other files keep theirs.
Readers reload when another process has committed to the file (SQLite's data_version).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from retrieval.errors import StoreError
from retrieval.glossary import Glossary, GlossaryEntry

_SCHEMA = """
CREATE TABLE IF NOT EXISTS glossary (
    glossary_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    term TEXT NOT NULL,
    aliases TEXT NOT NULL,
    translations TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (glossary_id, position)
);
"""


class GlossaryStore:
    """Glossary entries by file, and the combined glossary of all files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"the registry {path} cannot hold glossaries ({exc})", dependency="registry"
            ) from None
        self._version = -1
        self._glossary = Glossary([])

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def replace(self, glossary_id: str, entries: list[GlossaryEntry]) -> None:
        """Store ``entries`` as the whole content of glossary ``glossary_id``."""
        rows = [
            (
                glossary_id,
                position,
                e.term,
                json.dumps(e.aliases, ensure_ascii=False),
                json.dumps(e.translations, ensure_ascii=False),
                e.source,
            )
            for position, e in enumerate(entries)
        ]
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM glossary WHERE glossary_id = ?", (glossary_id,))
                self._db.executemany("INSERT INTO glossary VALUES (?, ?, ?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(
                    f"the glossary {glossary_id} could not be stored ({exc})",
                    dependency="registry",
                ) from None
            self._version = -1

    def glossary_ids(self) -> list[str]:
        """Return the ids of the stored glossary files."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT glossary_id FROM glossary ORDER BY 1")
            return [row[0] for row in rows]

    def glossary(self) -> Glossary:
        """Return the combined glossary of every file (earlier files win a shared term)."""
        with self._lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                rows = self._db.execute(
                    "SELECT term, aliases, translations, source FROM glossary "
                    "ORDER BY glossary_id, position"
                ).fetchall()
                self._glossary = Glossary(
                    GlossaryEntry(term, tuple(json.loads(aliases)), json.loads(names), source)
                    for term, aliases, names, source in rows
                )
                self._version = version
            return self._glossary
