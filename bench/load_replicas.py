"""Two web replicas on Postgres + Redis + a Chroma server, under 20 clients each.

Starts a throwaway Postgres, Redis and `chroma run` on loopback, ingests corpus/ through
the CLI, then runs `vnpos serve` (VNPOS_ROLE=web) twice with a data dir each, as on two
hosts. Prints: one replica under 20 clients, then both under 20 clients each (same
questions, same duration), the time for a document added through A to be found through
B, and each replica's peak RSS. Timings are for comparing within one run.

    python bench/load_replicas.py                 # 60 s per load phase
    python bench/load_replicas.py --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx

# Run as a script: the repository root holds bench/ and tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_ask import (
    REPO,
    client,
    free_port,
    peak_rss_mb,
    questions,
    report,
    vnpos,
    wait_ready,
)
from tests.servers import chroma_process, fresh_database, postgres_process, redis_process

ADMIN = {"authorization": "Bearer bench-admin-key"}


async def load(urls: list[str], *, clients: int, duration: float) -> None:
    """Run ``clients`` clients per URL for ``duration`` seconds; print what they saw."""
    asked = questions()
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    total = clients * len(urls)
    async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(max_connections=total)) as http:
        for url in urls:
            await http.post(f"{url}/api/ask", json={"question": asked[0]})  # warm-up
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(
            *(
                client(http, urls[n % len(urls)], asked, deadline, n, latencies, outcomes)
                for n in range(total)
            )
        )
        elapsed = time.monotonic() - started
    report(latencies, outcomes, elapsed=elapsed, clients=total)


def seen_on_other_replica(a: str, b: str) -> float:
    """Add a document through ``a``; return seconds until ``b`` finds it."""
    text = "Việt Nam và Chile ký bản ghi nhớ về hợp tác thông tin Quellón năm 2026."
    response = httpx.post(
        f"{a}/api/admin/documents",
        headers=ADMIN,
        json={"title": "Bản ghi nhớ Quellón", "text": text},
        timeout=120,
    )
    response.raise_for_status()
    started = time.monotonic()
    while time.monotonic() - started < 30:
        hits = httpx.post(f"{b}/api/search", json={"query": "Quellón", "k": 3}).json()["results"]
        if any("Quellón" in hit["text"] for hit in hits):
            return time.monotonic() - started
        time.sleep(0.02)
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="clients per replica")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per load phase")
    args = parser.parse_args()
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vnpos-replicas-")))
        postgres = stack.enter_context(postgres_process())
        chroma = stack.enter_context(chroma_process(root / "chroma"))
        redis = stack.enter_context(redis_process(root / "redis"))
        envs = [
            {
                **os.environ,
                "VNPOS_DATA_DIR": str(root / f"host-{name}"),
                "VNPOS_MODEL_DIR": os.environ.get("VNPOS_MODEL_DIR", str(REPO / "data/models")),
                "VNPOS_LLM_PROVIDER": "none",
                "VNPOS_ROLE": "web",
                "VNPOS_CHROMA_URL": chroma.url,
                "VNPOS_REDIS_URL": redis.url,
                "VNPOS_DATABASE_URL": fresh_database(postgres.url),
                "VNPOS_RATE_LIMIT_IP_PER_MIN": "0",
                "VNPOS_RATE_LIMIT_KEY_PER_MIN": "0",
                "VNPOS_ADMIN_API_KEYS": "bench-admin-key",
            }
            for name in "ab"
        ]
        envs[1]["VNPOS_DATABASE_URL"] = envs[0]["VNPOS_DATABASE_URL"]
        if vnpos("ingest", str(REPO / "corpus"), env=envs[0]).wait() != 0:
            raise SystemExit("ingestion failed")
        servers = []
        for env in envs:
            port = free_port()
            server = vnpos("serve", "--port", str(port), env=env, stderr=subprocess.DEVNULL)
            stack.callback(server.wait, 30)
            stack.callback(server.terminate)
            servers.append((f"http://127.0.0.1:{port}", server))
        for url, _ in servers:
            wait_ready(url, timeout=180)
        (a, _), (b, _) = servers
        print(f"one replica, {args.clients} clients:")
        asyncio.run(load([a], clients=args.clients, duration=args.duration))
        print(f"two replicas, {args.clients} clients each (one machine, {os.cpu_count()} cores):")
        asyncio.run(load([a, b], clients=args.clients, duration=args.duration))
        print(
            f"document added through A, found through B after {seen_on_other_replica(a, b):.2f} s"
        )
        rss = [f"{peak_rss_mb(server.pid):.0f} MB" for _, server in servers]
        print(f"peak RSS: A {rss[0]}, B {rss[1]}")


if __name__ == "__main__":
    main()
