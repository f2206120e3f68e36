"""Console: the consistency check (and its repair) and a full re-index, with their results."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from bot.web.console.pages import PREFIX, FormSessionDep, render
from bot.web.deps import KnowledgeBaseDep

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post("/check", response_class=HTMLResponse)
async def check(
    request: Request, session: FormSessionDep, knowledge_base: KnowledgeBaseDep
) -> Response:
    """Compare the registry with the vector store and show what was found."""
    found = await run_in_threadpool(knowledge_base.check)
    return render(
        request,
        "maintenance.html",
        session=session,
        action="check",
        ok=found.ok,
        lines=found.lines(),
    )


@router.post("/repair", response_class=HTMLResponse)
async def repair(
    request: Request, session: FormSessionDep, knowledge_base: KnowledgeBaseDep
) -> Response:
    """Adopt or drop orphaned passages and re-embed documents that lost theirs."""
    result = await run_in_threadpool(knowledge_base.repair)
    return render(
        request,
        "maintenance.html",
        session=session,
        action="repair",
        ok=True,
        lines=[result.summary()],
    )


@router.post("/reindex", response_class=HTMLResponse)
async def reindex(
    request: Request, session: FormSessionDep, knowledge_base: KnowledgeBaseDep
) -> Response:
    """Re-chunk and re-embed every document from its stored text."""
    report = await run_in_threadpool(knowledge_base.reindex)
    lines = [report.summary(), *(f"{doc_id}: {why}" for doc_id, why in report.failed)]
    return render(
        request, "maintenance.html", session=session, action="reindex", ok=report.ok, lines=lines
    )
