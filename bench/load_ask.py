"""Load test of POST /api/ask (extractive mode), plus the time `vnpos serve` takes to be ready.

Without --url it builds a temporary data dir, ingests corpus/ into it, starts
`vnpos serve` on a free loopback port (rate limits off) and measures, in order: seconds
from launch to a ready /healthz (model already built), then N concurrent clients asking
for D seconds. Prints the first answer's time against the next ones', how soon a
streamed answer sends its first event, throughput, latency percentiles, errors and the
server's peak RSS.

    python bench/load_ask.py                      # 20 clients, 60 s, own server
    python bench/load_ask.py --clients 5 --duration 10
    python bench/load_ask.py --url http://127.0.0.1:8000   # an already running server
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO.parent / "shared" / "eval" / "seed_questions.jsonl"
FALLBACK_QUESTIONS = [
    "Quelle entreprise coréenne coopère avec le Département de l'information pour "
    "l'étranger sur le site vmusic.vn ?",
    "When did the Politburo issue Conclusion No. 57-KL/TW on foreign information work?",
    "Thông tin đối ngoại của Thông tấn xã Việt Nam được đăng tải trên bao nhiêu hãng?",
]


def questions() -> list[str]:
    if QUESTIONS.exists():
        lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["question"] for line in lines if line.strip()]
    return FALLBACK_QUESTIONS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def vnpos(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("vnpos")
    launcher = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from bot.cli import main; main()"]
    )
    command = [*launcher, *args]
    return subprocess.Popen(command, cwd=REPO, env=env, **kwargs)  # type: ignore[call-overload]


def peak_rss_mb(pid: int) -> float:
    """Return the peak resident set size (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def own_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Ingest corpus/ into a temp data dir and run `vnpos serve` on it."""
    with tempfile.TemporaryDirectory(prefix="vnpos-load-") as data_dir:
        env = {
            **os.environ,
            "VNPOS_DATA_DIR": data_dir,
            "VNPOS_LLM_PROVIDER": "none",
            "VNPOS_MODEL_DIR": os.environ.get("VNPOS_MODEL_DIR", str(REPO / "data" / "models")),
            "VNPOS_RATE_LIMIT_IP_PER_MIN": "0",
            "VNPOS_RATE_LIMIT_KEY_PER_MIN": "0",
            "VNPOS_WIDGET_KEYS": "{}",
            "VNPOS_ADMIN_API_KEYS": "",
        }
        started = time.perf_counter()
        if vnpos("ingest", str(REPO / "corpus"), env=env).wait() != 0:
            raise SystemExit("ingestion failed")
        print(f"ingest corpus/: {time.perf_counter() - started:.1f} s")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = vnpos("serve", "--port", str(port), env=env, stderr=subprocess.DEVNULL)
        try:
            wait_ready(url, timeout=120)
            print(
                f"vnpos serve -> ready /healthz: {time.perf_counter() - started:.1f} s "
                "(target < 15 s)"
            )
            yield url, server
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_ready(url: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} was not ready within {timeout} s")


async def client(
    http: httpx.AsyncClient,
    url: str,
    asked: list[str],
    deadline: float,
    offset: int,
    latencies: list[float],
    outcomes: Counter[str],
) -> None:
    i = offset
    while time.monotonic() < deadline:
        question = asked[i % len(asked)]
        i += 1
        started = time.perf_counter()
        try:
            response = await http.post(f"{url}/api/ask", json={"question": question})
        except httpx.HTTPError as exc:
            outcomes[type(exc).__name__] += 1
            continue
        latencies.append(time.perf_counter() - started)
        outcomes[str(response.status_code)] += 1


async def first_answers(url: str, count: int = 10) -> None:
    """Print the first answer's time after /healthz said ok, against the next ones'."""
    asked = questions()
    took = []
    async with httpx.AsyncClient(timeout=600) as http:
        # The client's own first request costs ~30 ms (connection pool, lazy imports);
        # it is spent on /healthz, as a reader's page has loaded before it asks.
        await http.get(f"{url}/healthz")
        for question in asked[:count]:
            started = time.perf_counter()
            await http.post(f"{url}/api/ask", json={"question": question})
            took.append((time.perf_counter() - started) * 1000)
    warm = sorted(took[1:])[len(took[1:]) // 2]
    print(
        f"first answer after ready: {took[0]:.0f} ms; median of the next {count - 1}: "
        f"{warm:.0f} ms ({took[0] / warm:.1f}x, target <= 2x)"
    )


async def first_events(url: str, count: int = 20) -> None:
    """Print how soon /api/ask/stream sends its first event and its first text."""
    asked = questions()
    first: list[float] = []
    text: list[float] = []
    async with httpx.AsyncClient(timeout=600) as http:
        # The client's own first request costs ~30 ms (connection pool, lazy imports);
        # it is spent on /healthz, as a reader's page has loaded before it asks.
        await http.get(f"{url}/healthz")
        for question in asked[:count]:
            started = time.perf_counter()
            seen: dict[str, float] = {}
            async with http.stream(
                "POST", f"{url}/api/ask/stream", json={"question": question}
            ) as response:
                async for line in response.aiter_lines():
                    if line.startswith("event:"):
                        seen.setdefault("any", time.perf_counter() - started)
                    if line.startswith("event: delta"):
                        seen.setdefault("delta", time.perf_counter() - started)
            first.append(seen["any"] * 1000)
            text.append(seen.get("delta", float("nan")) * 1000)
    first.sort()
    text.sort()
    print(
        f"stream, {count} questions one at a time: first event p50 {first[len(first) // 2]:.0f} "
        f"ms, max {first[-1]:.0f} ms (target < 100 ms); first text p50 "
        f"{text[len(text) // 2]:.0f} ms"
    )


async def load(url: str, *, clients: int, duration: float) -> None:
    asked = questions()
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=600, limits=limits) as http:
        await http.post(f"{url}/api/ask", json={"question": asked[0]})  # warm-up
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(
            *(client(http, url, asked, deadline, n, latencies, outcomes) for n in range(clients))
        )
        elapsed = time.monotonic() - started
    report(latencies, outcomes, elapsed=elapsed, clients=clients)


def report(latencies: list[float], outcomes: Counter[str], *, elapsed: float, clients: int) -> None:
    done = sorted(latencies)
    ok = outcomes.get("200", 0)

    def pct(p: float) -> float:
        return done[min(len(done) - 1, int(p / 100 * len(done)))] * 1000 if done else float("nan")

    print(
        f"clients {clients}, {elapsed:.1f} s: {len(done)} responses, {ok} ok "
        f"({ok / elapsed:.2f} answers/s)"
    )
    print(
        f"latency ms: p50 {pct(50):.0f}  p95 {pct(95):.0f}  p99 {pct(99):.0f}  "
        f"max {done[-1] * 1000 if done else float('nan'):.0f}"
    )
    errors = {k: v for k, v in outcomes.items() if k != "200"}
    print(f"errors: {sum(errors.values())} {errors or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (loopback only)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    args = parser.parse_args()
    if args.url:
        if httpx.URL(args.url).host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("this benchmark only targets loopback servers")
        asyncio.run(load(args.url, clients=args.clients, duration=args.duration))
        return
    with own_server() as (url, server):
        asyncio.run(first_answers(url))
        asyncio.run(first_events(url))
        asyncio.run(load(url, clients=args.clients, duration=args.duration))
        print(f"server peak RSS: {peak_rss_mb(server.pid):.0f} MB")


if __name__ == "__main__":
    main()
