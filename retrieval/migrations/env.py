"""Alembic's entry point: migrate on the connection that ``Database.migrate`` hands over."""

from __future__ import annotations

from alembic import context

# Any constant: replicas starting together on Postgres take turns to migrate.
_MIGRATION_LOCK = 0x766E706F73

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
context.run_migrations()
