"""A running server announces itself in its data dir, so that commands hand it their work.

``vnpos serve`` writes ``DATA_DIR/server.json`` (mode 0600): its loopback URL, its pid
and a credential made for this run. A command on the same data dir that finds a live
server sends ingestion, deletion, repair and questions to it instead of opening the
store behind its back. Whoever can read the file can read the data dir anyway: the
credential gives nothing the file system does not.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

STATE_FILE = "server.json"


@dataclass(frozen=True)
class LocalServer:
    """How to reach the server that owns a data dir."""

    url: str
    pid: int
    host: str
    token: str

    @staticmethod
    def new(url: str) -> LocalServer:
        """Describe this process as the server at ``url``, with a fresh credential."""
        return LocalServer(url, os.getpid(), socket.gethostname(), secrets.token_urlsafe(32))


def loopback_url(host: str, port: int) -> str:
    """Return the URL a local command uses to reach a server bound to ``host:port``."""
    if host in ("0.0.0.0", "", "*"):
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def advertise(data_dir: Path, server: LocalServer) -> None:
    """Write the state file atomically, readable by this user only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{STATE_FILE}.{server.pid}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(server), out)
    os.replace(temporary, data_dir / STATE_FILE)


def withdraw(data_dir: Path, server: LocalServer) -> None:
    """Remove the state file if it still describes ``server``."""
    path = data_dir / STATE_FILE
    if _read(path) == server:
        path.unlink(missing_ok=True)


def find(data_dir: Path, *, timeout: float = 3.0) -> LocalServer | None:
    """Return the live server of ``data_dir``, or None (stale files are ignored)."""
    server = _read(data_dir / STATE_FILE)
    if server is None or server.host != socket.gethostname() or not _alive(server.pid):
        return None
    try:
        httpx.get(f"{server.url}/healthz", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return None
    return server


def _read(path: Path) -> LocalServer | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LocalServer(**data)
    except (OSError, ValueError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
