"""Two web replicas as on two hosts: one Chroma server, one Redis, one Postgres, own data dirs.

``vnpos serve`` twice with ``VNPOS_ROLE=web`` and nothing shared on disk: a document added
through one is found through the other within 2 s, a conversation started on one
continues on the other, and killing one in the middle of ingestions leaves the other
answering and nothing partial.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from bench.ingest_news import read_articles
from tests.conftest import CORPUS, SHARED
from tests.processes import Prober, environment, run, served, served_process
from tests.servers import chroma_server, fresh_database, redis_process

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

ADMIN = {"authorization": "Bearer replica-admin-key"}
NEWS = SHARED / "bench-data" / "news-vi-baomoi-2017"


def _replica_envs(tmp_path: Path, **services: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the environments of replicas A and B (a data dir each), the seeds ingested."""
    a, b = (
        environment(
            tmp_path / f"host-{name}", role="web", admin_api_keys="replica-admin-key", **services
        )
        for name in "ab"
    )
    ingested = run("ingest", str(CORPUS), env=a, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    return a, b


def _found_within(url: str, query: str, term: str, *, seconds: float) -> float | None:
    """Return how long until searching ``url`` for ``query`` shows ``term``, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        hits = httpx.post(f"{url}/api/search", json={"query": query, "k": 3}).json()["results"]
        if any(term in hit["text"] for hit in hits):
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def test_two_web_replicas_share_documents_and_conversations(
    tmp_path: Path, postgres_server: str
) -> None:
    with (
        chroma_server(tmp_path / "chroma") as chroma_url,
        redis_process(tmp_path / "redis") as redis,
    ):
        env_a, env_b = _replica_envs(
            tmp_path,
            chroma_url=chroma_url,
            redis_url=redis.url,
            database_url=fresh_database(postgres_server),
        )
        with (
            served(env_a, tmp_path, tmp_path / "a.log") as a,
            served(env_b, tmp_path, tmp_path / "b.log") as b,
        ):
            added = httpx.post(
                f"{a}/api/admin/documents",
                headers=ADMIN,
                json={
                    "title": "Thông cáo về hợp tác nghề cá",
                    "text": "Việt Nam và Indonesia ký thỏa thuận hợp tác nghề cá Zarafin năm 2026.",
                },
                timeout=120,
            )
            assert added.status_code == 201, added.text
            took = _found_within(b, "thỏa thuận nghề cá Zarafin", "Zarafin", seconds=2.0)
            assert took is not None, "replica B did not find the document added through A"

            first = httpx.post(
                f"{a}/api/ask",
                json={"question": "Ai là Trưởng Ban Chỉ đạo công tác thông tin đối ngoại?"},
                timeout=120,
            ).json()
            follow_up = httpx.post(
                f"{b}/api/ask",
                json={
                    "question": "Và ông ấy đã phát biểu gì?",
                    "conversation_id": first["conversation_id"],
                },
                timeout=120,
            )
            assert follow_up.status_code == 200
            assert follow_up.json()["conversation_id"] == first["conversation_id"]
            exported = httpx.get(
                f"{a}/api/admin/conversations/{first['conversation_id']}", headers=ADMIN
            ).json()
            assert len(exported["messages"]) == 2


def test_killing_a_replica_mid_ingestion_leaves_the_other_answering(
    tmp_path: Path, postgres_server: str
) -> None:
    articles = read_articles(NEWS, 30)
    with (
        chroma_server(tmp_path / "chroma") as chroma_url,
        redis_process(tmp_path / "redis") as redis,
    ):
        env_a, env_b = _replica_envs(
            tmp_path,
            chroma_url=chroma_url,
            redis_url=redis.url,
            database_url=fresh_database(postgres_server),
        )
        with served(env_b, tmp_path, tmp_path / "b.log") as b, Prober(b, interval=0.3) as probe:
            with served_process(env_a, tmp_path, tmp_path / "a.log") as (a, replica_a):

                def feed() -> None:
                    for article in articles:
                        try:
                            httpx.post(
                                f"{a}/api/admin/documents",
                                headers=ADMIN,
                                json={"title": article["title"], "text": article["body"]},
                                timeout=120,
                            )
                        except httpx.HTTPError:
                            return

                feeding = threading.Thread(target=feed, daemon=True)
                feeding.start()
                time.sleep(6)
                replica_a.send_signal(signal.SIGKILL)
                replica_a.wait(timeout=30)
                feeding.join(timeout=60)
            time.sleep(1)
        assert probe.statuses and set(probe.statuses) == {200}, probe.statuses
        checked = run("check", env=env_b, cwd=tmp_path)
        assert "missing 0 " in checked.stdout, checked.stdout
        assert "consistent" in checked.stdout.splitlines()[-1] or "in flight" in checked.stdout
