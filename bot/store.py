"""The application's own records: answers (conversations), feedback, unanswered questions.

In DATA_DIR/app.sqlite3 by default (WAL lets ``vnpos`` commands read while the server
writes), or in Postgres (VNPOS_DATABASE_URL), where every replica sees every answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import RowMapping, text

from bot.answering.models import AskResponse, Citation
from retrieval.database import Database, open_database

Rating = Literal["up", "down"]

_MESSAGE_COLUMNS = (
    "message_id, conversation_id, channel, mode, question, resolved_question, language, "
    "answered, answer, citations, latency_ms, created_at, reason, confidence"
)
_RECORD_ANSWER = (
    f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES ("
    + ", ".join(f":{c.strip()}" for c in _MESSAGE_COLUMNS.split(","))
    + ") ON CONFLICT (message_id) DO UPDATE SET "
    + ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in _MESSAGE_COLUMNS.split(",")[1:])
)
_RECORD_FEEDBACK = (
    "INSERT INTO feedback VALUES (:message_id, :rating, :comment, :channel, :created_at) "
    "ON CONFLICT (message_id) DO UPDATE SET rating = excluded.rating, "
    "comment = excluded.comment, channel = excluded.channel, created_at = excluded.created_at"
)
# Answers in the order they were given (timestamps to the microsecond; rowid is SQLite's).
_NEWEST_FIRST = "ORDER BY created_at DESC, message_id DESC"


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
class UnansweredRecord:
    """A question the sources did not cover."""

    question: str
    language: str
    created_at: str
    conversation_id: str
    reason: str | None = None
    channel: str = "api"


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
    """Answers, conversations and feedback in the database at ``url`` (migrated on open)."""

    def __init__(self, url: str) -> None:
        self.database: Database = open_database(
            url, "app", name="app store", unreadable="move it aside to start a new one"
        )

    def close(self) -> None:
        """Close the database connections."""
        self.database.close()

    def _rows(self, sql: str, **args: object) -> list[RowMapping]:
        with self.database.read() as db:
            return list(db.execute(text(sql), args).mappings())

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
        with self.database.write() as db:
            db.execute(
                text(_RECORD_ANSWER),
                {
                    "message_id": response.message_id,
                    "conversation_id": response.conversation_id,
                    "channel": channel,
                    "mode": mode,
                    "question": question,
                    "resolved_question": resolved_question or question,
                    "language": response.language,
                    "answered": int(response.answered),
                    "answer": response.answer,
                    "citations": citations,
                    "latency_ms": latency_ms,
                    "created_at": _now(),
                    "reason": response.reason,
                    "confidence": response.confidence,
                },
            )

    def history(self, conversation_id: str, limit: int = 6) -> list[Turn]:
        """Return the last ``limit`` turns of a conversation, oldest first."""
        rows = self._rows(
            f"SELECT * FROM messages WHERE conversation_id = :c {_NEWEST_FIRST} LIMIT :n",
            c=conversation_id,
            n=limit,
        )
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
        rows = self._rows("SELECT * FROM messages WHERE message_id = :m", m=message_id)
        if not rows:
            return None
        row = rows[0]
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
        rows = self._rows(
            "SELECT message_id FROM messages WHERE conversation_id = :c "
            "ORDER BY created_at, message_id",
            c=conversation_id,
        )
        return [m for row in rows if (m := self.message(row["message_id"])) is not None]

    def delete_conversation(self, conversation_id: str) -> int:
        """Delete a conversation's answers and their ratings; return how many answers."""
        with self.database.write() as db:
            db.execute(
                text(
                    "DELETE FROM feedback WHERE message_id IN "
                    "(SELECT message_id FROM messages WHERE conversation_id = :c)"
                ),
                {"c": conversation_id},
            )
            return db.execute(
                text("DELETE FROM messages WHERE conversation_id = :c"), {"c": conversation_id}
            ).rowcount

    def purge(self, *, older_than_days: int) -> int:
        """Delete answers (and their ratings) older than the retention; return how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(
            timespec="microseconds"
        )
        with self.database.write() as db:
            db.execute(
                text(
                    "DELETE FROM feedback WHERE message_id IN "
                    "(SELECT message_id FROM messages WHERE created_at < :t)"
                ),
                {"t": cutoff},
            )
            return db.execute(
                text("DELETE FROM messages WHERE created_at < :t"), {"t": cutoff}
            ).rowcount

    def record_feedback(
        self, *, message_id: str, rating: Rating, comment: str | None, channel: str
    ) -> bool:
        """Store a rating (replacing an earlier one); return False if the answer is unknown."""
        with self.database.write() as db:
            known = db.execute(
                text("SELECT 1 FROM messages WHERE message_id = :m"), {"m": message_id}
            ).first()
            if known is None:
                return False
            db.execute(
                text(_RECORD_FEEDBACK),
                {
                    "message_id": message_id,
                    "rating": rating,
                    "comment": comment,
                    "channel": channel,
                    "created_at": _now(),
                },
            )
        return True

    def unanswered(self, limit: int = 1000) -> list[UnansweredRecord]:
        """Return the questions the sources did not cover, newest first."""
        rows = self._rows(
            "SELECT question, language, created_at, conversation_id, reason, channel FROM messages "
            f"WHERE answered = 0 {_NEWEST_FIRST} LIMIT :n",
            n=limit,
        )
        return [
            UnansweredRecord(
                question=row["question"],
                language=row["language"],
                created_at=row["created_at"],
                conversation_id=row["conversation_id"],
                reason=row["reason"],
                channel=row["channel"],
            )
            for row in rows
        ]

    def stats(self) -> StoreStats:
        """Return how many questions were answered or not, and the ratings received."""
        with self.database.read() as db:
            answers: dict[int, int] = dict(
                db.execute(text("SELECT answered, COUNT(*) FROM messages GROUP BY answered")).all()
            )
            ratings: dict[str, int] = dict(
                db.execute(text("SELECT rating, COUNT(*) FROM feedback GROUP BY rating")).all()
            )
        return StoreStats(
            answered=answers.get(1, 0),
            unanswered=answers.get(0, 0),
            up=ratings.get("up", 0),
            down=ratings.get("down", 0),
        )
