"""The registry as it was before Alembic: documents, fingerprints, leases, change log, glossary.

Idempotent, so that registries made by earlier releases (tables present, no version
table) are adopted as they are; columns that old registries lack are added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = None

_TABLES = [
    """CREATE TABLE IF NOT EXISTS documents (
        doc_id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        publisher TEXT,
        published TEXT,
        url TEXT,
        language TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        full_text TEXT NOT NULL,
        text TEXT NOT NULL,
        chunk_ids TEXT NOT NULL,
        paragraphs INTEGER NOT NULL,
        ingested_at TEXT NOT NULL,
        origin TEXT,
        text_hash TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS fingerprints (
        fingerprint TEXT NOT NULL,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE
    )""",
    "CREATE INDEX IF NOT EXISTS fingerprints_by_print ON fingerprints(fingerprint)",
    "CREATE INDEX IF NOT EXISTS fingerprints_by_doc ON fingerprints(doc_id)",
    "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS leases (
        ingestion_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS tombstones (chunk_id TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS changes (generation BIGINT PRIMARY KEY, doc_id TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS glossary (
        glossary_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        term TEXT NOT NULL,
        aliases TEXT NOT NULL,
        translations TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (glossary_id, position)
    )""",
]
_ADDED_COLUMNS = {"origin": "TEXT", "text_hash": "TEXT"}


def upgrade() -> None:
    """Create what is missing."""
    for statement in _TABLES:
        op.execute(statement)
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("documents")}
    for column, kind in _ADDED_COLUMNS.items():
        if column not in present:
            op.execute(f"ALTER TABLE documents ADD COLUMN {column} {kind}")
    op.execute("CREATE INDEX IF NOT EXISTS documents_by_text ON documents(text_hash)")


def downgrade() -> None:
    """Refuse: the baseline is where every registry starts."""
    raise NotImplementedError("the registry's baseline cannot be downgraded")
