"""Grouping unanswered questions, with the real embedding model."""

from bot.web.unanswered import Question, group_questions


def test_paraphrases_group_together_and_different_questions_stay_apart(embedder) -> None:
    questions = [
        Question("What is the population of Hanoi?", "en", "2026-01-05"),
        Question("What is the population of Ho Chi Minh City?", "en", "2026-01-04"),
        Question("Quelle est la population de Hanoï ?", "fr", "2026-01-03"),
        Question("How many people live in Hanoi?", "en", "2026-01-02"),
        Question("What is the population of Hanoi?", "en", "2026-01-01"),
    ]
    groups = group_questions(questions, embedder.embed_queries)
    assert [(g.question, g.count) for g in groups] == [
        ("What is the population of Hanoi?", 4),
        ("What is the population of Ho Chi Minh City?", 1),
    ]
    assert groups[0].languages == {"en": 3, "fr": 1} and groups[0].last_asked == "2026-01-05"
    assert groups[0].examples == [
        "What is the population of Hanoi?",
        "Quelle est la population de Hanoï ?",
        "How many people live in Hanoi?",
    ]
    assert group_questions([], embedder.embed_queries) == []
