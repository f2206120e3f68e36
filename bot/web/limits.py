"""Request limits: body size (413) and per-client token buckets (429 with Retry-After)."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retrieval.sizes import describe_size


class BodyTooLarge(HTTPException):
    """The request body went over its cap (raised while it is being read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"The request body is over the {describe_size(limit)} limit.",
        )


class BodyLimitMiddleware:
    """Refuse request bodies over a cap, by Content-Length and while they stream in.

    The upload paths (admin API and console) get a larger cap, but only for callers that
    ``may_upload`` says are admins, so nobody else can make the server spool a big body.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        upload_paths: frozenset[str],
        upload_limit: int,
        may_upload: Callable[[Headers], bool],
    ) -> None:
        self.app = app
        self.default = default
        self.upload_paths = upload_paths
        self.upload_limit = upload_limit
        self.may_upload = may_upload

    def _limit(self, scope: Scope, headers: Headers) -> int:
        if scope["path"] in self.upload_paths and self.may_upload(headers):
            return self.upload_limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app with a receive channel that counts the body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self._limit(scope, headers)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(limit, scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(limit)
        response = JSONResponse({"detail": error.detail}, status_code=413)
        await response(scope, receive, send)


class RateLimiter:
    """In-memory token buckets: ``per_minute`` requests a minute, bursts up to that many.

    Buckets are kept for the most recently seen clients only, so a flood of new
    addresses cannot grow memory without bound.
    """

    def __init__(self, per_minute: float, *, max_clients: int = 50_000) -> None:
        self.capacity = per_minute
        self.refill_per_s = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Return False when the limit is switched off (``per_minute`` <= 0)."""
        return self.capacity > 0

    def acquire(self, client: str, *, now: float | None = None) -> int:
        """Take one token for ``client``; return 0, or the seconds to wait before retrying."""
        if not self.enabled:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, updated = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - updated) * self.refill_per_s)
            wait = 0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = max(1, math.ceil((1 - tokens) / self.refill_per_s))
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait
