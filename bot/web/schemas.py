"""Request and response models of the HTTP API (see DESIGN.md)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from retrieval.types import SearchHit


class SearchRequest(BaseModel):
    """A keyword/semantic search over the indexed passages."""

    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=50)
    language: str | None = Field(default=None, max_length=16)
    published_after: date | None = None
    publisher: str | None = Field(default=None, max_length=200)


class SearchResult(BaseModel):
    """One passage found by a search."""

    doc_id: str
    chunk_id: str
    title: str
    source: str
    score: float
    text: str

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SearchResult:
        """Build the public form of a search hit."""
        chunk = hit.chunk
        return cls(
            doc_id=chunk.doc_id,
            chunk_id=chunk.chunk_id,
            title=chunk.meta.title,
            source=chunk.meta.url or chunk.doc_id,
            score=round(hit.score, 4),
            text=chunk.text,
        )


class SearchResponse(BaseModel):
    """The passages found, best first."""

    results: list[SearchResult]


class HealthStatus(BaseModel):
    """Whether the service can answer; when not, which dependency is the reason."""

    status: Literal["ok", "degraded", "starting", "unavailable"] = Field(
        description='"degraded": answering, but an optional dependency (Redis) is down'
    )
    chunks: int | None = None
    dependencies: dict[str, str] | None = Field(
        default=None,
        description='Each dependency ("chroma", "registry", "disk", ...): "ok" or its problem',
    )


class FeedbackBase(BaseModel):
    """A reader's rating of one answer."""

    message_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackCreate(FeedbackBase):
    """Feedback as the widget or an API client sends it."""


class FeedbackReceipt(BaseModel):
    """Confirms that feedback was recorded."""

    recorded: Literal[True] = True
    message_id: str


class WidgetIntro(BaseModel):
    """What the widget says when it opens: a greeting and example questions."""

    language: str
    greeting: str
    examples: list[str]
