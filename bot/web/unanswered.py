"""Group the questions the assistant could not answer, so admins see what the corpus lacks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

# Cosine similarity of E5 query vectors from which two questions count as the same request:
# paraphrases score 0.91-0.99, different questions on one topic up to 0.89 (the population
# of Hanoi vs of Ho Chi Minh City: 0.86). Translations often fall below and stay apart.
SAME_QUESTION = 0.9


@dataclass(frozen=True)
class Question:
    """One unanswered question."""

    text: str
    language: str
    asked_at: str
    reason: str | None = None
    channel: str = "api"


@dataclass
class QuestionGroup:
    """Questions asking for the same thing; ``question`` is the most recent wording."""

    question: str
    last_asked: str
    count: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)  # YYYY-MM-DD -> questions
    examples: list[str] = field(default_factory=list)


def group_questions(
    questions: Sequence[Question],
    embed: Callable[[Sequence[str]], np.ndarray],
    *,
    threshold: float = SAME_QUESTION,
    max_examples: int = 5,
) -> list[QuestionGroup]:
    """Cluster questions greedily, newest first, by similarity to each group's first member.

    Args:
        questions: Unanswered questions, newest first.
        embed: Returns one L2-normalised vector per text.
        threshold: Cosine similarity from which a question joins a group.
        max_examples: Distinct wordings kept per group.

    Returns:
        The groups, the one asked most recently first.
    """
    if not questions:
        return []
    vectors = np.asarray(embed([q.text for q in questions]), dtype=np.float32)
    groups: list[QuestionGroup] = []
    centres = np.empty_like(vectors)
    for question, vector in zip(questions, vectors, strict=True):
        similarities = centres[: len(groups)] @ vector
        best = int(np.argmax(similarities)) if groups else -1
        if best < 0 or similarities[best] < threshold:
            centres[len(groups)] = vector
            groups.append(QuestionGroup(question=question.text, last_asked=question.asked_at))
            best = len(groups) - 1
        group = groups[best]
        group.count += 1
        group.languages[question.language] = group.languages.get(question.language, 0) + 1
        reason = question.reason or "not_covered"
        group.reasons[reason] = group.reasons.get(reason, 0) + 1
        group.channels[question.channel] = group.channels.get(question.channel, 0) + 1
        day = question.asked_at[:10]
        group.days[day] = group.days.get(day, 0) + 1
        if question.text not in group.examples and len(group.examples) < max_examples:
            group.examples.append(question.text)
    return groups
