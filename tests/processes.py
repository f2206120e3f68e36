"""Running ``vnpos`` commands as real processes, the way an operator does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import MODEL_CACHE, REPO
from tests.servers import free_port


def vnpos_command() -> list[str]:
    """Return how to start the installed ``vnpos`` command."""
    found = shutil.which("vnpos") or str(Path(sys.executable).parent / "vnpos")
    return (
        [found]
        if Path(found).exists()
        else [sys.executable, "-c", "from bot.cli import main; main()"]
    )


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    """Return an environment for ``vnpos`` on ``data_dir`` (no .env, offline hub)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNPOS_")}
    env.update(
        HF_HUB_OFFLINE="1",
        VNPOS_DATA_DIR=str(data_dir),
        VNPOS_MODEL_DIR=str(MODEL_CACHE),
        VNPOS_LLM_PROVIDER="none",
        VNPOS_RATE_LIMIT_IP_PER_MIN="0",
        VNPOS_CORPUS_DIR=str(REPO / "corpus"),
    )
    env.update({f"VNPOS_{k.upper()}": v for k, v in settings.items()})
    return env


def run(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``vnpos ARGS`` to completion; return its exit code and output."""
    return subprocess.run(
        [*vnpos_command(), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def start(*args: str, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[str]:
    """Start ``vnpos ARGS`` in the background, its output going to ``log``."""
    handle = log.open("w")
    return subprocess.Popen(
        [*vnpos_command(), *args],
        env=env,
        cwd=cwd,
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
    )


@contextmanager
def served(env: dict[str, str], cwd: Path, log: Path) -> Iterator[str]:
    """Run ``vnpos serve`` on a free port until its /healthz says ok; yield its URL."""
    with served_process(env, cwd, log) as (url, _):
        yield url


@contextmanager
def served_process(
    env: dict[str, str], cwd: Path, log: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Like ``served``, also yielding the process (to kill it)."""
    port = free_port()
    process = start("serve", "--port", str(port), env=env, cwd=cwd, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"vnpos serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise TimeoutError(f"vnpos serve was not ready: {log.read_text()[-2000:]}")
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=60)


@dataclass
class Prober:
    """Searches a server every ``interval`` seconds and keeps the status codes."""

    url: str
    interval: float = 0.5
    statuses: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Prober:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        queries = ["thông tin đối ngoại", "Biển Đông", "kinh tế Việt Nam", "bóng đá"]
        i = 0
        while not self._stop.wait(self.interval):
            try:
                response = httpx.post(
                    f"{self.url}/api/search", json={"query": queries[i % 4], "k": 5}, timeout=60
                )
                self.statuses.append(response.status_code)
            except httpx.HTTPError:
                self.statuses.append(0)
            i += 1
