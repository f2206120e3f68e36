"""The app store (answers, conversations, feedback, unanswered) in SQLite and in Postgres."""

from __future__ import annotations

import threading

from sqlalchemy import text

from bot.answering import AskResponse, Citation
from bot.reports import (
    Usage,
    low_confidence_answers,
    rated_answers,
    since,
    usage_by,
    usage_rows,
)
from bot.store import AppStore

CITATION = Citation(
    n=1,
    doc_id="seeds/003_f689955a8045994b",
    title="Hợp tác",
    publisher="Tạp chí",
    published="2020-08-20",
    url=None,
    source="corpus/seeds/003_f689955a8045994b.txt",
    quote="Hiện tại, Cục đang duy trì trang vmusic.vn hợp tác với tập đoàn Naver Hàn Quốc.",
)


def response(message_id: str, *, conversation: str = "c1", answered: bool = True) -> AskResponse:
    return AskResponse(
        answer=f"Answer {message_id} [1]" if answered else "Not covered.",
        language="en",
        answered=answered,
        conversation_id=conversation,
        message_id=message_id,
        citations=[CITATION] if answered else [],
    )


def test_answers_are_kept_with_their_citations_across_reopening(database_url: str) -> None:
    store = AppStore(database_url)
    store.record_answer(
        response=response("m1"),
        question="Who?",
        channel="api",
        mode="llm",
        latency_ms=12.5,
    )
    store.close()
    reopened = AppStore(database_url)
    stored = reopened.message("m1")
    assert stored is not None
    assert (stored.question, stored.channel, stored.mode, stored.latency_ms) == (
        "Who?",
        "api",
        "llm",
        12.5,
    )
    assert stored.citations == (CITATION,) and stored.answered
    assert reopened.message("nope") is None
    reopened.close()


def test_history_returns_the_last_turns_of_one_conversation_oldest_first(database_url: str) -> None:
    store = AppStore(database_url)
    for i in range(8):
        store.record_answer(
            response=response(f"m{i}"),
            question=f"q{i}",
            channel="api",
            mode="extractive",
            latency_ms=1.0,
            resolved_question=f"resolved q{i}",
        )
    store.record_answer(
        response=response("other", conversation="c2"),
        question="elsewhere",
        channel="api",
        mode="extractive",
        latency_ms=1.0,
    )
    turns = store.history("c1", limit=3)
    assert [t.question for t in turns] == ["q5", "q6", "q7"]
    assert turns[-1].resolved_question == "resolved q7"
    assert [t.resolved_question for t in store.history("c2")] == ["elsewhere"]
    assert store.history("unknown") == []


def test_feedback_needs_a_known_answer_and_the_latest_rating_counts(database_url: str) -> None:
    store = AppStore(database_url)
    store.record_answer(
        response=response("m1"),
        question="Who?",
        channel="telegram",
        mode="extractive",
        latency_ms=1.0,
    )
    assert not store.record_feedback(message_id="ghost", rating="up", comment=None, channel="api")
    assert store.record_feedback(message_id="m1", rating="up", comment=None, channel="telegram")
    assert store.record_feedback(message_id="m1", rating="down", comment="too long", channel="web")
    [record] = rated_answers(store.database, rating=None, limit=10)
    assert record.rating is not None
    assert (record.rating.rating, record.rating.comment, record.rating.channel) == (
        "down",
        "too long",
        "web",
    )
    assert (record.question, record.channel) == ("Who?", "telegram")
    assert store.stats().down == 1 and store.stats().up == 0


def test_unanswered_questions_come_newest_first_and_stats_count_outcomes(database_url: str) -> None:
    store = AppStore(database_url)
    for i, answered in enumerate([True, False, False]):
        store.record_answer(
            response=response(f"m{i}", conversation=f"c{i}", answered=answered),
            question=f"q{i}",
            channel="api",
            mode="extractive",
            latency_ms=1.0,
        )
    assert [(u.question, u.conversation_id) for u in store.unanswered()] == [
        ("q2", "c2"),
        ("q1", "c1"),
    ]
    assert store.unanswered(limit=1)[0].question == "q2"
    stats = store.stats()
    assert (stats.answered, stats.unanswered) == (1, 2)


def test_threads_can_write_at_once(database_url: str) -> None:
    store = AppStore(database_url)

    def write(worker: int) -> None:
        for i in range(25):
            store.record_answer(
                response=response(f"w{worker}-{i}", conversation=f"c{worker}"),
                question="q",
                channel="api",
                mode="extractive",
                latency_ms=1.0,
            )

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.stats().answered == 100
    assert len(store.history("c3", limit=100)) == 25


def test_answers_older_than_the_retention_are_purged_with_their_ratings(database_url: str) -> None:
    store = AppStore(database_url)
    for message_id in ("old", "new"):
        store.record_answer(
            response=response(message_id),
            question="Who?",
            channel="api",
            mode="extractive",
            latency_ms=1,
        )
    store.record_feedback(message_id="old", rating="down", comment=None, channel="api")
    # An answer from 100 days ago, as the clock had it then.
    with store.database.write() as db:
        db.execute(
            text(
                "UPDATE messages SET created_at = '2020-01-01T00:00:00.000000+00:00' "
                "WHERE message_id = 'old'"
            )
        )
    assert store.purge(older_than_days=90) == 1
    assert store.message("old") is None and store.message("new") is not None
    assert rated_answers(store.database, rating=None, limit=10) == []
    assert store.stats().down == 0


def test_reports_count_by_day_language_and_channel_and_list_answers_to_review(
    database_url: str,
) -> None:
    store = AppStore(database_url)
    asked = [
        ("a1", "en", "widget", True, 0.9),
        ("a2", "en", "telegram", True, 0.05),
        ("a3", "fr", "widget", False, 0.01),
        ("a4", "vi", "api", True, None),
    ]
    for message_id, language, channel, answered, confidence in asked:
        reply = response(message_id, answered=answered).model_copy(
            update={"language": language, "confidence": confidence}
        )
        store.record_answer(
            response=reply,
            question=f"q {message_id}",
            channel=channel,
            mode="extractive",
            latency_ms=1.0,
        )
    store.record_feedback(message_id="a1", rating="down", comment="wrong year", channel="widget")
    store.record_feedback(message_id="a4", rating="up", comment=None, channel="api")
    with store.database.write() as db:
        db.execute(
            text(
                "UPDATE messages SET created_at = '2020-01-01T00:00:00.000000+00:00' "
                "WHERE message_id = 'a4'"
            )
        )
    rows = usage_rows(store.database, first_day=since(30))
    assert usage_by(rows, "language") == {
        "en": Usage(answered=2, unanswered=0, up=0, down=1),
        "fr": Usage(answered=0, unanswered=1, up=0, down=0),
    }
    assert set(usage_by(rows, "channel")) == {"telegram", "widget"}
    assert list(usage_by(rows, "day").values()) == [Usage(2, 1, 0, 1)]
    every_day = usage_rows(store.database, first_day="2000-01-01")
    assert usage_by(every_day, "day")["2020-01-01"] == Usage(1, 0, 1, 0)

    [doubtful] = low_confidence_answers(store.database, below=0.1, limit=10)
    assert doubtful.message_id == "a2" and doubtful.citations == (CITATION,)
    [disliked] = rated_answers(store.database, rating="down", limit=10)
    assert disliked.message_id == "a1" and disliked.answer == "Answer a1 [1]"
    assert disliked.rating is not None and disliked.rating.comment == "wrong year"
    assert disliked.citations[0].quote == CITATION.quote
