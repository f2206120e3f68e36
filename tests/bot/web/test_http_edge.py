"""The HTTP edge: forwarded addresses, slow clients, what is not a question, bad languages."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from tests.bot.web.conftest import ADMIN, WebApi, services_never_load
from tests.servers import serve_app


@pytest.fixture
def edge_app(tmp_path, request) -> Iterator[str]:
    """An app limited to 5 requests a minute per client whose services never load."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        rate_limit_ip_per_min=5,
        header_timeout_s=1.5,
        **getattr(request, "param", {}),
    )
    with services_never_load() as gate:
        app = create_app(settings)
        with serve_app(app, settings=settings, ready_path="/openapi.json") as url:
            try:
                yield url
            finally:
                gate.set()


def _statuses(url: str, count: int) -> list[int]:
    return [
        httpx.post(
            f"{url}/api/search",
            json={"query": "x"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(count)
    ]


def test_a_spoofed_forwarded_for_does_not_escape_the_rate_limit(edge_app: str) -> None:
    statuses = _statuses(edge_app, 12)
    assert statuses.count(429) == 7  # 5 allowed, whatever addresses the client claims


@pytest.mark.parametrize("edge_app", [{"trusted_proxies": ["127.0.0.1"]}], indirect=True)
def test_a_trusted_proxy_names_the_client(edge_app: str) -> None:
    assert 429 not in _statuses(edge_app, 12)  # twelve clients behind one proxy


def test_a_client_trickling_its_headers_is_dropped(edge_app: str) -> None:
    host, port = edge_app.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\n")
        closed = False
        for _ in range(40):
            try:
                connection.sendall(b"X")
                if connection.recv(1, socket.MSG_DONTWAIT) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed = True
                break
            time.sleep(0.25)
    assert closed, "the server kept a connection whose headers never ended"
    assert time.monotonic() - started < 8  # the trickle would have lasted 10 s


def test_a_keep_alive_connection_still_serves_prompt_clients(edge_app: str) -> None:
    with httpx.Client() as client:
        for _ in range(3):
            assert client.get(f"{edge_app}/openapi.json").status_code == 200
            time.sleep(0.5)


@pytest.mark.parametrize(
    "question",
    [".", "😀" * 50, "   \t ", "\u202e" * 50, "\u0301\u0302\u0303" * 10, "?!…", "—"],
    ids=["dot", "emoji", "whitespace", "rtl-override", "combining", "punctuation", "dash"],
)
def test_what_is_not_a_question_is_refused_without_quotes(web_api: WebApi, question) -> None:
    response = httpx.post(f"{web_api.url}/api/ask", json={"question": question}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is False and body["reason"] == "not_a_question"
    assert body["citations"] == [] and "question" in body["answer"]


def test_a_streamed_content_free_question_is_refused_the_same_way(web_api: WebApi) -> None:
    with httpx.stream(
        "POST", f"{web_api.url}/api/ask/stream", json={"question": "🙂🙂🙂"}, timeout=30
    ) as response:
        text = response.read().decode()
    assert '"reason":"not_a_question"' in text and "event: done" in text


def test_an_unsupported_language_is_refused_and_not_echoed(web_api: WebApi) -> None:
    response = httpx.post(
        f"{web_api.url}/api/ask",
        json={"question": "Who heads the Commission?", "language": "<script>"},
        timeout=30,
    )
    assert response.status_code == 422
    assert "unsupported language" in response.json()["detail"]
    fine = httpx.post(
        f"{web_api.url}/api/ask",
        json={"question": "Qui dirige la Commission ?", "language": "fr-CA"},
        timeout=60,
    )
    assert fine.status_code == 200 and fine.json()["language"] == "fr"


def test_an_admin_exports_and_deletes_a_readers_conversation(web_api: WebApi) -> None:
    asked = httpx.post(
        f"{web_api.url}/api/ask",
        json={"question": "Which Korean company works with Vietnam on vmusic.vn?"},
        timeout=60,
    ).json()
    conversation = asked["conversation_id"]
    exported = httpx.get(f"{web_api.url}/api/admin/conversations/{conversation}", headers=ADMIN)
    assert exported.status_code == 200
    [message] = exported.json()["messages"]
    assert message["message_id"] == asked["message_id"] and "Naver" in message["answer"]
    deleted = httpx.delete(f"{web_api.url}/api/admin/conversations/{conversation}", headers=ADMIN)
    assert deleted.json() == {"conversation_id": conversation, "deleted_messages": 1}
    gone = httpx.get(f"{web_api.url}/api/admin/conversations/{conversation}", headers=ADMIN)
    assert gone.status_code == 404
    assert httpx.get(f"{web_api.url}/api/admin/conversations/{conversation}").status_code == 401
