"""The server answers one question itself before it says it is ready, and records nothing."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.answering import warming
from bot.answering.models import AskRequest
from bot.runtime import Services, open_services
from bot.settings import Settings
from bot.web.loader import ServiceLoader
from tests.conftest import MODEL_CACHE


@pytest.fixture
def services(seeded_data_dir: Path, tmp_path: Path):
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    settings = Settings(data_dir=data_dir, model_dir=MODEL_CACHE, _env_file=None)  # type: ignore[call-arg]
    opened = open_services(settings, role="serve")
    yield opened
    opened.close()


def test_the_warm_up_runs_before_ready_and_leaves_no_trace(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.web.loader")
    loader = ServiceLoader(lambda: services)
    loader.start()
    assert loader.wait(timeout=300)
    messages = [r.getMessage() for r in caplog.records]
    warmed = next(i for i, m in enumerate(messages) if m.startswith("pipeline warmed up in"))
    assert warmed < messages.index("services ready")
    stats = services.store.stats()
    assert (stats.answered, stats.unanswered) == (0, 0)


def test_a_failing_warm_up_still_serves(
    services: Services, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> float:
        raise RuntimeError("boom")

    monkeypatch.setattr(services.answerer, "warm_up", broken)
    loader = ServiceLoader(lambda: services)
    loader.start()
    assert loader.wait(timeout=300) and loader.state == "ok"
    assert any("warm-up question failed" in r.getMessage() for r in caplog.records)


def test_after_the_warm_up_readers_questions_are_the_only_text_embedded(
    services: Services,
) -> None:
    services.answerer.warm_up()
    embedder = services.knowledge_base.embedder
    before = embedder.passages_embedded
    for question in (
        "Ai là Trưởng Ban Chỉ đạo công tác thông tin đối ngoại?",
        "Quelle entreprise coréenne coopère sur le site vmusic.vn ?",
        "How many news agencies carry the Vietnam News Agency's foreign information?",
    ):
        assert services.answerer.ask(AskRequest(question=question)).citations
    assert embedder.passages_embedded == before


def test_what_the_warm_up_had_no_time_for_is_embedded_while_the_server_answers(
    services: Services, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.answering.warming")
    monkeypatch.setattr(warming, "BUDGET_S", 0.0)  # a corpus too large for the budget
    loader = ServiceLoader(lambda: services)
    loader.start()
    assert loader.wait(timeout=300) and loader.state == "ok"
    assert services.warming is not None and services.warming.join(timeout=300)
    assert services.warming.embedded > 100
    assert any("more quotable texts ahead" in r.getMessage() for r in caplog.records)
    embedder = services.knowledge_base.embedder
    before = embedder.passages_embedded
    response = services.answerer.ask(AskRequest(question="Who heads the Vietnam News Agency?"))
    assert response.citations
    assert embedder.passages_embedded == before
