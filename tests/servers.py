"""Real servers on free loopback ports for tests: Chroma, Redis, Postgres and uvicorn apps."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import uvicorn

from bot.settings import Settings
from bot.web.server import uvicorn_config


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, *, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers below 500 or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not come up within {timeout}s")


@dataclass
class ServerProcess:
    """A running server (``chroma run``, ``redis-server``): its URL, a way to stop it early."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@contextmanager
def chroma_process(path: Path, *, port: int | None = None) -> Iterator[ServerProcess]:
    """Run ``chroma run`` on a free loopback port (or ``port``) until the block ends."""
    port = port or free_port()
    executable = shutil.which("chroma") or str(Path(__file__).parents[1] / ".venv/bin/chroma")
    process = subprocess.Popen(
        [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = ServerProcess(f"http://127.0.0.1:{port}", process)
    try:
        wait_for(f"{running.url}/api/v2/heartbeat")
        yield running
    finally:
        running.stop()


@contextmanager
def chroma_server(path: Path, *, port: int | None = None) -> Iterator[str]:
    """Run ``chroma run`` on a free loopback port (or ``port``); yield its URL."""
    with chroma_process(path, port=port) as running:
        yield running.url


@contextmanager
def serve_app(
    app: object,
    *,
    ready_path: str = "/healthz",
    timeout: float = 120.0,
    settings: Settings | None = None,
) -> Iterator[str]:
    """Run an ASGI app under uvicorn, configured as `vnpos serve` runs it; yield its URL."""
    port = free_port()
    settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    config = uvicorn_config(app, settings, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + ready_path, timeout=timeout)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def redis_process(path: Path) -> Iterator[ServerProcess]:
    """Run a throwaway ``redis-server`` (no persistence) on a free loopback port."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed: run `make services`")
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = ServerProcess(f"redis://127.0.0.1:{port}/0", process)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield running
    finally:
        running.stop()


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("Postgres is not installed: run `make services`")
    return found[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_process() -> Iterator[ServerProcess]:
    """Run a throwaway Postgres (initdb in a temporary dir, a free loopback port, trust auth).

    Its URL names the ``postgres`` database as user ``vnpos``; ``fresh_database`` makes
    one database per test. The system cluster, if any, is never touched.
    """
    binaries = _postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="vnpos-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = directory / "cluster"
    subprocess.run(
        _as_postgres(
            [
                *(str(binaries / "initdb"), "-D", str(cluster), "-U", "vnpos", "--auth=trust"),
                *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    server = [str(binaries / "postgres"), "-D", str(cluster), "-p", str(port)]
    settings = ["-k", str(directory), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    process = subprocess.Popen(
        _as_postgres([*server, *settings, "-c", "max_connections=200"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = ServerProcess(f"postgresql://vnpos@127.0.0.1:{port}/postgres", process)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(running.url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield running
    finally:
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """Create an empty database on the Postgres at ``server_url``; return its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"
