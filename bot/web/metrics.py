"""Prometheus metrics, in a registry of the app's own (so several apps can share a process)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.answering.models import AskResponse
from retrieval.types import IngestReport

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
ANSWER_OUTCOMES = ("answered", "abstained", "fallback")
INGEST_OUTCOMES = ("added", "updated", "skipped", "failed")


class Metrics:
    """The counters and histograms the service exports at ``/metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "vnpos_http_requests",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "vnpos_http_request_duration_seconds",
            "Time to answer an HTTP request completely (whole stream included).",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "vnpos_answers",
            "Answers given, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.ingested = Counter(
            "vnpos_ingested_documents",
            "Documents ingested through the admin API, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ANSWER_OUTCOMES:
            self.answers.labels(outcome)
        for outcome in INGEST_OUTCOMES:
            self.ingested.labels(outcome)

    def record_answer(self, response: AskResponse, mode: str) -> None:
        """Count one answer (the answerer's ``on_answer`` hook)."""
        if mode == "fallback":
            outcome = "fallback"
        else:
            outcome = "answered" if response.answered else "abstained"
        self.answers.labels(outcome).inc()

    def record_ingest(self, report: IngestReport) -> None:
        """Count the documents of one ingestion by outcome."""
        counts = {
            "added": len(report.added),
            "updated": len(report.updated),
            "skipped": len(report.skipped),
            "failed": len(report.failed),
        }
        for outcome, count in counts.items():
            if count:
                self.ingested.labels(outcome).inc(count)

    def render(self) -> bytes:
        """Return the text exposition format."""
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Count and time every HTTP request by its route template (not its raw path)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request and record its status and duration."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            # Raw paths of unknown URLs would give every scanner its own time series.
            template = (
                route.path
                if isinstance(route, BaseRoute) and hasattr(route, "path")
                else "unmatched"
            )
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
