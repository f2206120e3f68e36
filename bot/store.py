"""The application's own records in SQLite: answers (conversations), feedback, unanswered questions.

One connection shared by the web server's worker threads, serialised by a lock; WAL lets
``vnpos`` commands read while the server writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from bot.answering.models import AskResponse, Citation

Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    mode TEXT NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    language TEXT NOT NULL,
    answered INTEGER NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    created_at TEXT NOT NULL,
    reason TEXT,
    confidence REAL
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id);
CREATE TABLE IF NOT EXISTS feedback (
    message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
    rating TEXT NOT NULL,
    comment TEXT,
    channel TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Turn:
    """One question and answer of a conversation; ``resolved_question`` is what was searched."""

    message_id: str
    question: str
    resolved_question: str
    answer: str
    language: str
    answered: bool
    created_at: str


@dataclass(frozen=True)
class StoredMessage:
    """An answer as it was given."""

    message_id: str
    conversation_id: str
    channel: str
    mode: str
    question: str
    language: str
    answered: bool
    answer: str
    citations: tuple[Citation, ...]
    latency_ms: float
    created_at: str


@dataclass(frozen=True)
class FeedbackRecord:
    """A reader's rating of an answer (the latest one per answer)."""

    message_id: str
    rating: str
    comment: str | None
    channel: str
    created_at: str
    question: str


@dataclass(frozen=True)
class UnansweredRecord:
    """A question the sources did not cover."""

    question: str
    language: str
    created_at: str
    conversation_id: str
    reason: str | None = None


@dataclass(frozen=True)
class StoreStats:
    """Counts of questions by outcome and of ratings."""

    answered: int
    unanswered: int
    up: int
    down: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class AppStore:
    """Answers, conversations and feedback in ``path`` (created if missing)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            present = {row[1] for row in self._db.execute("PRAGMA table_info(messages)")}
            for column, kind in (("reason", "TEXT"), ("confidence", "REAL")):
                if column not in present:
                    self._db.execute(f"ALTER TABLE messages ADD COLUMN {column} {kind}")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def record_answer(
        self,
        *,
        response: AskResponse,
        question: str,
        channel: str,
        mode: str,
        latency_ms: float,
        resolved_question: str | None = None,
    ) -> None:
        """Store an answer; ``resolved_question`` is the follow-up expanded for search."""
        citations = json.dumps([c.model_dump() for c in response.citations], ensure_ascii=False)
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO messages (message_id, conversation_id, channel, mode, "
                "question, resolved_question, language, answered, answer, citations, "
                "latency_ms, created_at, reason, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    response.message_id,
                    response.conversation_id,
                    channel,
                    mode,
                    question,
                    resolved_question or question,
                    response.language,
                    int(response.answered),
                    response.answer,
                    citations,
                    latency_ms,
                    _now(),
                    response.reason,
                    response.confidence,
                ),
            )

    def history(self, conversation_id: str, limit: int = 6) -> list[Turn]:
        """Return the last ``limit`` turns of a conversation, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id = ? ORDER BY rowid DESC LIMIT ?",
                (conversation_id, limit),
            ).fetchall()
        return [
            Turn(
                message_id=row["message_id"],
                question=row["question"],
                resolved_question=row["resolved_question"],
                answer=row["answer"],
                language=row["language"],
                answered=bool(row["answered"]),
                created_at=row["created_at"],
            )
            for row in reversed(rows)
        ]

    def message(self, message_id: str) -> StoredMessage | None:
        """Return a stored answer, or None if ``message_id`` is unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM messages WHERE message_id = ?", (message_id,)
            ).fetchone()
        if row is None:
            return None
        return StoredMessage(
            message_id=row["message_id"],
            conversation_id=row["conversation_id"],
            channel=row["channel"],
            mode=row["mode"],
            question=row["question"],
            language=row["language"],
            answered=bool(row["answered"]),
            answer=row["answer"],
            citations=tuple(Citation.model_validate(c) for c in json.loads(row["citations"])),
            latency_ms=row["latency_ms"],
            created_at=row["created_at"],
        )

    def conversation(self, conversation_id: str) -> list[StoredMessage]:
        """Return every stored answer of a conversation, oldest first (an admin's export)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id FROM messages WHERE conversation_id = ? ORDER BY rowid",
                (conversation_id,),
            ).fetchall()
        return [m for row in rows if (m := self.message(row[0])) is not None]

    def delete_conversation(self, conversation_id: str) -> int:
        """Delete a conversation's answers and their ratings; return how many answers."""
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM feedback WHERE message_id IN "
                "(SELECT message_id FROM messages WHERE conversation_id = ?)",
                (conversation_id,),
            )
            return self._db.execute(
                "DELETE FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).rowcount

    def purge(self, *, older_than_days: int) -> int:
        """Delete answers (and their ratings) older than the retention; return how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(
            timespec="microseconds"
        )
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM feedback WHERE message_id IN "
                "(SELECT message_id FROM messages WHERE created_at < ?)",
                (cutoff,),
            )
            return self._db.execute("DELETE FROM messages WHERE created_at < ?", (cutoff,)).rowcount

    def record_feedback(
        self, *, message_id: str, rating: Rating, comment: str | None, channel: str
    ) -> bool:
        """Store a rating (replacing an earlier one); return False if the answer is unknown."""
        with self._lock, self._db:
            known = self._db.execute(
                "SELECT 1 FROM messages WHERE message_id = ?", (message_id,)
            ).fetchone()
            if known is None:
                return False
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?,?,?,?,?)",
                (message_id, rating, comment, channel, _now()),
            )
        return True

    def feedback(self, limit: int = 200) -> list[FeedbackRecord]:
        """Return the latest ratings, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT f.*, m.question FROM feedback f JOIN messages m USING (message_id) "
                "ORDER BY f.created_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            FeedbackRecord(
                message_id=row["message_id"],
                rating=row["rating"],
                comment=row["comment"],
                channel=row["channel"],
                created_at=row["created_at"],
                question=row["question"],
            )
            for row in rows
        ]

    def unanswered(self, limit: int = 1000) -> list[UnansweredRecord]:
        """Return the questions the sources did not cover, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, language, created_at, conversation_id, reason FROM messages "
                "WHERE answered = 0 ORDER BY rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            UnansweredRecord(
                question=row["question"],
                language=row["language"],
                created_at=row["created_at"],
                conversation_id=row["conversation_id"],
                reason=row["reason"],
            )
            for row in rows
        ]

    def stats(self) -> StoreStats:
        """Return how many questions were answered or not, and the ratings received."""
        with self._lock:
            answers = dict(
                self._db.execute(
                    "SELECT answered, COUNT(*) FROM messages GROUP BY answered"
                ).fetchall()
            )
            ratings = dict(
                self._db.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating").fetchall()
            )
        return StoreStats(
            answered=answers.get(1, 0),
            unanswered=answers.get(0, 0),
            up=ratings.get("up", 0),
            down=ratings.get("down", 0),
        )
