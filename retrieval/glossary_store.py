"""The ingested glossaries, kept in the registry's database beside the documents.

Each glossary file is stored whole under its id (its path under the corpus root without
the suffix), so re-ingesting a file replaces its terms and other files keep theirs.
Terms edited in the admin console live in their own glossary, ``:console`` (no file's
id starts with a colon), which wins over every file for a term both have.
A ``glossary`` counter in the state table tells readers in other processes to reload.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.database import Database
from retrieval.errors import StoreError
from retrieval.glossary import Glossary, GlossaryEntry

CONSOLE = ":console"
_ORDER = "ORDER BY CASE WHEN glossary_id = :console THEN 0 ELSE 1 END, glossary_id, position"
_ENTRIES = f"SELECT glossary_id, term, aliases, translations, source FROM glossary {_ORDER}"
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
        self._rewrite(glossary_id, lambda held: entries)

    def _rewrite(
        self, glossary_id: str, change: Callable[[list[GlossaryEntry]], list[GlossaryEntry]]
    ) -> None:
        """Replace a glossary's entries by ``change(entries)``, in one transaction."""
        try:
            with self._database.write() as db:
                held = [
                    _entry(*row)
                    for row in db.execute(
                        text(
                            "SELECT term, aliases, translations, source FROM glossary "
                            "WHERE glossary_id = :g ORDER BY position"
                        ),
                        {"g": glossary_id},
                    ).all()
                ]
                rows = [_row(glossary_id, position, e) for position, e in enumerate(change(held))]
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

    def entries(self) -> list[tuple[str, GlossaryEntry]]:
        """Return every stored entry with its glossary's id, the winning ones first."""
        with self._database.read() as db:
            rows = db.execute(text(_ENTRIES), {"console": CONSOLE}).all()
        return [
            (
                str(glossary_id),
                GlossaryEntry(term, tuple(json.loads(aliases)), json.loads(names), source),
            )
            for glossary_id, term, aliases, names, source in rows
        ]

    def save_term(self, entry: GlossaryEntry, *, replacing: str | None = None) -> None:
        """Add ``entry`` to the console glossary, in place of the term ``replacing``."""
        kept = [
            e for g, e in self.entries() if g == CONSOLE and e.term not in (entry.term, replacing)
        ]
        self.replace(CONSOLE, [*kept, entry])

    def remove_term(self, term: str) -> bool:
        """Remove a term from the console glossary; return False when it holds no such term."""
        held = [e for g, e in self.entries() if g == CONSOLE]
        kept = [e for e in held if e.term != term]
        if len(kept) == len(held):
            return False
        self.replace(CONSOLE, kept)
        return True

    def glossary(self) -> Glossary:
        """Return the combined glossary: the console's terms, then each file's in id order."""
        with self._lock, self._database.read() as db:
            version = db.execute(text("SELECT value FROM state WHERE key = 'glossary'")).scalar()
            version = int(version or 0)
            if version != self._version:
                rows = db.execute(
                    text(f"SELECT term, aliases, translations, source FROM glossary {_ORDER}"),
                    {"console": CONSOLE},
                ).all()
                self._glossary = Glossary(_entry(*row) for row in rows)
                self._version = version
            return self._glossary


def _entry(term: str, aliases: str, names: str, source: str) -> GlossaryEntry:
    return GlossaryEntry(term, tuple(json.loads(aliases)), json.loads(names), source)


def _row(glossary_id: str, position: int, entry: GlossaryEntry) -> dict[str, object]:
    return {
        "g": glossary_id,
        "p": position,
        "term": entry.term,
        "aliases": json.dumps(entry.aliases, ensure_ascii=False),
        "names": json.dumps(entry.translations, ensure_ascii=False),
        "source": entry.source,
    }
