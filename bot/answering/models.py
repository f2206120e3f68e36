"""The answer contract shared by every channel (HTTP API, widget, Telegram, CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_QUESTION_CHARS = 2000


class AskRequest(BaseModel):
    """A reader's question; ``language`` forces the answer language (ISO 639-1)."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    language: str | None = Field(default=None, min_length=2, max_length=8)
    conversation_id: str | None = Field(default=None, max_length=64)


class Citation(BaseModel):
    """A numbered source of an answer, with the verbatim passage that supports it."""

    n: int
    doc_id: str
    title: str
    publisher: str | None
    published: str | None
    url: str | None
    source: str
    quote: str


class AskResponse(BaseModel):
    """An answer with its citations; ``answered`` is False when the sources lack it."""

    answer: str
    language: str
    answered: bool
    conversation_id: str
    message_id: str
    citations: list[Citation]


class StreamEvent(BaseModel):
    """One Server-Sent Event of ``/api/ask/stream``."""

    event: Literal["delta", "citations", "done", "error"]
    data: str
