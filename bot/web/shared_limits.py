"""Rate limits that every replica shares, through Redis (``VNPOS_REDIS_URL``).

A moving one-minute window per client, kept in Redis by the ``limits`` package, so a
client that spreads its requests over several replicas gets the limit once, not once
per replica. When Redis goes away the service keeps answering: each process falls back
to its own buckets (logged once) and tries Redis again after a pause.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Protocol
from urllib.parse import urlsplit

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from bot.web.limits import RateLimiter
from retrieval.errors import VnposError

# After a Redis failure, how long to use the local buckets before trying Redis again.
RETRY_AFTER_S = 15.0

log = logging.getLogger(__name__)


class Limiter(Protocol):
    """Takes one request's token for a client."""

    @property
    def enabled(self) -> bool:
        """Return False when the limit is switched off."""
        ...

    def acquire(self, client: str) -> int:
        """Return 0, or the seconds the client must wait before retrying."""
        ...


class RedisUnreachable(VnposError):
    """Redis, named by ``VNPOS_REDIS_URL``, does not answer."""


def safe_url(url: str) -> str:
    """Return ``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class SharedLimits:
    """The Redis connection the limiters share, and whether it currently works."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.storage = RedisStorage(
            url, wrap_exceptions=True, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self._down_until = 0.0
        self._mutex = threading.Lock()

    def check(self) -> None:
        """Raise ``RedisUnreachable`` unless Redis answers (at start: one clear line)."""
        if not self.storage.check():
            raise RedisUnreachable(
                f"cannot reach Redis at {safe_url(self.url)} (VNPOS_REDIS_URL); start it, "
                "or unset VNPOS_REDIS_URL to keep rate limits per process"
            )

    @property
    def up(self) -> bool:
        """Return False while the limiters use their local fallback."""
        return time.monotonic() >= self._down_until

    def health(self) -> str:
        """Return "ok", or what is wrong and what the service does meanwhile."""
        if self.storage.check():
            return "ok"
        return "down: rate limits are per process until it is back"

    def failed(self) -> None:
        """Note a failed call: log once per outage, use local buckets for a while."""
        with self._mutex:
            if self.up:
                log.warning(
                    "Redis at %s does not answer; rate limits are per process until it is back",
                    safe_url(self.url),
                    exc_info=True,
                )
            self._down_until = time.monotonic() + RETRY_AFTER_S

    def recovered(self) -> None:
        """Note a call that worked after an outage."""
        with self._mutex:
            if self._down_until:
                log.warning("Redis at %s answers again; rate limits are shared", safe_url(self.url))
                self._down_until = 0.0


class SharedRateLimiter:
    """``per_minute`` requests per client and minute across replicas, in Redis."""

    def __init__(self, per_minute: float, shared: SharedLimits, *, namespace: str) -> None:
        self.capacity = per_minute
        self._item = RateLimitItemPerMinute(max(1, round(per_minute)), namespace=namespace)
        self._limiter = MovingWindowRateLimiter(shared.storage)
        self._shared = shared
        self._fallback = RateLimiter(per_minute)

    @property
    def enabled(self) -> bool:
        """Return False when the limit is switched off (``per_minute`` <= 0)."""
        return self.capacity > 0

    def acquire(self, client: str) -> int:
        """Take one token for ``client``; return 0, or the seconds to wait before retrying."""
        if not self.enabled:
            return 0
        if not self._shared.up:
            return self._fallback.acquire(client)
        try:
            allowed = self._limiter.hit(self._item, client)
            wait = 0 if allowed else self._wait(client)
        except StorageError:
            self._shared.failed()
            return self._fallback.acquire(client)
        self._shared.recovered()
        return wait

    def _wait(self, client: str) -> int:
        reset = self._limiter.get_window_stats(self._item, client).reset_time
        return max(1, math.ceil(reset - time.time()))


def build_limiters(
    *, ip_per_min: float, key_per_min: float, redis_url: str | None
) -> tuple[Limiter, Limiter, SharedLimits | None]:
    """Return the per-IP and per-key limiters: shared through Redis when a URL is set."""
    if redis_url is None:
        return RateLimiter(ip_per_min), RateLimiter(key_per_min), None
    shared = SharedLimits(redis_url)
    shared.check()
    return (
        SharedRateLimiter(ip_per_min, shared, namespace="vnpos-ip"),
        SharedRateLimiter(key_per_min, shared, namespace="vnpos-key"),
        shared,
    )
