"""The admin API through a real uvicorn: auth, uploads, listing, deletion, reports."""

from __future__ import annotations

import httpx
import pytest

from bot.answering.models import AskResponse, Citation
from tests.bot.web.conftest import ADMIN, Sites, WebApi
from tests.conftest import CORPUS
from tests.editions import STATEMENT_EN, STATEMENT_VI

GOOD_TEXT = """---
title: "Hội thảo thông tin đối ngoại về rùa biển Côn Đảo"
publisher: "Báo Thử Nghiệm"
published: 2024-03-05
---
Hội thảo thông tin đối ngoại về rùa biển Côn Đảo

Ngày 5/3/2024, Sở Thông tin và Truyền thông Bà Rịa - Vũng Tàu tổ chức hội thảo giới thiệu
chương trình bảo tồn rùa biển xanh tại Vườn quốc gia Côn Đảo tới bạn bè quốc tế. Chương trình
đã thả về biển hơn 28.000 rùa con trong năm 2023.
"""
CITED = Citation(
    n=1,
    doc_id="seeds/003_f689955a8045994b",
    title="Hợp tác",
    publisher=None,
    published=None,
    url=None,
    source="seeds/003_f689955a8045994b",
    quote="Hiện tại, Cục đang duy trì trang vmusic.vn hợp tác với tập đoàn Naver Hàn Quốc.",
)


def admin_get(api: WebApi, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(f"{api.url}{path}", headers=ADMIN, timeout=60, **kwargs)  # type: ignore[arg-type]


def upload(api: WebApi, name: str, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{api.url}/api/admin/documents",
        headers=ADMIN,
        timeout=120,
        files={"file": (name, content, "application/octet-stream")},
    )


def doc_ids(api: WebApi) -> set[str]:
    return {d["doc_id"] for d in admin_get(api, "/api/admin/documents").json()["documents"]}


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({}, 401, "Authorization: Bearer"),
        ({"Authorization": "Basic abc"}, 401, "Authorization: Bearer"),
        ({"Authorization": "Bearer wrong-key"}, 403, "not a valid admin key"),
    ],
)
def test_admin_endpoints_refuse_missing_or_wrong_keys(
    web_api: WebApi, headers: dict[str, str], status: int, says: str
) -> None:
    for method, path in [
        ("GET", "/api/admin/documents"),
        ("GET", "/api/admin/stats"),
        ("POST", "/api/admin/reindex"),
        ("DELETE", "/api/admin/documents/seeds/x"),
        ("GET", "/api/admin/unanswered"),
        ("GET", "/api/admin/feedback"),
    ]:
        response = httpx.request(method, f"{web_api.url}{path}", headers=headers, timeout=30)
        assert response.status_code == status, (method, path)
        assert says in response.json()["detail"]


def test_admin_accepts_the_right_key_and_lists_documents(web_api: WebApi) -> None:
    response = admin_get(web_api, "/api/admin/documents")
    assert response.status_code == 200
    documents = response.json()["documents"]
    seed = next(d for d in documents if d["doc_id"] == "seeds/003_f689955a8045994b")
    assert seed["publisher"] == "Tạp chí Thông tin & Truyền thông"
    assert seed["published"] == "2020-08-20" and seed["chunks"] > 0 and seed["ingested_at"]


def test_a_corrupt_upload_is_refused_clearly_and_changes_nothing(web_api: WebApi) -> None:
    before_docs, before_chunks = doc_ids(web_api), web_api.services.knowledge_base.chunk_count()
    response = upload(web_api, "báo cáo.pdf", b"%PDF-1.7 this is not really a pdf \x00\x01")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("báo_cáo.pdf") and "uploads" not in detail
    assert doc_ids(web_api) == before_docs
    assert web_api.services.knowledge_base.chunk_count() == before_chunks
    assert not list((web_api.settings.data_dir / "uploads").glob("*.pdf"))


def test_an_unsupported_file_type_is_refused(web_api: WebApi) -> None:
    response = upload(web_api, "../../evil.exe", b"MZ\x90\x00")
    assert response.status_code == 422
    assert "unsupported file type" in response.json()["detail"]


def test_an_upload_over_the_cap_is_refused_with_413(web_api: WebApi) -> None:
    response = upload(web_api, "big.txt", b"a" * 300_000)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_a_good_upload_becomes_searchable_and_can_be_deleted(web_api: WebApi) -> None:
    response = upload(web_api, "rua-bien.txt", GOOD_TEXT.encode())
    assert response.status_code == 201, response.text
    assert response.json()["added"] == ["rua-bien"] and response.json()["chunks"] >= 1

    again = upload(web_api, "rua-bien.txt", GOOD_TEXT.encode())
    assert again.status_code == 200 and again.json()["skipped"] == ["rua-bien"]

    hits = httpx.post(
        f"{web_api.url}/api/search", json={"query": "rùa biển Côn Đảo", "k": 3}, timeout=30
    ).json()["results"]
    assert hits[0]["doc_id"] == "rua-bien"

    deleted = httpx.delete(f"{web_api.url}/api/admin/documents/rua-bien", headers=ADMIN, timeout=30)
    assert deleted.status_code == 200 and deleted.json() == {"deleted": "rua-bien"}
    assert "rua-bien" not in doc_ids(web_api)
    missing = httpx.delete(f"{web_api.url}/api/admin/documents/rua-bien", headers=ADMIN, timeout=30)
    assert missing.status_code == 404 and "rua-bien" in missing.json()["detail"]


def test_text_and_url_documents_are_ingested(web_api: WebApi, sites: Sites) -> None:
    text = {
        "text": "Ngày 1/6/2024, Cục Thông tin đối ngoại ra mắt chuyên trang về sếu Tràm Chim.",
        "title": "Chuyên trang sếu đầu đỏ",
        "publisher": "Cục TTĐN",
        "published": "2024-06-01",
    }
    response = httpx.post(
        f"{web_api.url}/api/admin/documents", headers=ADMIN, json=text, timeout=60
    )
    assert response.status_code == 201, response.text
    [text_id] = response.json()["added"]
    assert text_id.startswith("text/chuyen-trang-seu-dau-do-")

    url = sites.allowed.page(
        "article.html",
        "<html><head><title>Lễ hội khinh khí cầu Huế</title></head><body><article><h1>Lễ hội "
        "khinh khí cầu Huế</h1><p>Ngày 2/5/2024, lễ hội khinh khí cầu quốc tế khai mạc tại Huế "
        "với 20 khinh khí cầu từ 10 quốc gia.</p></article></body></html>",
    )
    response = httpx.post(
        f"{web_api.url}/api/admin/documents", headers=ADMIN, json={"url": url}, timeout=60
    )
    assert response.status_code == 201, response.text
    assert response.json()["added"] == [url]
    for doc_id in (text_id, url):
        assert (
            httpx.delete(
                f"{web_api.url}/api/admin/documents/{doc_id}", headers=ADMIN, timeout=30
            ).status_code
            == 200
        )


def test_an_invalid_json_document_says_what_was_expected(web_api: WebApi) -> None:
    response = httpx.post(
        f"{web_api.url}/api/admin/documents", headers=ADMIN, json={"title": "no text"}, timeout=30
    )
    assert response.status_code == 422
    assert "text" in response.json()["detail"]


def test_stats_count_documents_chunks_questions_and_feedback(web_api: WebApi) -> None:
    body = admin_get(web_api, "/api/admin/stats").json()
    assert body["documents"] >= 5 and body["chunks"] > 0
    assert set(body["questions"]) == {"answered", "unanswered"}
    assert set(body["feedback"]) == {"up", "down"}


def _recorded(api: WebApi, message_id: str, *, channel: str, confidence: float) -> None:
    api.services.store.record_answer(
        response=AskResponse(
            answer=f"Answer {message_id} [1]",
            language="fr",
            answered=True,
            conversation_id=message_id,
            message_id=message_id,
            citations=[CITED],
            confidence=confidence,
        ),
        question=f"Question {message_id}?",
        channel=channel,
        mode="extractive",
        latency_ms=1.0,
    )


def test_reports_show_usage_by_channel_and_the_answers_to_review_with_their_quotes(
    web_api: WebApi,
) -> None:
    _recorded(web_api, "review-sure", channel="widget", confidence=0.95)
    _recorded(web_api, "review-unsure", channel="telegram", confidence=0.01)
    rated = {"message_id": "review-sure", "rating": "down", "comment": "pas la bonne date"}
    assert httpx.post(f"{web_api.url}/api/feedback", json=rated, timeout=30).status_code == 201

    stats = admin_get(web_api, "/api/admin/stats", params={"days": 7}).json()
    channels = {u["key"]: u for u in stats["by_channel"]}
    assert channels["widget"]["answered"] >= 1 and channels["widget"]["down"] >= 1
    assert channels["telegram"]["answered"] >= 1
    assert {u["key"] for u in stats["by_language"]} >= {"fr"}
    assert stats["by_day"][-1]["key"] >= stats["since"]

    report = admin_get(web_api, "/api/admin/unanswered").json()
    unsure = [a for a in report["low_confidence"] if a["message_id"] == "review-unsure"]
    assert unsure and unsure[0]["citations"][0]["quote"] == CITED.quote
    assert not any(a["message_id"] == "review-sure" for a in report["low_confidence"])
    [disliked] = [a for a in report["disliked"] if a["message_id"] == "review-sure"]
    assert disliked["comment"] == "pas la bonne date" and disliked["answer"].startswith("Answer")

    feedback = admin_get(web_api, "/api/admin/feedback").json()["feedback"]
    [row] = [f for f in feedback if f["message_id"] == "review-sure"]
    assert row["question"] == "Question review-sure?" and row["citations"][0]["n"] == 1


def test_unanswered_questions_are_grouped_by_similarity(web_api: WebApi) -> None:
    questions = [
        "What is the population of Hanoi in 2031?",
        "How many people will live in Hanoi in 2031?",
        "Who won the 2031 football world cup?",
    ]
    for n, question in enumerate(questions):
        web_api.services.store.record_answer(
            response=AskResponse(
                answer="Not found in the sources.",
                language="en",
                answered=False,
                conversation_id=f"c{n}",
                message_id=f"unanswered-{n}",
                citations=[],
            ),
            question=question,
            channel="api",
            mode="extractive",
            latency_ms=1.0,
        )
    groups = admin_get(web_api, "/api/admin/unanswered").json()["groups"]
    assert groups[0]["question"] == questions[2] and groups[0]["count"] == 1
    hanoi = groups[1]
    assert hanoi["question"] == questions[1] and hanoi["count"] == 2
    assert hanoi["languages"] == {"en": 2} and set(hanoi["examples"]) == set(questions[:2])


def test_text_uploads_whose_titles_fold_alike_are_kept_apart(web_api: WebApi) -> None:
    body = (CORPUS / "seeds" / "001_8bae1434a54b0515.txt").read_text()
    ids = []
    for title, lead in (("Thông cáo báo chí", "Số 1."), ("Thong cao bao chi", "Số 2.")):
        response = httpx.post(
            f"{web_api.url}/api/admin/documents",
            headers=ADMIN,
            json={"title": title, "text": f"{lead}\n\n{body}"},
            timeout=120,
        )
        assert response.status_code == 201, response.text
        ids += response.json()["added"]
    assert len(set(ids)) == 2
    again = httpx.post(
        f"{web_api.url}/api/admin/documents",
        headers=ADMIN,
        json={"title": "Bản sao", "text": f"Số 1.\n\n{body}"},
        timeout=120,
    )
    assert again.status_code == 200
    [duplicate] = again.json()["duplicates"]
    assert duplicate["original"] == ids[0] and again.json()["added"] == []
    for doc_id in ids:
        httpx.delete(f"{web_api.url}/api/admin/documents/{doc_id}", headers=ADMIN, timeout=30)


def test_an_edition_declared_over_the_api_is_listed_with_its_original(web_api: WebApi) -> None:
    def post(body: dict[str, str]) -> dict[str, object]:
        response = httpx.post(
            f"{web_api.url}/api/admin/documents", headers=ADMIN, json=body, timeout=120
        )
        assert response.status_code in (200, 201), response.text  # added, or updated
        return dict(response.json())

    english = {"text": STATEMENT_EN, "title": STATEMENT_EN.split("\n", 1)[0], "language": "en"}
    waiting = post({**english, "translation_of": "text/no-such-original"})
    assert waiting["warnings"] == [
        f"{waiting['added'][0]}: translation_of names 'text/no-such-original', which is not "  # type: ignore[index]
        "indexed; the editions are linked when it is ingested"
    ]
    original = post({"text": STATEMENT_VI, "title": STATEMENT_VI.split("\n", 1)[0]})
    [original_id] = original["added"]  # type: ignore[misc]
    edition = post({**english, "translation_of": original_id})
    [edition_id] = edition["updated"]  # type: ignore[misc]
    assert edition["warnings"] == []

    listed = {
        d["doc_id"]: d for d in admin_get(web_api, "/api/admin/documents").json()["documents"]
    }
    assert listed[edition_id]["edition_of"] == original_id
    assert listed[original_id]["edition_of"] is None
    for doc_id in (edition_id, original_id):
        httpx.delete(f"{web_api.url}/api/admin/documents/{doc_id}", headers=ADMIN, timeout=30)
