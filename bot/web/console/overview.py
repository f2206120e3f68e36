"""Console: the overview — questions per day by channel and language, rates, latency, corpus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from bot import reports
from bot.reports import UsageRow
from bot.web.console.charts import Chart, line_chart, stacked_bars
from bot.web.console.pages import PREFIX, SessionDep, render
from bot.web.deps import KnowledgeBaseDep, StateDep, StoreDep
from retrieval.types import StoredDocument

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DAYS = 14


@dataclass(frozen=True)
class Overview:
    """The overview's charts, over the last ``DAYS`` days."""

    by_channel: Chart
    by_language: Chart
    rates: Chart
    latency: Chart
    corpus: Chart
    today: reports.Usage  # the last day's questions and ratings


def window(first_day: str, days: int) -> list[str]:
    """Return the ``days`` consecutive days (YYYY-MM-DD) from ``first_day``."""
    start = date.fromisoformat(first_day)
    return [(start + timedelta(days=i)).isoformat() for i in range(days)]


def overview(
    days: list[str],
    rows: list[UsageRow],
    latencies: dict[str, list[float]],
    documents: list[StoredDocument],
) -> Overview:
    """Turn the usage rows, latencies and documents into the overview's charts."""
    by_channel: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    for row in rows:
        asked = row.usage.answered + row.usage.unanswered
        for counts, key in ((by_channel, row.channel), (by_language, row.language)):
            tally = counts.setdefault(row.day, {})
            tally[key] = tally.get(key, 0) + asked
    totals = reports.usage_by(rows, "day")
    declined, rated = [], []
    for day in days:
        usage = totals.get(day)
        asked = usage.answered + usage.unanswered if usage else 0
        declined.append(100 * usage.unanswered / asked if usage and asked else None)
        ratings = usage.up + usage.down if usage else 0
        rated.append(100 * ratings / usage.answered if usage and usage.answered else None)
    latency = {
        "p50": [_percentile(latencies.get(day, []), 50) for day in days],
        "p95": [_percentile(latencies.get(day, []), 95) for day in days],
    }
    added = sorted(d.ingested_at[:10] for d in documents)
    held: list[float | None] = [float(sum(1 for a in added if a <= day)) for day in days]
    return Overview(
        by_channel=stacked_bars(days, by_channel),
        by_language=stacked_bars(days, by_language),
        rates=line_chart(days, {"declined": declined, "rated": rated}, unit="%"),
        latency=line_chart(days, latency, unit=" ms"),
        corpus=line_chart(days, {"documents": held}),
        today=totals.get(days[-1], reports.Usage()),
    )


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@router.get("/overview", response_class=HTMLResponse)
async def overview_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    knowledge_base: KnowledgeBaseDep,
    store: StoreDep,
) -> Response:
    """Show the last two weeks at a glance, and the health of each dependency."""
    first_day = reports.since(DAYS)
    rows = await run_in_threadpool(reports.usage_rows, store.database, first_day=first_day)
    latencies = await run_in_threadpool(
        reports.latencies_by_day, store.database, first_day=first_day
    )
    documents = await run_in_threadpool(knowledge_base.documents)
    health = await run_in_threadpool(knowledge_base.health)
    if state.shared_limits is not None:
        health["redis"] = await run_in_threadpool(state.shared_limits.health)
    days = window(first_day, DAYS)
    counts = await run_in_threadpool(store.stats)
    return render(
        request,
        "overview.html",
        session=session,
        charts=overview(days, rows, latencies, documents),
        counts=counts,
        documents=len(documents),
        chunks=await run_in_threadpool(knowledge_base.chunk_count),
        health=health,
    )
