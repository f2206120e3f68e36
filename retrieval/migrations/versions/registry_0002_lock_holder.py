"""Who holds the ingestion lock of a shared database, so that a waiting writer can say."""

from __future__ import annotations

from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table."""
    op.execute("CREATE TABLE IF NOT EXISTS lock_holder (name TEXT PRIMARY KEY, holder TEXT)")


def downgrade() -> None:
    """Drop the table."""
    op.execute("DROP TABLE lock_holder")
