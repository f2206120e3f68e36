"""Official editions: which document translates which, and their sentence alignment."""

from __future__ import annotations

from alembic import op

revision = "registry_0003"
down_revision = "registry_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table."""
    op.execute(
        "CREATE TABLE IF NOT EXISTS editions ("
        "doc_id TEXT PRIMARY KEY, original_id TEXT NOT NULL, how TEXT NOT NULL, "
        "similarity REAL, alignment TEXT)"
    )
    op.execute("CREATE INDEX IF NOT EXISTS editions_original ON editions (original_id)")


def downgrade() -> None:
    """Drop the table."""
    op.execute("DROP TABLE editions")
