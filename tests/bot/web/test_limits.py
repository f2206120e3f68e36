"""Start-up, limits and error handling, mostly on an app whose services never finish loading.

Everything checked on that app happens before the services are needed, so it needs no
model: health while starting, admin refusal without keys, body caps, malformed JSON,
rate limits and the catch-all error handler.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import httpx
import pytest

import bot.web.app as app_module
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.errors import INTERNAL_ERROR
from bot.web.limits import RateLimiter
from tests.bot.web.conftest import WebApi
from tests.servers import serve_app


class _Closed(Exception):
    pass


@pytest.fixture(scope="module")
def starting_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """No admin keys, 3 requests a minute, 1 kB bodies; services stay "loading"."""
    gate = threading.Event()

    def never_ready(settings: Settings, **options: object) -> object:
        gate.wait()
        raise _Closed("the test is over")

    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("starting"),
        _env_file=None,
        rate_limit_ip_per_min=3,
        max_request_kb=1,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "open_services", never_ready)
        app = create_app(settings)

        def boom() -> None:
            raise RuntimeError("secret internal detail")

        app.add_api_route("/boom", boom)
        with serve_app(app, ready_path="/openapi.json") as url:
            try:
                yield url
            finally:
                gate.set()  # lets the shutdown, which waits for the loader, finish


def test_healthz_says_starting_until_the_services_are_loaded(starting_api: str) -> None:
    response = httpx.get(f"{starting_api}/healthz", timeout=10)
    assert response.status_code == 503 and response.json() == {"status": "starting"}
    search = httpx.post(f"{starting_api}/api/search", json={"query": "x"}, timeout=10)
    assert search.status_code == 503 and search.headers["retry-after"]
    assert "starting" in search.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/documents"),
        ("POST", "/api/admin/documents"),
        ("DELETE", "/api/admin/documents/a/b"),
        ("POST", "/api/admin/reindex"),
        ("GET", "/api/admin/stats"),
        ("GET", "/api/admin/feedback"),
        ("GET", "/api/admin/unanswered"),
    ],
)
def test_without_admin_keys_the_admin_api_refuses_everything(
    starting_api: str, method: str, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer anything"}, {"Authorization": "Basic eDp5"}):
        response = httpx.request(method, f"{starting_api}{path}", headers=headers, timeout=10)
        assert response.status_code == 403
        assert "VNPOS_ADMIN_API_KEYS" in response.json()["detail"]


def test_a_body_over_the_cap_gets_413_by_declared_length(starting_api: str) -> None:
    response = httpx.post(f"{starting_api}/api/ask", json={"question": "x" * 1500}, timeout=10)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is over the 1.0 kB limit."}


def test_a_streamed_body_over_the_cap_gets_413(starting_api: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = httpx.post(
        f"{starting_api}/api/ask",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_uploads_get_the_large_cap_only_with_an_admin_key(starting_api: str) -> None:
    response = httpx.post(
        f"{starting_api}/api/admin/documents", files={"file": ("a.txt", b"a" * 5000)}, timeout=10
    )
    assert response.status_code == 413


def test_malformed_json_gets_a_clear_422(starting_api: str) -> None:
    response = httpx.post(
        f"{starting_api}/api/ask",
        content=b'{"question": "x",',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The request body is not valid JSON")


def test_too_many_requests_get_429_with_retry_after(starting_api: str) -> None:
    statuses = []
    for _ in range(6):
        response = httpx.post(f"{starting_api}/api/search", json={"query": "x"}, timeout=10)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert int(response.headers["retry-after"]) >= 1
    assert "Too many requests" in response.json()["detail"]


def test_an_unexpected_error_is_logged_once_and_answered_safely(
    starting_api: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = httpx.get(f"{starting_api}/boom", timeout=10)
    assert response.status_code == 500 and response.json() == {"detail": INTERNAL_ERROR}
    assert "secret" not in response.text and "Traceback" not in response.text
    logged = [
        r for r in caplog.records if r.exc_info and "secret internal detail" in str(r.exc_info[1])
    ]
    assert len(logged) == 1


def test_a_question_over_2000_characters_gets_a_clear_422(web_api: WebApi) -> None:
    response = httpx.post(f"{web_api.url}/api/ask", json={"question": "é" * 2001}, timeout=30)
    assert response.status_code == 422
    assert "question" in response.json()["detail"] and "2000" in response.json()["detail"]


def test_token_buckets_allow_bursts_then_ask_to_wait() -> None:
    limiter = RateLimiter(per_minute=2)
    assert [limiter.acquire("a", now=0.0) for _ in range(3)] == [0, 0, 30]
    assert limiter.acquire("b", now=0.0) == 0
    assert limiter.acquire("a", now=30.0) == 0
    assert RateLimiter(per_minute=0).acquire("a") == 0
