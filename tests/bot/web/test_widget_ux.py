"""What a reader meets in the widget, on a desktop and a phone, in real Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.bot.web.conftest import ADMIN, KEY_EXAMPLES_FR, KEY_GREETING_FR, Sites, WebApi
from tests.bot.web.widget_pages import DESKTOP, PHONE, ask, embed, host_page, open_widget, words
from tests.conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "artifacts"
# Everything a finger presses, except the [n] references inside the answer's text.
TARGET_SIZES = """() => {
  const root = document.querySelector('[data-vnpos-widget]').shadowRoot;
  return [...root.querySelectorAll('button:not(.ref), summary, a, textarea')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => {
      const box = el.getBoundingClientRect();
      return {name: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30),
              width: box.width, height: box.height};
    });
}"""


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def sized_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=request.param)
    yield context.new_page()
    context.close()


def serious_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core over the widget; return its serious and critical findings."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make browser)")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, object]] = page.evaluate(
        """async () => (await axe.run({include: [['[data-vnpos-widget]']]}))
             .violations.filter((v) => ['serious', 'critical'].includes(v.impact))
             .map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target)}))"""
    )
    return found


def screenshot(page: Page, name: str) -> None:
    """Keep the page, and the widget alone, as CI artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.locator("[data-vnpos-widget]").screenshot(path=str(ARTIFACTS / f"{name}-widget.png"))


def test_the_widget_greets_offers_examples_and_answers_one(
    sized_page: Page, open_api: str, sites: Sites
) -> None:
    page, en = sized_page, words("en")
    viewport = page.viewport_size
    assert viewport is not None
    open_widget(page, sites.other.page("greet.html", embed(open_api, lang="en")), "en")
    greeting = page.locator(".greeting")
    expect(greeting).to_contain_text(en["greeting"])
    expect(greeting.locator(".example")).to_have_text(en["examples"])
    assert (
        page.locator("textarea").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 16
    )

    panel = page.locator(".panel").bounding_box()
    assert panel is not None
    phone = viewport["width"] <= 480
    if phone:
        assert panel == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}
    else:
        assert panel["width"] < viewport["width"] / 2
        expect(page.get_by_role("button", name=en["close"]).last).to_be_visible()

    size = "phone" if phone else "desktop"
    screenshot(page, f"widget-greeting-{size}")
    greeting.locator(".example").first.click()
    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    expect(page.locator(".msg.user")).to_have_text([f"{en['you']}{en['examples'][0]}"])
    answer.locator("summary").first.click()
    small = [t for t in page.evaluate(TARGET_SIZES) if t["width"] < 44 or t["height"] < 44]
    assert small == []
    assert serious_violations(page) == []
    screenshot(page, f"widget-answer-{size}")


def test_a_keys_own_greeting_and_examples_are_shown(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    open_widget(page, host_page(sites, web_api.url, "own-greeting.html"))
    greeting = page.locator(".greeting")
    expect(greeting).to_contain_text(KEY_GREETING_FR)
    expect(greeting.locator(".example")).to_have_text(KEY_EXAMPLES_FR)
    greeting.locator(".example").first.click()
    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    expect(answer).to_contain_text("vmusic.vn")


def test_the_start_of_a_long_answer_is_in_view_when_it_completes(
    browser: Browser, open_api: str, sites: Sites
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 520})
    page = context.new_page()
    open_widget(page, sites.other.page("long.html", embed(open_api, lang="en")), "en")
    for done, question in enumerate(words("en")["examples"][:2], start=1):
        ask(page, question, "en")
        expect(page.locator(".msg.bot:has(details)")).to_have_count(done, timeout=60_000)
    log = page.locator(".log").bounding_box()
    answer = page.locator(".msg.bot").last.bounding_box()
    assert log is not None and answer is not None
    assert answer["height"] > log["height"], "the answer fits: the test proves nothing"
    assert log["y"] <= answer["y"] <= log["y"] + 16
    context.close()


def test_a_failed_question_is_kept_and_retried_when_the_server_is_back(
    page: Page, open_api: str, sites: Sites
) -> None:
    en = words("en")
    question = en["examples"][1]
    open_widget(page, sites.other.page("retry.html", embed(open_api, lang="en")), "en")

    def server_down(route: Route) -> None:
        route.abort("connectionrefused")

    page.route(f"{open_api}/**", server_down)
    ask(page, question, "en")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(en["unreachable"])
    expect(page.locator("textarea")).to_have_value(question)
    expect(page.locator(".msg.user")).to_have_count(1)

    page.unroute(f"{open_api}/**", server_down)
    alert.get_by_role("button", name=en["retry"]).click()
    expect(page.locator(".msg.bot details").first).to_be_attached(timeout=60_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator(".msg.user")).to_have_count(1)
    expect(page.locator("textarea")).to_have_value("")


def test_the_arabic_interface_reads_right_to_left(page: Page, open_api: str, sites: Sites) -> None:
    ar = words("ar")
    open_widget(page, sites.other.page("ar.html", embed(open_api, lang="ar")), "ar")
    dialog = page.get_by_role("dialog", name=ar["title"])
    expect(dialog).to_have_attribute("dir", "rtl")
    expect(dialog).to_have_attribute("lang", "ar")
    expect(page.locator(".greeting")).to_contain_text(ar["greeting"])
    ask(page, ar["examples"][1], "ar")
    expect(page.locator(".msg.bot details").first).to_be_attached(timeout=60_000)
    user = page.locator(".msg.user")
    assert user.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Pushed towards the left: the reader's own message sits at the start of an RTL line.
    assert user.evaluate("el => parseFloat(getComputedStyle(el).marginRight)") > 0
    assert serious_violations(page) == []
    screenshot(page, "widget-arabic-phone")


def test_a_thumbs_down_asks_for_a_comment_that_the_admin_reads(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    fr = words("fr")
    open_widget(page, host_page(sites, web_api.url, "comment.html"))
    ask(page, KEY_EXAMPLES_FR[0])
    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    answer.get_by_role("button", name=fr["not_helpful"], exact=True).click()
    comment = answer.get_by_role("textbox", name=fr["comment_prompt"])
    expect(comment).to_be_focused()
    comment.fill("Il manque la date de lancement du site.")
    answer.get_by_role("button", name=fr["comment_send"]).click()
    expect(answer).to_contain_text(fr["comment_thanks"])
    expect(comment).to_have_count(0)
    feedback = httpx.get(f"{web_api.url}/api/admin/feedback", headers=ADMIN, timeout=30).json()
    assert {
        "rating": "down",
        "channel": "widget",
        "comment": "Il manque la date de lancement du site.",
    }.items() <= next(f for f in feedback["feedback"] if f["comment"]).items()


def test_a_question_over_the_limit_is_counted_not_cut(
    page: Page, open_api: str, sites: Sites
) -> None:
    en = words("en")
    open_widget(page, sites.other.page("long-question.html", embed(open_api, lang="en")), "en")
    counter = page.locator(".counter")
    expect(counter).to_be_hidden()
    box = page.get_by_role("textbox", name=en["input"])
    box.fill("Why? " * 420)  # 2,100 characters
    expect(box).to_have_value("Why? " * 420)
    expect(counter).to_have_text(en["too_long"].format(n=2100, max=2000))
    expect(page.get_by_role("button", name=en["send"])).to_be_disabled()
    page.keyboard.press("Enter")
    expect(page.locator(".msg.user")).to_have_count(0)
    box.fill("Why? " * 360)
    expect(counter).to_have_text(en["characters"].format(n=1800, max=2000))
    expect(page.get_by_role("button", name=en["send"])).to_be_enabled()


def test_the_page_themes_the_widget_and_keeps_its_footer_clear(
    page: Page, open_api: str, sites: Sites
) -> None:
    footer = "<footer style='position:fixed;bottom:0;left:0;right:0;height:64px'>Footer</footer>"
    html = embed(
        open_api,
        lang="en",
        css="[data-vnpos-widget] { --vnpos-offset-y: 80px; }",
        attrs="data-color='#0b5394' data-position='left' data-title='Press office assistant'",
    ).replace("</body>", f"{footer}</body>")
    page.goto(sites.other.page("themed.html", html))
    launcher = page.get_by_role("button", name=words("en")["open"])
    color = launcher.evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(11, 83, 148)"
    box = launcher.bounding_box()
    assert box is not None and box["x"] == 16
    assert box["y"] + box["height"] <= 740 - 64
    launcher.click()
    expect(page.get_by_role("dialog", name="Press office assistant")).to_be_visible()


def test_quotes_from_one_document_share_one_source_entry(
    page: Page, open_api: str, sites: Sites
) -> None:
    answer = httpx.post(
        f"{open_api}/api/ask", json={"question": words("en")["examples"][1]}, timeout=120
    ).json()
    first = answer["citations"][0]
    # The widget's own stream reader, given an answer that quotes one document twice.
    second = {**first, "n": 2, "quote": "Một câu khác của cùng bài viết."}
    answer.update(answer="Quoted once [1], and again [2].", citations=[first, second])
    stream = f"event: done\ndata: {json.dumps(answer)}\n\n"

    def answer_stream(route: Route) -> None:
        if route.request.method == "OPTIONS":
            route.continue_()
            return
        headers = {"Access-Control-Allow-Origin": "*", "Content-Type": "text/event-stream"}
        route.fulfill(body=stream, headers=headers)

    page.route(f"{open_api}/api/ask/stream", answer_stream)
    open_widget(page, sites.other.page("grouped.html", embed(open_api, lang="en")), "en")
    ask(page, words("en")["examples"][1], "en")
    sources = page.locator(".msg.bot").last.locator("li.source")
    expect(sources).to_have_count(1)
    expect(sources.locator("summary")).to_contain_text(f"[1][2] {first['title']}")
    expect(sources.locator("blockquote")).to_have_count(2)
    page.locator(".msg.bot").last.get_by_role("button", name=f"{words('en')['source']} 2").click()
    expect(sources.locator("blockquote").last).to_be_visible()
