"""Readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST

from bot.web.deps import StateDep
from bot.web.schemas import HealthStatus

router = APIRouter(tags=["operations"])


@router.get(
    "/healthz",
    response_model_exclude_none=True,
    responses={503: {"model": HealthStatus, "description": "Starting, or a dependency is down"}},
)
async def healthz(state: StateDep, response: Response) -> HealthStatus:
    """Report whether the service can answer (503 while starting or when a dependency fails)."""
    services = state.loader.services
    if services is None:
        response.status_code = 503
        if state.loader.state == "failed":
            return HealthStatus(status="unavailable", dependencies=state.loader.failed_dependency)
        return HealthStatus(status="starting")
    dependencies = await run_in_threadpool(services.knowledge_base.health)
    if any(value != "ok" for value in dependencies.values()):
        response.status_code = 503
        return HealthStatus(status="unavailable", dependencies=dependencies)
    chunks = await run_in_threadpool(services.knowledge_base.chunk_count)
    status: Literal["ok", "degraded"] = "ok"
    if state.shared_limits is not None:
        # Without Redis the service still answers: limits fall back to per process.
        dependencies["redis"] = await run_in_threadpool(state.shared_limits.health)
        status = "ok" if dependencies["redis"] == "ok" else "degraded"
    return HealthStatus(status=status, chunks=chunks, dependencies=dependencies)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
            "description": "Prometheus text exposition format",
        }
    },
)
def metrics(state: StateDep) -> Response:
    """Export request, answer and ingestion metrics for Prometheus."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
