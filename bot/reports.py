"""What admins read about the answers given: usage, and the answers worth a second look.

Usage by day, language and channel; answers given with low confidence or rated 👎.
Queries over the app store's tables (SQLite or Postgres); the breakdowns are plain
functions over the rows they return.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import RowMapping, text

from bot.answering.models import Citation
from retrieval.database import Database

_USAGE = (
    "SELECT substr(m.created_at, 1, 10) AS day, m.language, m.channel, "
    "SUM(CASE WHEN m.answered = 1 THEN 1 ELSE 0 END) AS answered, "
    "SUM(CASE WHEN m.answered = 1 THEN 0 ELSE 1 END) AS unanswered, "
    "SUM(CASE WHEN f.rating = 'up' THEN 1 ELSE 0 END) AS up, "
    "SUM(CASE WHEN f.rating = 'down' THEN 1 ELSE 0 END) AS down "
    "FROM messages m LEFT JOIN feedback f USING (message_id) "
    "WHERE m.created_at >= :since GROUP BY 1, 2, 3"
)
_REVIEWED_COLUMNS = (
    "SELECT m.message_id, m.question, m.language, m.channel, m.answer, m.citations, "
    "m.confidence, m.created_at, f.rating, f.comment, f.channel AS rated_on, "
    "f.created_at AS rated_at FROM messages m "
    "LEFT JOIN feedback f USING (message_id) "
)


@dataclass(frozen=True)
class Usage:
    """Questions and ratings of one day, language and channel (or a sum of such)."""

    answered: int = 0
    unanswered: int = 0
    up: int = 0
    down: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.answered + other.answered,
            self.unanswered + other.unanswered,
            self.up + other.up,
            self.down + other.down,
        )


@dataclass(frozen=True)
class UsageRow:
    """The usage of one day (YYYY-MM-DD, UTC), language and channel."""

    day: str
    language: str
    channel: str
    usage: Usage


@dataclass(frozen=True)
class Rating:
    """A reader's rating of an answer (the latest one), and where it was given."""

    rating: str
    comment: str | None
    channel: str
    created_at: str


@dataclass(frozen=True)
class ReviewedAnswer:
    """An answer as it was given, with its quotes and the reader's rating if any."""

    message_id: str
    question: str
    language: str
    channel: str
    answer: str
    citations: tuple[Citation, ...]
    confidence: float | None
    created_at: str
    rating: Rating | None


def since(days: int, *, now: datetime | None = None) -> str:
    """Return the first UTC day (``YYYY-MM-DD``) of a window of ``days`` days ending today."""
    today = (now or datetime.now(UTC)).date()
    return (today - timedelta(days=days - 1)).isoformat()


def usage_rows(database: Database, *, first_day: str) -> list[UsageRow]:
    """Return the usage of every day from ``first_day`` on, by language and channel."""
    with database.read() as db:
        rows = list(db.execute(text(_USAGE), {"since": first_day}).mappings())
    return [
        UsageRow(
            day=row["day"],
            language=row["language"],
            channel=row["channel"],
            usage=Usage(
                int(row["answered"]), int(row["unanswered"]), int(row["up"]), int(row["down"])
            ),
        )
        for row in rows
    ]


def usage_by(rows: Iterable[UsageRow], key: str) -> dict[str, Usage]:
    """Sum ``rows`` by ``key`` (day, language or channel), keys in order."""
    totals: dict[str, Usage] = {}
    for row in rows:
        value = getattr(row, key)
        totals[value] = totals.get(value, Usage()) + row.usage
    return dict(sorted(totals.items()))


def latencies_by_day(database: Database, *, first_day: str) -> dict[str, list[float]]:
    """Return every answer's latency in milliseconds, by UTC day, from ``first_day`` on."""
    with database.read() as db:
        rows = db.execute(
            text(
                "SELECT substr(created_at, 1, 10) AS day, latency_ms FROM messages "
                "WHERE created_at >= :since"
            ),
            {"since": first_day},
        ).all()
    found: dict[str, list[float]] = {}
    for day, latency in rows:
        found.setdefault(str(day), []).append(float(latency))
    return found


def low_confidence_answers(database: Database, *, below: float, limit: int) -> list[ReviewedAnswer]:
    """Return answers given with a confidence under ``below``, newest first."""
    return _reviewed(
        database,
        "WHERE m.answered = 1 AND m.confidence IS NOT NULL AND m.confidence < :below "
        "ORDER BY m.created_at DESC, m.message_id DESC LIMIT :n",
        below=below,
        n=limit,
    )


def rated_answers(database: Database, *, rating: str | None, limit: int) -> list[ReviewedAnswer]:
    """Return the rated answers (only those rated ``rating`` when given), newest rating first."""
    order = "ORDER BY f.created_at DESC, m.message_id DESC LIMIT :n"
    if rating is None:
        return _reviewed(database, "WHERE f.rating IS NOT NULL " + order, n=limit)
    return _reviewed(database, "WHERE f.rating = :rating " + order, rating=rating, n=limit)


def _reviewed(database: Database, clause: str, **args: object) -> list[ReviewedAnswer]:
    with database.read() as db:
        rows: list[RowMapping] = list(db.execute(text(_REVIEWED_COLUMNS + clause), args).mappings())
    return [
        ReviewedAnswer(
            message_id=row["message_id"],
            question=row["question"],
            language=row["language"],
            channel=row["channel"],
            answer=row["answer"],
            citations=tuple(Citation.model_validate(c) for c in json.loads(row["citations"])),
            confidence=row["confidence"],
            created_at=row["created_at"],
            rating=Rating(row["rating"], row["comment"], row["rated_on"], row["rated_at"])
            if row["rating"]
            else None,
        )
        for row in rows
    ]
