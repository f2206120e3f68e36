"""The FastAPI application: wiring of state, middleware and routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from bot.local_server import LocalServer, advertise, withdraw
from bot.retention import purge_daily
from bot.runtime import Services, open_services
from bot.settings import Settings
from bot.telegram import WebBot
from bot.web.console.app import UPLOAD_PATH as CONSOLE_UPLOAD_PATH
from bot.web.console.app import install_console
from bot.web.console.sessions import COOKIE, ConsoleSessions
from bot.web.cors import WidgetCORSMiddleware
from bot.web.deps import WebState
from bot.web.errors import CatchAllMiddleware, install_error_handlers
from bot.web.limits import BodyLimitMiddleware
from bot.web.loader import ServiceLoader
from bot.web.metrics import Metrics, MetricsMiddleware
from bot.web.proxies import TrustedProxies
from bot.web.routes import (
    admin_conversations,
    admin_documents,
    admin_maintenance,
    admin_reports,
    ask,
    feedback,
    health,
    search,
    widget,
)
from bot.web.security import AdminKeys, WidgetPolicy
from bot.web.shared_limits import build_limiters

log = logging.getLogger(__name__)

# Room for the multipart envelope around an upload of the largest allowed file.
_MULTIPART_OVERHEAD = 1_000_000

DESCRIPTION = """\
Answers questions about Vietnam's official positions and foreign-information work, in
the asker's language, with numbered citations to the official documents.

Errors are JSON: `{"detail": "..."}`. The public API (`/api/ask`, `/api/ask/stream`,
`/api/feedback`, `/api/search`) is rate-limited per client IP and widget key (429 with
Retry-After). When widget keys are configured, browser requests (with an `Origin`) must
send a key allowed on that origin in `X-Widget-Key`. The admin API needs
`Authorization: Bearer <key>`.
"""


def create_app(settings: Settings, *, local: LocalServer | None = None) -> FastAPI:
    """Build the app; the model, index and store load in the background once it starts.

    With ``local``, the app announces itself in the data dir while it runs, so that
    ``vnpos`` commands on the same data dir hand it their work.
    """
    metrics = Metrics()
    ip_limiter, key_limiter, shared_limits = build_limiters(
        ip_per_min=settings.rate_limit_ip_per_min,
        key_per_min=settings.rate_limit_key_per_min,
        redis_url=settings.redis_url,
    )

    def open_wired_services() -> Services:
        services = open_services(settings, role="serve", on_wait=log.warning)
        services.answerer.on_answer = metrics.record_answer
        return services

    state = WebState(
        settings=settings,
        loader=ServiceLoader(open_wired_services),
        metrics=metrics,
        admin_keys=AdminKeys(settings.admin_api_keys, local=local.token if local else None),
        widget_policy=WidgetPolicy(settings.widget_keys),
        ip_limiter=ip_limiter,
        key_limiter=key_limiter,
        shared_limits=shared_limits,
        proxies=TrustedProxies(settings.trusted_proxies),
        console_sessions=ConsoleSessions(settings.admin_api_keys),
    )

    # VNPOS_ROLE: web replicas never touch Telegram; the bot process serves no public API.
    telegram = WebBot(settings, enabled=settings.role != "web")
    if settings.role == "web" and settings.telegram_token is not None:
        log.info("VNPOS_ROLE=web: the Telegram bot runs in another process")

    def signed_in(headers: Headers) -> bool:
        cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE)
        return state.console_sessions.session(cookie) is not None

    def loaded_services() -> Services | None:
        return state.loader.services if state.loader.wait() else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if local is not None:
            advertise(settings.data_dir, local)
        state.loader.start()
        # The first request would otherwise pay, in a reader's answer, for importing
        # anyio's backend and starting its worker threads, and for resolving each route's
        # parameters and models (which building the OpenAPI schema does for all of them).
        await run_in_threadpool(app.openapi)
        purging = asyncio.create_task(purge_daily(loaded_services, settings.retention_days))
        try:
            # Polling, or a webhook when VNPOS_TELEGRAM_WEBHOOK_URL is set; nothing without
            # a token. The services close after the bot has stopped.
            async with telegram.running(loaded_services):
                yield
        finally:
            purging.cancel()
            if local is not None:
                withdraw(settings.data_dir, local)
            state.loader.close()

    app = FastAPI(title="vnpos", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.web = state
    install_error_handlers(app)
    routes = (health, ask, search, feedback, widget)
    admin = (admin_documents, admin_reports, admin_maintenance, admin_conversations)
    if settings.role == "bot":
        app.include_router(health.router)
    else:
        for module in (*routes, *admin):
            app.include_router(module.router)
        install_console(app)
    if telegram.enabled:
        app.include_router(telegram.router)
    # add_middleware wraps: the last added runs first on the way in. The body limit sits
    # inside the catch-all so that its own 413 signal is not mistaken for a crash.
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.max_request_kb * 1000,
        upload_paths=frozenset({admin_documents.DOCUMENTS_PATH, CONSOLE_UPLOAD_PATH}),
        upload_limit=settings.max_file_bytes + _MULTIPART_OVERHEAD,
        may_upload=lambda headers: state.admin_keys.allows(headers) or signed_in(headers),
    )
    app.add_middleware(CatchAllMiddleware)
    policy = state.widget_policy
    app.add_middleware(WidgetCORSMiddleware, origins=None if policy.open else policy.origins)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
