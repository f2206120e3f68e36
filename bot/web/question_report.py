"""What readers asked that the corpus could not answer, and answers they may not have got.

One report for the admin API and the console: unanswered questions grouped by meaning,
each group with the documents nearest to it, plus low-confidence and disliked answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import reports
from bot.answering.abstention_model import shipped_model
from bot.reports import ReviewedAnswer
from bot.settings import Settings
from bot.store import AppStore
from bot.web.unanswered import Question, QuestionGroup, group_questions
from retrieval.knowledge_base import KnowledgeBase

NEAREST_FOR = 30  # groups that get their nearest documents looked up (the largest first)


@dataclass(frozen=True)
class NearDocument:
    """A document close to what a group of questions asks, though not close enough."""

    doc_id: str
    title: str
    score: float


@dataclass
class QuestionReport:
    """The unanswered groups and the doubtful answers."""

    questions: int
    groups: list[QuestionGroup]
    low_confidence_below: float
    low_confidence: list[ReviewedAnswer]
    disliked: list[ReviewedAnswer]
    nearest: dict[str, list[NearDocument]] = field(default_factory=dict)  # by group question


def low_confidence_threshold(settings: Settings) -> float:
    """Return the confidence under which answers are listed as doubtful by default."""
    return settings.abstain_threshold or shipped_model().threshold


def question_report(
    knowledge_base: KnowledgeBase,
    store: AppStore,
    *,
    below: float,
    limit: int = 1000,
    nearest: bool = False,
) -> QuestionReport:
    """Build the report; with ``nearest``, look up each large group's nearest documents."""
    records = store.unanswered(limit)
    questions = [
        Question(r.question, r.language, r.created_at, r.reason, r.channel) for r in records
    ]
    groups = group_questions(questions, knowledge_base.embedder.embed_queries)
    report = QuestionReport(
        questions=len(questions),
        groups=groups,
        low_confidence_below=below,
        low_confidence=reports.low_confidence_answers(store.database, below=below, limit=limit),
        disliked=reports.rated_answers(store.database, rating="down", limit=limit),
    )
    if nearest:
        largest = sorted(groups, key=lambda group: -group.count)[:NEAREST_FOR]
        report.nearest = {g.question: nearest_documents(knowledge_base, g) for g in largest}
    return report


def nearest_documents(
    knowledge_base: KnowledgeBase, group: QuestionGroup, *, count: int = 3
) -> list[NearDocument]:
    """Return the documents a search for the group's question ranks first."""
    hits = knowledge_base.search(group.question, k=count)
    return [
        NearDocument(hit.chunk.doc_id, hit.chunk.meta.title, round(hit.score, 3)) for hit in hits
    ]
