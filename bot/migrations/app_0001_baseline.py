"""The app store as it was before Alembic: answers, feedback, Telegram chat state.

Idempotent, so that app stores made by earlier releases are adopted as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "app_0001"
down_revision = None
branch_labels = ("app",)
depends_on = None

_TABLES = [
    """CREATE TABLE IF NOT EXISTS messages (
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
        latency_ms DOUBLE PRECISION NOT NULL,
        created_at TEXT NOT NULL,
        reason TEXT,
        confidence DOUBLE PRECISION
    )""",
    "CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id)",
    """CREATE TABLE IF NOT EXISTS feedback (
        message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
        rating TEXT NOT NULL,
        comment TEXT,
        channel TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS telegram_state (
        kind TEXT NOT NULL,
        key BIGINT NOT NULL,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    )""",
]
_ADDED_COLUMNS = {"reason": "TEXT", "confidence": "DOUBLE PRECISION"}


def upgrade() -> None:
    """Create what is missing."""
    for statement in _TABLES:
        op.execute(statement)
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("messages")}
    for column, kind in _ADDED_COLUMNS.items():
        if column not in present:
            op.execute(f"ALTER TABLE messages ADD COLUMN {column} {kind}")
    op.execute("CREATE INDEX IF NOT EXISTS messages_by_time ON messages (created_at)")


def downgrade() -> None:
    """Refuse: the baseline is where every app store starts."""
    raise NotImplementedError("the app store's baseline cannot be downgraded")
