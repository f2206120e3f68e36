"""Real servers on free loopback ports for tests: a Chroma server and uvicorn apps."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn


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


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """Run ``chroma run`` on a free loopback port; yield its URL."""
    port = free_port()
    executable = shutil.which("chroma") or str(Path(__file__).parents[1] / ".venv/bin/chroma")
    process = subprocess.Popen(
        [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/api/v2/heartbeat")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def serve_app(
    app: object, *, ready_path: str = "/healthz", timeout: float = 120.0
) -> Iterator[str]:
    """Run an ASGI app under a real uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
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
