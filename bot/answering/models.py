"""The answer contract shared by every channel (HTTP API, widget, Telegram, CLI)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, WithJsonSchema, field_validator

from bot.answering.localisation import ACCEPTED_LANGUAGES

MAX_QUESTION_CHARS = 2000

Reason = Literal["not_covered", "off_topic", "missing_terms", "low_confidence", "not_a_question"]


class AskRequest(BaseModel):
    """A reader's question; ``language`` forces the answer language (ISO 639-1)."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    language: Annotated[
        str | None,
        WithJsonSchema({"anyOf": [{"enum": sorted(ACCEPTED_LANGUAGES)}, {"type": "null"}]}),
    ] = Field(default=None, description="A supported ISO 639-1 code (a region is ignored)")
    conversation_id: str | None = Field(default=None, max_length=64)

    @field_validator("language")
    @classmethod
    def _supported(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.replace("_", "-").split("-")[0].lower()
        if code not in ACCEPTED_LANGUAGES:
            raise ValueError(
                f"unsupported language {value[:8]!r}; expected one of "
                + ", ".join(sorted(ACCEPTED_LANGUAGES))
            )
        return code


class GlossaryTerm(BaseModel):
    """The official translation of a term in a quote or title, from the glossary."""

    term: str = Field(description="The term as the source writes it (Vietnamese)")
    translation: str = Field(description="Its official translation, not the source's words")
    language: str = Field(description="The translation's language")
    source: str = Field(description="Where the translation is published")


class Translation(BaseModel):
    """A quote in the reader's language: an official edition's or a machine's."""

    text: str
    language: str
    kind: Literal["official", "machine"] = Field(
        description="official: the publisher's own edition; machine: machine translation"
    )
    doc_id: str = Field(description="The document the translated text belongs to")
    title: str | None = Field(default=None, description="An official edition's title")
    url: str | None = Field(default=None, description="An official edition's address")


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
    translation: Translation | None = Field(
        default=None, description="The quote in the reader's language, labelled by kind"
    )
    glossary: list[GlossaryTerm] = Field(
        default_factory=list, description="Glossary translations of terms in the quote and title"
    )


class AskResponse(BaseModel):
    """An answer with its citations; ``answered`` is False when the sources lack it."""

    answer: str
    language: str
    answered: bool
    conversation_id: str
    message_id: str
    citations: list[Citation]
    short_answer: str | None = Field(
        default=None,
        description="The fact asked for (a date, number, name or place), in the reader's "
        "language, with its citation marker: spans of the first quote, reformatted",
    )
    reason: Reason | None = Field(
        default=None, description="Why it was not answered (null when answered)"
    )
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="How sure the assistant is that the quotes answer"
    )


class StreamEvent(BaseModel):
    """One Server-Sent Event of ``/api/ask/stream``."""

    event: Literal["status", "delta", "citations", "done", "error"]
    data: str
