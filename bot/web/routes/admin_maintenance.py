"""Admin API: consistency check, repair, and ingestion of server-side paths for local commands."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from bot.web.admin_schemas import IngestResult
from bot.web.deps import AdminDep, KnowledgeBaseDep, StateDep, require_local_admin
from bot.web.errors import INTERNAL_ERROR, error_responses
from retrieval.errors import VnposError
from retrieval.loaders import Source

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[AdminDep],
    responses=error_responses(401, 403, 422, 503),
)


class ConsistencyPublic(BaseModel):
    """The registry compared with the collection."""

    ok: bool
    lines: list[str] = Field(description="The report for people, one finding a line")
    documents: int
    chunks_registered: int
    chunks_stored: int
    orphans: int
    missing: int
    duplicates: int
    in_flight: int


class RepairPublic(BaseModel):
    """What a repair changed."""

    summary: str
    adopted: list[str]
    dropped: int
    reindexed: list[str]


class LocalSource(BaseModel):
    """A file or folder on the server's machine, with the root its id is taken under."""

    location: str = Field(max_length=4096)
    root: str | None = Field(default=None, max_length=4096)


class LocalIngestRequest(BaseModel):
    """Paths a local ``vnpos ingest`` hands to the server that owns the data dir."""

    sources: list[LocalSource] = Field(max_length=100_000)
    replace: bool = False


@router.get("/check")
async def check(knowledge_base: KnowledgeBaseDep) -> ConsistencyPublic:
    """Compare the registry's chunks with the collection's: orphans, missing, duplicates."""
    found = await run_in_threadpool(knowledge_base.check)
    return ConsistencyPublic(
        ok=found.ok,
        lines=found.lines(),
        documents=found.documents,
        chunks_registered=found.registered,
        chunks_stored=found.stored,
        orphans=sum(len(ids) for ids in found.orphans.values()),
        missing=sum(len(ids) for ids in found.missing.values()),
        duplicates=len(found.duplicates),
        in_flight=len(found.in_flight),
    )


@router.post("/repair")
async def repair(knowledge_base: KnowledgeBaseDep) -> RepairPublic:
    """Adopt or drop orphaned chunks and re-embed documents that lost theirs."""
    result = await run_in_threadpool(knowledge_base.repair)
    return RepairPublic(
        summary=result.summary(),
        adopted=result.adopted,
        dropped=result.dropped,
        reindexed=result.reindexed,
    )


@router.post(
    "/local/ingest",
    dependencies=[Depends(require_local_admin)],
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
async def ingest_local(
    body: LocalIngestRequest, knowledge_base: KnowledgeBaseDep, state: StateDep
) -> StreamingResponse:
    """Ingest files of this machine for a local command (its credential only).

    The body streams one JSON object a line: ``{"done": n}`` as documents are read,
    then ``{"report": IngestResult}`` or ``{"error": "..."}``.
    """
    sources = [Source(s.location, None if s.root is None else Path(s.root)) for s in body.sources]
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def put(line: dict[str, Any] | None) -> None:
        text = None if line is None else json.dumps(line, ensure_ascii=False) + "\n"
        loop.call_soon_threadsafe(lines.put_nowait, text)

    def work() -> None:
        try:
            report = knowledge_base.ingest_sources(
                sources, lambda n: put({"done": n}), replace=body.replace
            )
            state.metrics.record_ingest(report)
            put({"report": IngestResult.from_report(report).model_dump()})
        except VnposError as exc:
            log.warning("local ingestion failed: %s", exc)
            put({"error": str(exc)})
        except Exception:
            log.exception("local ingestion failed")
            put({"error": INTERNAL_ERROR})
        finally:
            put(None)

    worker = asyncio.create_task(asyncio.to_thread(work))

    async def stream() -> AsyncIterator[str]:
        while (line := await lines.get()) is not None:
            yield line
        await worker

    return StreamingResponse(stream(), media_type="application/x-ndjson")
