"""Search and health endpoints."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from bot.web.deps import KnowledgeBaseDep
from bot.web.schemas import SearchRequest, SearchResponse, SearchResult
from retrieval.types import SearchFilters

router = APIRouter()


@router.get("/healthz")
def healthz(knowledge_base: KnowledgeBaseDep) -> dict[str, object]:
    """Report that the model and store are loaded."""
    return {"status": "ok", "chunks": knowledge_base.chunk_count()}


@router.post("/api/search")
async def search(request: SearchRequest, knowledge_base: KnowledgeBaseDep) -> SearchResponse:
    """Find the passages most relevant to a query."""
    filters = SearchFilters(
        language=request.language, publisher=request.publisher,
        published_after=request.published_after,
    )
    hits = await run_in_threadpool(
        knowledge_base.search, request.query, k=request.k, filters=filters
    )
    return SearchResponse(results=[SearchResult.from_hit(hit) for hit in hits])
