"""One SQL database: a SQLite file in the data dir by default, or Postgres (VNPOS_DATABASE_URL).

SQLAlchemy Core with plain SQL that both dialects accept; the schema is Alembic's
(``retrieval/migrations``), one branch per component ("registry", "app"), brought to its
head when the database is opened. Write transactions on SQLite begin IMMEDIATE, so two
processes never deadlock upgrading a read lock; reads run in autocommit and never block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from retrieval.errors import StoreError

Component = Literal["registry", "app"]
_MIGRATIONS = Path(__file__).with_name("migrations")
_VERSIONS = [_MIGRATIONS / "versions", Path(__file__).parent.parent / "bot" / "migrations"]
SETTING = "VNPOS_DATABASE_URL"


def sqlite_url(path: Path) -> str:
    """Return the URL of the SQLite file at ``path``."""
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Return ``url`` with psycopg 3 as the Postgres driver (the one installed).

    Raises:
        ValueError: ``url`` is not a SQLite or Postgres URL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError("that is not a database URL") from None
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        return url
    raise ValueError(f"{parsed.get_backend_name()!r} databases are not supported: use postgresql")


def database_password(url: SecretStr | None) -> str | None:
    """Return the password inside a database URL, for logs to blank; None without one."""
    if url is None:
        return None
    password = make_url(url.get_secret_value()).password
    return str(password) if password else None


def describe(url: str) -> str:
    """Return ``url`` without its password, for messages and logs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


class Database:
    """An engine over one database, with the transactions the stores need."""

    def __init__(self, url: str, *, name: str) -> None:
        self.url = normalise_url(url)
        self.postgres = self.url.startswith("postgresql")
        where = describe(self.url)
        self.label = f"the database {where}" if self.postgres else f"the {name} {where}"
        # Health reports name the engine when it is a separate service, else the file.
        self.dependency = "database" if self.postgres else name.replace(" ", "_")
        self.engine = _engine(self.url)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """Run statements in one write transaction, committed when the block ends."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Give a connection for reads (each statement sees the latest commit)."""
        with self.engine.connect() as conn:
            yield conn

    def migrate(self, component: Component) -> None:
        """Bring ``component``'s tables to the newest schema."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        # The OS's separator (":"), so that a checkout path with spaces still works.
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(str(p) for p in _VERSIONS))
        with self.write() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, f"{component}@head")

    def unreachable(self, exc: BaseException) -> StoreError:
        """Return the one-line error for a database that could not be used."""
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if self.postgres:
            return StoreError(
                f"cannot use {self.label} ({SETTING}): {reason}",
                dependency="database",
            )
        full = "full" in reason.lower()
        return StoreError(
            f"cannot write {self.label}: {'the disk is full' if full else reason}",
            dependency="disk" if full else self.dependency,
        )


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(
            url, pool_pre_ping=True, pool_size=4, connect_args={"connect_timeout": 5}
        )
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: object) -> None:
        # SQLAlchemy's own BEGIN handling is off so that ``_begin`` can choose the kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Reads run in autocommit: each statement sees the latest commit, and holds no lock.
        if conn.get_execution_options().get("immediate", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_database(url: str, component: Component, *, name: str, unreadable: str) -> Database:
    """Open the database at ``url`` and migrate ``component``'s tables.

    ``name`` says what the file holds ("registry"); ``unreadable`` is the advice given
    when a SQLite file is not a database.

    Raises:
        StoreError: The database cannot be reached, read or migrated.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    database = Database(url, name=name)
    try:
        database.migrate(component)
    except SQLAlchemyError as exc:
        database.close()
        if not database.postgres and "not a database" in str(exc):
            raise StoreError(
                f"{database.label} cannot be read (file is not a database); {unreadable}",
                dependency=database.dependency,
            ) from None
        raise database.unreachable(exc) from None
    return database
