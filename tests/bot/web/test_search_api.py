"""POST /api/search through a real uvicorn, on the shipped corpus."""

import shutil
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from tests.conftest import MODEL_CACHE
from tests.servers import serve_app


@pytest.fixture(scope="module")
def api(seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    # The session's own knowledge base holds the seeded data dir: serve a copy.
    data_dir = tmp_path_factory.mktemp("search") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    settings = Settings(data_dir=data_dir, model_dir=MODEL_CACHE, _env_file=None)  # type: ignore[call-arg]
    with serve_app(create_app(settings), settings=settings) as url:
        yield url


def test_search_returns_ranked_passages_of_the_right_document(api: str) -> None:
    response = httpx.post(
        f"{api}/api/search", json={"query": "vmusic.vn Naver", "k": 5}, timeout=30
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["doc_id"] == "seeds/003_f689955a8045994b"
    assert set(results[0]) == {"doc_id", "chunk_id", "title", "source", "score", "text"}
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_search_filters_by_publication_date(api: str) -> None:
    response = httpx.post(
        f"{api}/api/search",
        json={"query": "thông tin đối ngoại", "k": 10, "published_after": "2022-01-01"},
        timeout=30,
    )
    doc_ids = {r["doc_id"] for r in response.json()["results"]}
    assert doc_ids and "seeds/001_8bae1434a54b0515" not in doc_ids


def test_search_rejects_an_empty_query_with_a_clear_message(api: str) -> None:
    response = httpx.post(f"{api}/api/search", json={"query": ""}, timeout=30)
    assert response.status_code == 422


def test_healthz_reports_the_index(api: str) -> None:
    body = httpx.get(f"{api}/healthz", timeout=10).json()
    assert body["status"] == "ok" and body["chunks"] > 0
