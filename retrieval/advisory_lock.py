"""The store lock of replicas on several hosts: a Postgres advisory lock.

It stands in for ``StoreLock`` (both are ``WriteLock``s) when the registry is in Postgres and the
vectors are on a Chroma server, so that one replica ingests at a time whichever host
it runs on. The lock belongs to a session: Postgres drops it when its holder's
connection ends, however the holder dies, which keeps dead leases safe to sweep.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.database import Database
from retrieval.locking import Holder, WriteLock, this_process, wait_for


class AdvisoryLock(WriteLock):
    """An exclusive lock held in Postgres, for the store named ``name``."""

    def __init__(self, database: Database, *, name: str = "vnpos", role: str = "cli") -> None:
        super().__init__()
        self._database = database
        self._name = name
        self._key = zlib.crc32(f"vnpos-store:{name}".encode())
        self._role = role
        self._session: Connection | None = None

    def holder(self) -> Holder | None:
        """Return who holds the lock now, as its row says, or None."""
        try:
            with self._database.read() as db:
                found = db.execute(
                    text("SELECT holder FROM lock_holder WHERE name = :n"), {"n": self._name}
                ).scalar()
            data = json.loads(found) if found else None
            return Holder(**data) if isinstance(data, dict) else None
        except (SQLAlchemyError, ValueError, TypeError):
            return None

    def is_free(self) -> bool:
        """Return True when no process holds the lock (probing it without keeping it)."""
        if self.held:
            return False
        with self._connect() as session:
            if not self._try(session):
                return False
            session.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            return True

    def _take(self, on_wait: Callable[[str], None] | None, timeout: float | None) -> None:
        session = self._open()
        try:
            wait_for(
                lambda: self._try(session),
                self.holder,
                self._database.label,
                on_wait=on_wait,
                timeout=timeout,
            )
            self._write_holder(json.dumps(this_process(self._role).__dict__))
        except BaseException:
            # Ending the session, not returning it to the pool, is what frees a lock.
            session.invalidate()
            raise
        self._session = session

    def _give_back(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            self._write_holder(None)
            session.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            session.close()
        except SQLAlchemyError:
            session.invalidate()

    def _open(self) -> Connection:
        try:
            return self._database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except SQLAlchemyError as exc:
            raise self._database.unreachable(exc) from exc

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        session = self._open()
        try:
            yield session
        finally:
            session.close()

    def _try(self, session: Connection) -> bool:
        taken = session.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
        return bool(taken.scalar())

    def _write_holder(self, holder: str | None) -> None:
        with self._database.write() as db:
            db.execute(
                text(
                    "INSERT INTO lock_holder VALUES (:n, :h) "
                    "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder"
                ),
                {"n": self._name, "h": holder},
            )
