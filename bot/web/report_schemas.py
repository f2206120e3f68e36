"""Response models of the admin reports: statistics, feedback, answers to review."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.answering.models import Citation
from bot.reports import ReviewedAnswer, Usage
from bot.store import StoreStats
from bot.web.unanswered import QuestionGroup


class QuestionStats(BaseModel):
    """Questions asked so far."""

    answered: int
    unanswered: int


class FeedbackStats(BaseModel):
    """Ratings received so far."""

    up: int
    down: int


class UsagePublic(BaseModel):
    """Questions and ratings of one day, language or channel."""

    key: str = Field(description="The day (YYYY-MM-DD, UTC), language code or channel")
    answered: int
    unanswered: int
    up: int
    down: int

    @classmethod
    def listed(cls, totals: dict[str, Usage]) -> list[UsagePublic]:
        """Build one entry per key, in the order given."""
        return [
            cls(key=k, answered=u.answered, unanswered=u.unanswered, up=u.up, down=u.down)
            for k, u in totals.items()
        ]


class StatsPublic(BaseModel):
    """The size of the index and what readers did with it."""

    documents: int
    chunks: int
    questions: QuestionStats
    feedback: FeedbackStats
    since: str = Field(description="First day (UTC) counted in the breakdowns below")
    by_day: list[UsagePublic] = Field(description="Days with questions, oldest first")
    by_language: list[UsagePublic] = Field(description="By the reader's language")
    by_channel: list[UsagePublic] = Field(description="api, widget, telegram, cli")

    @classmethod
    def from_counts(
        cls,
        *,
        documents: int,
        chunks: int,
        store: StoreStats,
        since: str,
        breakdowns: dict[str, dict[str, Usage]],
    ) -> StatsPublic:
        """Combine the index's size with the store's counts and breakdowns."""
        return cls(
            documents=documents,
            chunks=chunks,
            questions=QuestionStats(answered=store.answered, unanswered=store.unanswered),
            feedback=FeedbackStats(up=store.up, down=store.down),
            since=since,
            by_day=UsagePublic.listed(breakdowns["day"]),
            by_language=UsagePublic.listed(breakdowns["language"]),
            by_channel=UsagePublic.listed(breakdowns["channel"]),
        )


class FeedbackPublic(BaseModel):
    """One reader's rating of one answer, with the answer as it was given."""

    message_id: str
    rating: str
    comment: str | None
    channel: str = Field(description="Where the rating was given")
    created_at: str = Field(description="When the rating was given")
    question: str
    language: str
    answer: str
    citations: list[Citation]
    answered_at: str

    @classmethod
    def from_reviewed(cls, reviewed: ReviewedAnswer) -> FeedbackPublic:
        """Build the public form of a rated answer."""
        rating = reviewed.rating
        if rating is None:
            raise ValueError(f"answer {reviewed.message_id} has no rating")
        return cls(
            message_id=reviewed.message_id,
            rating=rating.rating,
            comment=rating.comment,
            channel=rating.channel,
            created_at=rating.created_at,
            question=reviewed.question,
            language=reviewed.language,
            answer=reviewed.answer,
            citations=list(reviewed.citations),
            answered_at=reviewed.created_at,
        )


class FeedbackList(BaseModel):
    """Ratings, newest first."""

    feedback: list[FeedbackPublic]


class ReviewedAnswerPublic(BaseModel):
    """An answer worth a second look, with the quotes it gave."""

    message_id: str
    question: str
    language: str
    channel: str
    answer: str
    citations: list[Citation]
    confidence: float | None
    created_at: str
    rating: str | None
    comment: str | None

    @classmethod
    def from_reviewed(cls, reviewed: ReviewedAnswer) -> ReviewedAnswerPublic:
        """Build the public form of a stored answer."""
        rating = reviewed.rating
        return cls(
            message_id=reviewed.message_id,
            question=reviewed.question,
            language=reviewed.language,
            channel=reviewed.channel,
            answer=reviewed.answer,
            citations=list(reviewed.citations),
            confidence=reviewed.confidence,
            created_at=reviewed.created_at,
            rating=rating.rating if rating else None,
            comment=rating.comment if rating else None,
        )


class UnansweredGroupPublic(BaseModel):
    """Unanswered questions asking for the same thing."""

    question: str = Field(description="The most recent wording")
    count: int
    languages: dict[str, int] = Field(description="Questions per language code")
    reasons: dict[str, int] = Field(
        description="Why they were refused: not_covered, off_topic, missing_terms, "
        "low_confidence, not_a_question"
    )
    channels: dict[str, int] = Field(description="Questions per channel (api, widget, telegram)")
    days: dict[str, int] = Field(description="Questions per UTC day (YYYY-MM-DD)")
    last_asked: str
    examples: list[str] = Field(description="Distinct wordings, newest first")

    @classmethod
    def from_group(cls, group: QuestionGroup) -> UnansweredGroupPublic:
        """Build the public form of a question group."""
        return cls(
            question=group.question,
            count=group.count,
            languages=group.languages,
            reasons=group.reasons,
            channels=group.channels,
            days=group.days,
            last_asked=group.last_asked,
            examples=group.examples,
        )


class UnansweredReport(BaseModel):
    """What readers ask that the corpus lacks, and the answers they may not have got."""

    questions: int = Field(description="Unanswered questions examined")
    groups: list[UnansweredGroupPublic]
    low_confidence_below: float = Field(
        description="Answers whose confidence is under this are listed in low_confidence"
    )
    low_confidence: list[ReviewedAnswerPublic] = Field(
        description="Answers given with little confidence, newest first"
    )
    disliked: list[ReviewedAnswerPublic] = Field(
        description="Answers readers rated down, newest rating first"
    )
