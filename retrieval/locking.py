"""The store lock: one process at a time writes to a data dir's knowledge base.

An exclusive ``flock`` on ``DATA_DIR/vnpos.lock``; the file also says who holds it
(pid, host, command, since when), so a process that has to wait can say for whom.
The kernel drops the lock when its holder dies, however it dies, which is what makes
leases safe to sweep: while we hold the lock, no other ingestion of this data dir is
running, so any lease it left is dead.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from retrieval.errors import StoreBusy

__all__ = ["Holder", "StoreLock", "WriteLock", "this_process", "wait_for"]

_POLL_S = 0.2
# Processes that hold the lock for as long as they run: waiting for them is pointless.
LONG_LIVED = frozenset({"serve", "bot"})


@dataclass(frozen=True)
class Holder:
    """A process as the lock file describes it."""

    pid: int
    host: str
    command: str
    since: float
    role: str = "cli"

    def describe(self) -> str:
        """Return "pid 123 on host (vnpos ingest corpus/) since 12:00:01"."""
        started = time.strftime("%H:%M:%S", time.localtime(self.since))
        return f"pid {self.pid} on {self.host} ({self.command}) since {started}"


class WriteLock(ABC):
    """An exclusive lock, re-entrant within the process: this file's, or Postgres's.

    Nested holders in one process share one lock; subclasses only take it (``_take``)
    and give it back (``_give_back``) for the outermost one.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._mutex = threading.RLock()

    @property
    def held(self) -> bool:
        """Return True while this process holds the lock."""
        return self._depth > 0

    @abstractmethod
    def holder(self) -> Holder | None:
        """Return who holds the lock now, or None."""

    @abstractmethod
    def is_free(self) -> bool:
        """Return True when no process holds the lock (probing it without keeping it)."""

    @abstractmethod
    def _take(self, on_wait: Callable[[str], None] | None, timeout: float | None) -> None:
        """Take the lock for this process (see ``wait_for``)."""

    @abstractmethod
    def _give_back(self) -> None:
        """Give the lock back to other processes."""

    def acquire(
        self, *, on_wait: Callable[[str], None] | None = None, timeout: float | None = None
    ) -> None:
        """Take the lock, waiting for its holder when ``on_wait`` is given.

        ``on_wait`` is called once, with a sentence saying whom we wait for. Without it,
        or when the holder is a server or bot (which keeps the lock while it runs), a
        held lock raises at once.

        Raises:
            StoreBusy: The lock is held and we may not wait, or ``timeout`` passed.
        """
        with self._mutex:
            if not self._depth:
                self._take(on_wait, timeout)
            self._depth += 1

    def release(self) -> None:
        """Give the lock back (when the outermost holder of this process releases it)."""
        with self._mutex:
            if not self._depth:
                return
            self._depth -= 1
            if not self._depth:
                self._give_back()

    @contextmanager
    def hold(
        self, *, on_wait: Callable[[str], None] | None = None, timeout: float | None = None
    ) -> Iterator[None]:
        """Hold the lock for the duration of a ``with`` block."""
        self.acquire(on_wait=on_wait, timeout=timeout)
        try:
            yield
        finally:
            self.release()


def this_process(role: str = "cli") -> Holder:
    """Describe the current process."""
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv else "?"
    return Holder(os.getpid(), socket.gethostname(), command, time.time(), role)


class StoreLock(WriteLock):
    """An exclusive ``flock`` on a data dir's store."""

    def __init__(self, path: Path, *, role: str = "cli") -> None:
        super().__init__()
        self.path = path
        self._role = role
        self._file: IO[str] | None = None

    def holder(self) -> Holder | None:
        """Return who holds the lock now, as its file says, or None."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "null")
            return Holder(**data) if isinstance(data, dict) else None
        except (OSError, ValueError, TypeError):
            return None

    def is_free(self) -> bool:
        """Return True when no process holds the lock (probing it without keeping it)."""
        if self.held:
            return False
        with self._open() as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle, fcntl.LOCK_UN)
            return True

    def _take(self, on_wait: Callable[[str], None] | None, timeout: float | None) -> None:
        handle = self.path.open("a+", encoding="utf-8")
        try:
            self._wait_for(handle, on_wait, timeout)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(this_process(self._role).__dict__))
        handle.flush()
        self._file = handle

    def _give_back(self) -> None:
        handle, self._file = self._file, None
        if handle is None:
            return
        with suppress(OSError):
            handle.seek(0)
            handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    def _wait_for(
        self, handle: IO[str], on_wait: Callable[[str], None] | None, timeout: float | None
    ) -> None:
        def take() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        wait_for(take, self.holder, str(self.path.parent), on_wait=on_wait, timeout=timeout)

    @contextmanager
    def _open(self) -> Iterator[IO[str]]:
        handle = self.path.open("a+", encoding="utf-8")
        try:
            yield handle
        finally:
            handle.close()


def wait_for(
    take: Callable[[], bool],
    holder_of: Callable[[], Holder | None],
    where: str,
    *,
    on_wait: Callable[[str], None] | None,
    timeout: float | None,
) -> None:
    """Call ``take`` until it returns True, telling ``on_wait`` once whom we wait for.

    Without ``on_wait``, or when the holder is a server or bot (which keeps the lock
    while it runs), a held lock raises at once.

    Raises:
        StoreBusy: The lock is held and we may not wait, or ``timeout`` passed.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while not take():
        holder = holder_of()
        who = holder.describe() if holder else "another process"
        forever = holder is not None and holder.role in LONG_LIVED
        if on_wait is None or forever or (deadline is not None and time.monotonic() > deadline):
            hint = "; stop it first, or work on a copy of the data dir" if forever else ""
            raise StoreBusy(
                f"the knowledge base in {where} is in use by {who}{hint}", holder=holder
            )
        if not told:
            on_wait(f"waiting for {who} to finish with {where} ...")
            told = True
        time.sleep(_POLL_S)
