"""Questions, streamed answers, feedback, widget keys and CORS, through a real uvicorn."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.bot.web.conftest import ADMIN, WIDGET_KEY, Sites, WebApi

QUESTION_FR = (
    "Quelle entreprise coréenne coopère avec le Département de l'information pour "
    "l'étranger sur le site vmusic.vn ?"
)
VMUSIC_DOC = "seeds/003_f689955a8045994b"


def ask(api: WebApi, question: str = QUESTION_FR, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{api.url}/api/ask", json={"question": question}, headers=headers, timeout=120
    )


def read_events(response: httpx.Response) -> list[tuple[str, object]]:
    events = []
    for block in response.text.replace("\r\n", "\n").split("\n\n"):
        lines = block.splitlines()
        names = [line[6:].strip() for line in lines if line.startswith("event:")]
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        if names and data:
            events.append((names[0], json.loads(data)))
    return events


@pytest.fixture(scope="module")
def answer(web_api: WebApi) -> dict[str, object]:
    response = ask(web_api)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_ask_answers_in_french_with_citations_to_the_right_document(answer: dict) -> None:
    assert answer["answered"] is True and answer["language"] == "fr"
    assert "Naver" in answer["answer"]
    assert any(c["doc_id"] == VMUSIC_DOC for c in answer["citations"])
    assert answer["message_id"] and answer["conversation_id"]


def test_ask_stream_sends_deltas_citations_then_the_whole_answer(web_api: WebApi) -> None:
    response = httpx.post(
        f"{web_api.url}/api/ask/stream", json={"question": QUESTION_FR}, timeout=120
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = read_events(response)
    kinds = [kind for kind, _ in events]
    # The reader sees movement before the answer: searching at once, then answering.
    assert events[0] == ("status", {"stage": "searching"})
    assert events[1][0] == "status" and events[1][1]["stage"] == "answering"  # type: ignore[index]
    assert kinds[2] == "delta" and kinds[-1] == "done" and "citations" in kinds
    done = events[-1][1]
    assert isinstance(done, dict)
    assert "".join(str(d) for k, d in events if k == "delta").strip() == done["answer"].strip()
    assert any(c["doc_id"] == VMUSIC_DOC for c in done["citations"])


def test_feedback_is_recorded_for_a_known_answer_only(web_api: WebApi, answer: dict) -> None:
    url = f"{web_api.url}/api/feedback"
    body = {"message_id": answer["message_id"], "rating": "down", "comment": "trop court"}
    response = httpx.post(url, json=body, timeout=30)
    assert response.status_code == 201 and response.json()["recorded"] is True
    unknown = httpx.post(url, json={**body, "message_id": "no-such-id"}, timeout=30)
    assert unknown.status_code == 404 and "no-such-id" in unknown.json()["detail"]
    recorded = httpx.get(f"{web_api.url}/api/admin/feedback", headers=ADMIN, timeout=30).json()
    assert any(
        f["message_id"] == answer["message_id"] and f["comment"] == "trop court"
        for f in recorded["feedback"]
    )


def test_requests_without_an_origin_are_served(web_api: WebApi) -> None:
    response = httpx.post(f"{web_api.url}/api/search", json={"query": "vmusic"}, timeout=30)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("origin", "key", "says"),
    [
        ("https://evil.example", WIDGET_KEY, "not allowed on https://evil.example"),
        (None, "no-such-key", "Unknown widget key"),
        ("ALLOWED", None, "need a widget key"),
    ],
)
def test_wrong_origins_and_keys_are_refused_with_403(
    web_api: WebApi, sites: Sites, origin: str | None, key: str | None, says: str
) -> None:
    headers = {}
    if origin:
        headers["Origin"] = sites.allowed.origin if origin == "ALLOWED" else origin
    if key:
        headers["X-Widget-Key"] = key
    for path, body in [
        ("/api/ask", {"question": "x"}),
        ("/api/ask/stream", {"question": "x"}),
        ("/api/feedback", {"message_id": "x", "rating": "up"}),
    ]:
        response = httpx.post(f"{web_api.url}{path}", json=body, headers=headers, timeout=30)
        assert response.status_code == 403, path
        assert says in response.json()["detail"]


def test_cors_answers_the_allowed_origin_only(web_api: WebApi, sites: Sites) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-widget-key",
    }
    allowed = httpx.options(
        f"{web_api.url}/api/ask/stream", headers={"Origin": sites.allowed.origin, **preflight}
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == sites.allowed.origin
    assert "x-widget-key" in allowed.headers["access-control-allow-headers"].lower()
    other = httpx.options(
        f"{web_api.url}/api/ask/stream", headers={"Origin": sites.other.origin, **preflight}
    )
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers
    refused = httpx.post(
        f"{web_api.url}/api/feedback",
        json={"message_id": "x", "rating": "up"},
        headers={"Origin": sites.allowed.origin, "X-Widget-Key": "bad"},
    )
    assert refused.status_code == 403
    assert refused.headers["access-control-allow-origin"] == sites.allowed.origin


def test_metrics_count_requests_by_route_and_answers_by_outcome(
    web_api: WebApi, answer: dict
) -> None:
    httpx.get(f"{web_api.url}/no/such/page/12345", timeout=10)
    text = httpx.get(f"{web_api.url}/metrics", timeout=10).text
    assert 'vnpos_http_requests_total{method="POST",route="/api/ask",status="200"}' in text
    assert 'route="unmatched"' in text and "/no/such/page" not in text
    assert "vnpos_http_request_duration_seconds_bucket" in text
    answered = next(
        line
        for line in text.splitlines()
        if line.startswith('vnpos_answers_total{outcome="answered"}')
    )
    assert float(answered.split()[-1]) >= 1
    assert 'vnpos_ingested_documents_total{outcome="failed"}' in text


def test_openapi_docs_and_readiness_are_served(web_api: WebApi) -> None:
    assert httpx.get(f"{web_api.url}/docs", timeout=10).status_code == 200
    paths = httpx.get(f"{web_api.url}/openapi.json", timeout=10).json()["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/feedback", "/api/admin/unanswered"} <= set(paths)
    health = httpx.get(f"{web_api.url}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"


def test_no_response_shows_a_server_path(web_api: WebApi, answer: dict[str, object]) -> None:
    data_dir = str(web_api.settings.data_dir.resolve())
    searched = httpx.post(
        f"{web_api.url}/api/search", json={"query": "vmusic.vn Naver", "k": 5}, timeout=60
    )
    for body in (json.dumps(answer, ensure_ascii=False), searched.text):
        assert "corpus/" not in body and ".txt" not in body and data_dir not in body
    sources = {c["source"] for c in answer["citations"]}  # type: ignore[index]
    assert VMUSIC_DOC in sources
