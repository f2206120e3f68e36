"""The admin console at /admin, as a press-office editor uses it, in real Chromium."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bot.settings import Settings
from bot.web.app import create_app
from tests.bot.web.conftest import ADMIN_KEY, Sites, WebApi
from tests.bot.web.test_widget_ux import AXE
from tests.bot.web.widget_pages import DESKTOP
from tests.conftest import MODEL_CACHE, REPO
from tests.servers import serve_app

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts"
PHONE = {"width": 390, "height": 844}
FACT = "Hội đồng Thông tin biển đảo họp phiên đầu tiên tại Đà Nẵng ngày 3 tháng 3 năm 2026."
QUESTION = "Hội đồng Thông tin biển đảo họp phiên đầu tiên ở đâu?"
URL_FACT = "Trung tâm Báo chí quốc tế Hạ Long mở cửa đón phóng viên nước ngoài từ năm 2026."


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=request.param, locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    yield context.new_page()
    context.close()


def sign_in(page: Page, url: str, key: str = ADMIN_KEY) -> None:
    page.goto(f"{url}/admin")
    page.get_by_label("Admin key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def problems(page: Page) -> list[dict[str, object]]:
    """Return axe-core's serious and critical findings, and any sideways scrolling."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make browser)")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, object]] = page.evaluate(
        """async () => (await axe.run()).violations
             .filter((v) => ['serious', 'critical'].includes(v.impact))
             .map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target)}))"""
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        found.append({"id": "page-wider-than-screen", "pixels": overflow})
    return found


def keep(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def ask(url: str, question: str) -> dict[str, object]:
    response = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=60)
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def cited(answer: dict[str, object]) -> dict[str, str]:
    citations = answer["citations"]
    assert isinstance(citations, list)
    return {c["doc_id"]: c["title"] for c in citations}


def test_a_wrong_key_is_refused_and_a_right_one_opens_the_documents(
    sized_page: Page, web_api: WebApi
) -> None:
    page = sized_page
    page.goto(f"{web_api.url}/admin/questions")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    sign_in(page, web_api.url, key="not-the-key")
    expect(page.get_by_role("alert")).to_have_text("That key is not a valid admin key.")
    expect(page.get_by_role("table")).to_have_count(0)
    sign_in(page, web_api.url)
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    titles = {d.meta.title for d in web_api.services.knowledge_base.documents()}
    for title in list(titles)[:3]:
        expect(page.locator("#documents")).to_contain_text(title)
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{web_api.url}/admin/documents")
    expect(page).to_have_url(re.compile(r"/admin/login"))


def test_every_console_page_is_accessible_fits_the_screen_and_loads_nothing_from_outside(
    sized_page: Page, web_api: WebApi
) -> None:
    page = sized_page
    width = page.viewport_size["width"] if page.viewport_size else 0
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{web_api.url}/admin/login")
    assert problems(page) == []
    sign_in(page, web_api.url)
    first = web_api.services.knowledge_base.documents()[0].meta.doc_id
    for name, path in (
        ("documents", "/admin/documents"),
        ("document", f"/admin/document?id={first}"),
        ("delete", f"/admin/document/delete?id={first}"),
        ("questions", "/admin/questions"),
        ("overview", "/admin/overview"),
        ("glossary", "/admin/glossary"),
        ("term", "/admin/glossary/edit?term=Bộ Chính trị"),
        ("documents-vi", "/admin/documents?lang=vi"),
    ):
        page.goto(web_api.url + path)
        assert problems(page) == [], name
        keep(page, f"console-{name}-{width}")
    expect(page.get_by_role("heading", name="Tài liệu", exact=True)).to_be_visible()
    outside = [u for u in requested if not u.startswith(web_api.url) and not u.startswith("data:")]
    assert outside == []


def test_upload_a_docx_and_a_url_edit_a_title_and_delete_it_again(
    desktop: Page, web_api: WebApi, sites: Sites, tmp_path: Path
) -> None:
    page = desktop
    word = docx.Document()
    word.add_heading("Hội đồng Thông tin biển đảo", level=1)
    word.add_paragraph(FACT + " Hội đồng do Bộ Ngoại giao chủ trì và họp mỗi năm một lần.")
    word.save(tmp_path / "hoi-dong.docx")
    article = sites.allowed.page(
        "press-centre.html",
        "<html><head><title>Trung tâm Báo chí quốc tế</title><script>alert(1)</script></head>"
        f"<body><article><h1>Trung tâm Báo chí quốc tế</h1><p>{URL_FACT}</p>"
        "<p>Trung tâm có phòng họp báo, phòng làm việc và dịch vụ phiên dịch.</p>"
        "</article></body></html>",
    )
    sign_in(page, web_api.url)
    (tmp_path / "empty.txt").write_text("")
    page.get_by_label("Files (drop them here or choose them)").set_input_files(
        [tmp_path / "hoi-dong.docx", tmp_path / "empty.txt"]
    )
    page.get_by_label("Web address (URL)").fill(article)
    page.get_by_role("button", name="Add", exact=True).click()
    results = page.locator("#results li")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Added")
    expect(results.nth(0)).to_contain_text("hoi-dong.docx")
    expect(results.nth(1)).to_contain_text("Failed")
    expect(results.nth(1)).to_contain_text("empty.txt")
    expect(results.nth(2)).to_contain_text("Added")
    expect(page.locator("#documents")).to_contain_text("Hội đồng Thông tin biển đảo")
    expect(page.locator("#documents")).to_contain_text("Trung tâm Báo chí quốc tế")

    answer = ask(web_api.url, QUESTION)
    assert "Đà Nẵng" in str(answer["answer"])
    doc_id = next(d for d, title in cited(answer).items() if "biển đảo" in title)
    url_answer = ask(web_api.url, "Trung tâm Báo chí quốc tế Hạ Long mở cửa từ năm nào?")
    assert any("Báo chí quốc tế" in title for title in cited(url_answer).values())

    page.get_by_role("link", name="Hội đồng Thông tin biển đảo").first.click()
    expect(page.locator("pre")).to_contain_text("Đà Nẵng")
    page.get_by_label("Title").fill("Phiên họp đầu tiên của Hội đồng Thông tin biển đảo")
    page.get_by_role("button", name="Save and re-index").click()
    expect(page.locator("#results li")).to_contain_text("Updated")
    assert cited(ask(web_api.url, QUESTION))[doc_id] == (
        "Phiên họp đầu tiên của Hội đồng Thông tin biển đảo"
    )

    page.get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete it").click()
    expect(page.locator("#results li")).to_contain_text("Deleted")
    expect(page.locator("#documents")).not_to_contain_text("Phiên họp đầu tiên")
    assert doc_id not in cited(ask(web_api.url, QUESTION))
    other = next(d for d, t in cited(url_answer).items() if "Báo chí quốc tế" in t)
    assert web_api.services.knowledge_base.delete(other)


def test_the_unanswered_report_lists_what_the_corpus_cannot_answer(
    desktop: Page, web_api: WebApi
) -> None:
    asked = ["How do I bake sourdough bread at home?", "Who won the 1998 football World Cup?"]
    for question in asked:
        assert ask(web_api.url, question)["citations"] == []
    sign_in(desktop, web_api.url)
    desktop.get_by_role("link", name="Questions").click()
    report = desktop.locator("#unanswered")
    for question in asked:
        expect(report).to_contain_text(question)
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="Download as CSV").first.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(question in exported for question in asked)


def test_the_overview_charts_the_day_s_questions_and_the_dependencies(
    desktop: Page, web_api: WebApi
) -> None:
    sign_in(desktop, web_api.url)
    desktop.get_by_role("link", name="Overview").click()
    answered = int(desktop.locator("#answered-today").inner_text())
    declined = int(desktop.locator("#declined-today").inner_text())
    assert ask(web_api.url, "Qu'est-ce que le site vmusic.vn ?")["citations"]
    assert ask(web_api.url, "What is the best recipe for pho?")["citations"] == []
    desktop.reload()
    expect(desktop.locator("#answered-today")).to_have_text(str(answered + 1))
    expect(desktop.locator("#declined-today")).to_have_text(str(declined + 1))
    by_channel = desktop.locator("figure", has_text="Questions per day, by channel")
    today = by_channel.locator("tbody tr").last
    assert today.locator("th").text_content() == time.strftime("%Y-%m-%d", time.gmtime())
    assert sum(int(n) for n in today.locator("td").all_text_contents()) == answered + declined + 2
    assert by_channel.locator("svg rect").count() >= 1
    latency = desktop.locator("figure", has_text="Time to answer")
    assert latency.locator("polyline").count() == 2
    expect(desktop.locator("#health")).to_contain_text("chroma working")


def test_the_consistency_check_and_a_reindex_show_their_result(
    desktop: Page, web_api: WebApi
) -> None:
    held = len(web_api.services.knowledge_base.documents())
    sign_in(desktop, web_api.url)
    desktop.get_by_role("button", name="Check consistency").click()
    expect(desktop.locator("#maintenance-verdict")).to_have_text("No problem found.")
    expect(desktop.locator("#maintenance-lines")).to_contain_text(f"documents {held}")
    assert problems(desktop) == []
    desktop.get_by_role("link", name="Documents").first.click()
    desktop.get_by_role("button", name="Re-index everything").click()
    expect(desktop.locator("#maintenance-lines")).to_contain_text(f"updated {held}")
    assert ask(web_api.url, "Qu'est-ce que le site vmusic.vn ?")["citations"]


def test_a_term_added_in_the_glossary_glosses_the_next_answer_until_removed(
    desktop: Page, web_api: WebApi
) -> None:
    question = "Quelle entreprise coréenne coopère sur le site vmusic.vn ?"

    def glosses() -> dict[str, str]:
        citations = ask(web_api.url, question)["citations"]
        assert isinstance(citations, list) and citations
        return {g["term"]: g["translation"] for c in citations for g in c["glossary"]}

    assert "tập đoàn Naver" not in glosses()
    sign_in(desktop, web_api.url)
    desktop.get_by_role("link", name="Glossary").click()
    desktop.get_by_role("link", name="Add a term").click()
    desktop.get_by_label("Term (Vietnamese)").fill("tập đoàn Naver")
    desktop.get_by_label("Français (fr)").fill("groupe Naver")
    desktop.get_by_role("button", name="Save", exact=True).click()
    expect(desktop.get_by_role("alert")).to_have_text("Enter where the translations come from.")
    desktop.get_by_label("Source of the translations").fill("Naver Corporation, press releases")
    desktop.get_by_role("button", name="Save", exact=True).click()
    expect(desktop.locator("#glossary-message")).to_contain_text("is saved")
    expect(desktop.locator("#glossary")).to_contain_text("groupe Naver")
    assert glosses()["tập đoàn Naver"] == "groupe Naver"
    row = desktop.locator("#glossary tr", has_text="tập đoàn Naver")
    row.get_by_role("button", name="Delete").click()
    expect(desktop.locator("#glossary-message")).to_contain_text("is removed")
    assert "tập đoàn Naver" not in glosses()


def session_cookie(url: str, key: str) -> httpx.Cookies:
    with httpx.Client(base_url=url) as client:
        form = client.get("/admin/login")
        token = re.search(r'name="token" value="([^"]+)"', form.text)
        assert token is not None
        signed = client.post("/admin/login", data={"key": key, "token": token.group(1)})
        assert signed.status_code == 303
        return client.cookies


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(web_api: WebApi) -> None:
    doc_id = web_api.services.knowledge_base.documents()[0].meta.doc_id
    with httpx.Client(base_url=web_api.url, cookies=session_cookie(web_api.url, ADMIN_KEY)) as c:
        refused = c.post("/admin/document/delete", data={"id": doc_id})
        forged = c.post("/admin/document/delete", data={"id": doc_id, "csrf": "0" * 64})
        page = c.get("/admin/documents")
    assert refused.status_code == forged.status_code == 403
    assert "did not come from the console" in refused.text
    assert page.status_code == 200 and doc_id in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert web_api.services.knowledge_base.document(doc_id) is not None


def test_a_session_ends_when_its_key_is_rotated_out(
    web_api: WebApi, seeded_data_dir: Path, tmp_path: Path
) -> None:
    old = session_cookie(web_api.url, ADMIN_KEY)
    assert httpx.get(f"{web_api.url}/admin/documents", cookies=old).status_code == 200
    shutil.copytree(seeded_data_dir, tmp_path / "data")
    rotated = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        model_dir=MODEL_CACHE,
        _env_file=None,
        admin_api_keys=["the-new-key"],
    )
    with serve_app(create_app(rotated), settings=rotated) as url:
        stale = httpx.get(f"{url}/admin/documents", cookies=old)
        fresh = httpx.get(f"{url}/admin/documents", cookies=session_cookie(url, "the-new-key"))
    assert stale.status_code == 303 and "/admin/login" in stale.headers["location"]
    assert fresh.status_code == 200
