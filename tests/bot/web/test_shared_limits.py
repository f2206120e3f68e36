"""Rate limits shared by replicas through a real redis-server, and what happens without it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.web.shared_limits import RedisUnreachable, SharedLimits, SharedRateLimiter
from tests.bot.web.conftest import services_never_load
from tests.servers import free_port, redis_process, serve_app


@contextmanager
def _replicas(tmp_path: Path, redis_url: str, count: int) -> Iterator[list[str]]:
    """Serve ``count`` apps sharing one Redis, 5 requests a minute per client."""
    with services_never_load() as gate, ExitStack() as stack:
        urls = []
        for n in range(count):
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                data_dir=tmp_path / f"replica-{n}",
                rate_limit_ip_per_min=5,
                redis_url=redis_url,
            )
            app = create_app(settings)
            urls.append(
                stack.enter_context(serve_app(app, settings=settings, ready_path="/openapi.json"))
            )
        try:
            yield urls
        finally:
            gate.set()


def _status(url: str) -> int:
    return httpx.post(f"{url}/api/search", json={"query": "x"}).status_code


def test_replicas_share_one_rate_limit(tmp_path: Path) -> None:
    with redis_process(tmp_path / "redis") as redis, _replicas(tmp_path, redis.url, 2) as (a, b):
        statuses = [_status(url) for url in [a, b, a, b, a, b, a, b]]
    assert statuses.count(429) == 3, statuses  # 5 in a minute in all, not 5 per replica


def test_when_redis_goes_away_limits_fall_back_to_each_process(tmp_path: Path, caplog) -> None:
    with redis_process(tmp_path / "redis") as redis, _replicas(tmp_path, redis.url, 1) as (a,):
        assert _status(a) != 429
        redis.stop()
        with caplog.at_level(logging.WARNING, logger="bot.web.shared_limits"):
            statuses = [_status(a) for _ in range(7)]
    assert 500 not in statuses
    assert statuses.count(429) == 2, statuses  # the local buckets start full: 5 allowed
    assert caplog.text.count("does not answer") == 1


def test_health_names_redis_when_it_is_down(tmp_path: Path) -> None:
    with redis_process(tmp_path / "redis") as redis:
        shared = SharedLimits(redis.url)
        shared.check()
        assert shared.health() == "ok"
        limiter = SharedRateLimiter(1, shared, namespace="test")
        assert limiter.acquire("ip:1") == 0
        assert 1 <= limiter.acquire("ip:1") <= 60
        redis.stop()
        assert shared.health().startswith("down")


def test_an_unreachable_redis_at_start_is_one_clear_error(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings = Settings(_env_file=None, data_dir=tmp_path, redis_url=url)  # type: ignore[call-arg]
    with pytest.raises(RedisUnreachable, match="VNPOS_REDIS_URL"):
        create_app(settings)


def test_a_redis_url_must_be_one() -> None:
    with pytest.raises(ValueError, match="redis://host:port"):
        Settings(_env_file=None, redis_url="localhost:6379")  # type: ignore[call-arg]
