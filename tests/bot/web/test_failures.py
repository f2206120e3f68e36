"""A dependency that fails while serving: /healthz names it, answers say "unavailable"."""

from __future__ import annotations

import shutil
from pathlib import Path
from unittest.mock import ANY

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event

from bot.settings import Settings
from bot.web.app import create_app
from tests.bot.web.conftest import WebApi
from tests.conftest import CORPUS, MODEL_CACHE
from tests.servers import chroma_process, free_port, fresh_database, postgres_process, serve_app

QUESTION = {"question": "Which Korean company works with Vietnam on vmusic.vn?"}


def _settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, model_dir=MODEL_CACHE, **overrides
    )


@pytest.mark.server
def test_chroma_going_down_is_reported_by_name(tmp_path: Path) -> None:
    with chroma_process(tmp_path / "chroma") as chroma:
        chroma_url = chroma.url
        settings = _settings(tmp_path / "data", chroma_url=chroma_url, rate_limit_ip_per_min=0)
        app = create_app(settings)
        with serve_app(app, settings=settings) as url:
            services = app.state.web.loader.services
            assert services.knowledge_base.ingest([str(CORPUS)]).ok
            assert httpx.get(f"{url}/healthz").json()["dependencies"]["chroma"] == "ok"
            assert httpx.post(f"{url}/api/ask", json=QUESTION, timeout=60).status_code == 200
            chroma.stop()
            health = httpx.get(f"{url}/healthz", timeout=60)
            assert health.status_code == 503
            assert health.json()["status"] == "unavailable"
            assert health.json()["dependencies"]["chroma"] == "down"
            answer = httpx.post(f"{url}/api/ask", json=QUESTION, timeout=60)
            assert answer.status_code == 503
            detail = answer.json()["detail"]
            assert "unavailable" in detail and "Chroma" in detail and "starting" not in detail
            assert chroma_url not in detail


def test_a_corrupt_registry_makes_the_service_unavailable_not_starting(
    tmp_path: Path, seeded_data_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    (data_dir / "vnpos.sqlite3").write_bytes(b"garbage" * 1000)
    for sidecar in ("vnpos.sqlite3-wal", "vnpos.sqlite3-shm"):
        (data_dir / sidecar).unlink(missing_ok=True)
    settings = _settings(data_dir)
    app = create_app(settings)
    with serve_app(app, settings=settings, ready_path="/openapi.json") as url:
        app.state.web.loader.wait(timeout=120)
        health = httpx.get(f"{url}/healthz")
        assert health.status_code == 503
        assert health.json() == {
            "status": "unavailable",
            "dependencies": {"registry": "unavailable"},
        }
        answer = httpx.post(f"{url}/api/ask", json=QUESTION, timeout=30)
        assert answer.status_code == 503
        assert "unavailable" in answer.json()["detail"]
        assert "starting" not in answer.json()["detail"]


def test_an_answer_is_given_even_when_it_cannot_be_recorded(web_api: WebApi, caplog) -> None:
    engine = web_api.services.store.database.engine
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def full_disk(dbapi_connection, _record) -> None:
        # SQLite's own "database or disk is full": what a full disk does to the app store.
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", full_disk)
    engine.dispose()
    try:
        for _ in range(30):
            response = httpx.post(f"{web_api.url}/api/ask", json=QUESTION, timeout=60)
            assert response.status_code == 200, response.text
            assert "Naver" in response.text
    finally:
        event.remove(engine, "connect", full_disk)
        engine.dispose()
    failures = [r for r in caplog.records if r.getMessage().startswith("could not record answer")]
    assert failures and all(r.exc_info for r in failures)


@pytest.mark.server
def test_postgres_going_down_is_reported_by_name(tmp_path: Path) -> None:
    with postgres_process() as postgres:
        settings = _settings(
            tmp_path / "data",
            database_url=SecretStr(fresh_database(postgres.url)),
            rate_limit_ip_per_min=0,
        )
        app = create_app(settings)
        with serve_app(app, settings=settings) as url:
            services = app.state.web.loader.services
            assert services.knowledge_base.ingest([str(CORPUS)]).ok
            assert httpx.get(f"{url}/healthz").json()["dependencies"]["database"] == "ok"
            assert "Naver" in httpx.post(f"{url}/api/ask", json=QUESTION, timeout=60).text
            postgres.stop()
            health = httpx.get(f"{url}/healthz", timeout=60)
            assert health.status_code == 503
            assert health.json() == {"status": "unavailable", "dependencies": ANY}
            assert health.json()["dependencies"]["database"] == "down"


def test_an_unreachable_postgres_at_start_makes_the_service_unavailable(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path / "data",
        database_url=SecretStr(f"postgresql://vnpos:pw@127.0.0.1:{free_port()}/vnpos"),
    )
    app = create_app(settings)
    with serve_app(app, settings=settings, ready_path="/openapi.json") as url:
        app.state.web.loader.wait(timeout=120)
        health = httpx.get(f"{url}/healthz")
        assert health.status_code == 503
        assert health.json() == {
            "status": "unavailable",
            "dependencies": {"database": "unavailable"},
        }
