"""Search over the indexed passages."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from bot.web.deps import KnowledgeBaseDep, get_caller
from bot.web.errors import error_responses
from bot.web.schemas import SearchRequest, SearchResponse, SearchResult
from retrieval.types import SearchFilters

router = APIRouter(
    tags=["public"],
    dependencies=[Depends(get_caller)],
    responses=error_responses(403, 413, 422, 429, 503),
)


@router.post("/api/search")
async def search(request: SearchRequest, knowledge_base: KnowledgeBaseDep) -> SearchResponse:
    """Find the passages most relevant to a query."""
    filters = SearchFilters(
        language=request.language,
        publisher=request.publisher,
        published_after=request.published_after,
    )
    hits = await run_in_threadpool(
        knowledge_base.search, request.query, k=request.k, filters=filters
    )
    return SearchResponse(results=[SearchResult.from_hit(hit) for hit in hits])
