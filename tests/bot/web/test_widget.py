"""The embeddable widget in headless Chromium, on pages served from other loopback origins."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from bot.answering.translation import CachedTranslator, LibreTranslate
from bot.settings import Settings
from bot.web.app import create_app
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.bot.answering.fake_translate import Translations
from tests.bot.answering.fake_translate import create_app as create_translator
from tests.bot.web.conftest import ADMIN, KEY_GREETING_FR, WIDGET_KEY, Sites, WebApi
from tests.bot.web.test_ask_api import QUESTION_FR, VMUSIC_DOC
from tests.bot.web.widget_pages import ask, embed, host_page, open_widget
from tests.conftest import CORPUS, MODEL_CACHE, REPO
from tests.editions import STATEMENT_EN, STATEMENT_VI, write
from tests.servers import serve_app

pytestmark = pytest.mark.browser

AGGRESSIVE_CSS = (
    "* { display: block !important; color: red !important; font-size: 30px !important;"
    " padding: 20px !important; border: 3px solid lime !important; box-sizing: content-box; }"
    " div { position: static !important; width: 10px !important; }"
    " button, textarea, details, summary { all: unset !important; display: block !important; }"
)
STYLED = ["launcher", "panel", "header", "title", "log", "form", "textarea", "send"]


def test_a_french_question_streams_an_answer_whose_citation_opens_its_quote(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    open_widget(page, host_page(sites, web_api.url, "plain.html"))
    with page.expect_request(lambda r: r.url.endswith("/api/ask/stream")) as streamed:
        ask(page, QUESTION_FR)
    assert streamed.value.headers["x-widget-key"] == WIDGET_KEY
    assert streamed.value.response().headers["content-type"].startswith("text/event-stream")

    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    expect(answer).to_contain_text("Naver")
    title = web_api.services.knowledge_base.document(VMUSIC_DOC).meta.title
    citation = answer.locator("details", has_text=title).first
    expect(citation.locator("blockquote").first).not_to_be_visible()
    citation.locator("summary").click()
    quote = citation.locator("blockquote").first
    expect(quote).to_be_visible()
    document_text = (CORPUS / "seeds" / f"{VMUSIC_DOC.split('/')[1]}.txt").read_text()
    assert " ".join(quote.inner_text().split()) in " ".join(document_text.split())
    for link in answer.locator("a").all():
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"

    answer.get_by_role("button", name="Utile", exact=True).click()
    expect(answer).to_contain_text("Merci pour votre avis.")
    feedback = httpx.get(f"{web_api.url}/api/admin/feedback", headers=ADMIN, timeout=30).json()
    assert any(f["rating"] == "up" and f["channel"] == "widget" for f in feedback["feedback"])

    answer.evaluate("el => el.scrollIntoView({block: 'start'})")
    artifacts = REPO / "artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "widget.png"))

    page.reload()
    page.get_by_role("button", name="Ouvrir l'assistant").click()
    expect(page.locator(".msg.user")).to_have_count(1)
    expect(page.locator(".msg.user")).to_contain_text(QUESTION_FR)
    expect(page.locator(".msg.bot details").first).to_be_attached()


def test_glosses_show_beside_the_quotes_not_inside_them(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    open_widget(page, host_page(sites, web_api.url, "glossary.html"))
    ask(
        page,
        "Que demande le chef de la Commission centrale de propagande "
        "pour le second semestre 2023 ?",
    )
    answer = page.locator(".msg.bot").last
    glossary = answer.locator(".glossary").first
    expect(glossary).to_be_visible(timeout=60_000)
    expect(glossary).to_contain_text("Glossaire: ")
    expect(answer.locator(".glossary")).to_contain_text(
        ["Trưởng Ban Tuyên giáo Trung ương — chef de la Commission centrale de propagande"]
    )
    assert "Commission centrale" not in " ".join(answer.locator("blockquote").all_inner_texts())


def test_machine_translations_are_labelled_in_the_api_and_the_widget(
    page: Page, web_api: WebApi, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_app(create_translator(Translations())) as translate_url:
        translator = CachedTranslator(LibreTranslate(translate_url, timeout_s=10))
        monkeypatch.setattr(web_api.services.answerer, "translator", translator)
        question = "Who heads the Central Propaganda Commission?"
        api = httpx.post(f"{web_api.url}/api/ask", json={"question": question}, timeout=120)
        citation = api.json()["citations"][0]
        assert citation["translation"] == {
            "text": f"(EN) {citation['quote']}",
            "language": "en",
            "kind": "machine",
            "doc_id": citation["doc_id"],
            "title": None,
            "url": None,
        }

        open_widget(page, host_page(sites, web_api.url, "translated.html", lang="en"), "en")
        ask(page, question, "en")
        answer = page.locator(".msg.bot").last
        translation = answer.locator(".translation").first
        expect(translation).to_be_visible(timeout=60_000)
        expect(translation).to_contain_text("Machine translation")
        expect(translation).to_contain_text(f"(EN) {citation['quote'][:40]}")
        expect(answer.locator("blockquote").first).not_to_be_visible()  # the original, on demand


@pytest.fixture(scope="module")
def editions_api(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    """The app over a statement and its English edition (found, not declared)."""
    root = tmp_path_factory.mktemp("editions")
    write(root / "corpus", "statement-vi", STATEMENT_VI)
    write(root / "corpus", "statement-en", STATEMENT_EN)
    config = KnowledgeBaseConfig(data_dir=root / "data", corpus_dir=root / "corpus")
    knowledge_base = KnowledgeBase.open(config, embedder)
    report = knowledge_base.ingest([str(root / "corpus")])
    knowledge_base.close()
    assert report.ok and not report.warnings
    settings = Settings(  # type: ignore[call-arg]
        data_dir=root / "data",
        corpus_dir=root / "corpus",
        model_dir=MODEL_CACHE,
        _env_file=None,
        rate_limit_ip_per_min=0,
    )
    with serve_app(create_app(settings), settings=settings) as url:
        yield url


def test_an_official_edition_is_read_first_and_its_original_is_on_demand(
    page: Page, editions_api: str, sites: Sites
) -> None:
    tag = f"<script src='{editions_api}/widget.js' data-key='KEY' data-lang='en' async></script>"
    url = sites.other.page("editions.html", f"<!doctype html><html><body>{tag}</body></html>")
    open_widget(page, url, "en")
    ask(page, "How many search and rescue agreements did Viet Nam sign in 2023?", "en")
    answer = page.locator(".msg.bot").last
    translation = answer.locator(".translation").first
    expect(translation).to_be_visible(timeout=60_000)
    expect(translation).to_contain_text("Official translation")
    expect(translation).to_contain_text("47 cooperation agreements")
    source = answer.locator("details").first
    expect(source.locator("summary")).to_contain_text(STATEMENT_EN.split("\n", 1)[0])
    original = source.locator("blockquote").first
    expect(original).not_to_be_visible()
    source.locator("summary").click()
    expect(source.locator("b.original")).to_have_text("Original")
    expect(original).to_contain_text("47 thỏa thuận hợp tác")


def test_the_readmes_embed_works_cross_origin_with_no_keys_configured(
    page: Page, open_api: str, sites: Sites
) -> None:
    # The README's one tag, on a page of another loopback origin than the API's.
    tag = f"<script src='{open_api}/widget.js' data-key='KEY' data-lang='en' async></script>"
    url = sites.other.page("readme.html", f"<!doctype html><html><body>{tag}</body></html>")
    open_widget(page, url, "en")
    ask(page, "Who heads the Central Propaganda Commission?", "en")
    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    expect(answer).not_to_contain_text("not allowed")


def test_keyboard_escape_closes_and_returns_focus(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    open_widget(page, host_page(sites, web_api.url, "keys.html"))
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="Ouvrir l'assistant")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("dialog")).to_be_hidden()


def test_a_page_from_an_origin_not_allowed_shows_a_refusal(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    url = sites.other.page("other.html", embed(web_api.url))
    open_widget(page, url)
    ask(page, "Bonjour ?")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ce site n'est pas autorisé à utiliser cet assistant.")
    expect(alert).to_contain_text(sites.other.origin)


def test_an_unknown_key_shows_the_servers_refusal(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    html = embed(web_api.url, key="not-a-key", lang="en")
    open_widget(page, sites.allowed.page("badkey.html", html), "en")
    ask(page, "Hello?", "en")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not allowed to use this assistant")
    expect(alert).to_contain_text("Unknown widget key")


def styles(page: Page) -> dict[str, dict[str, str]]:
    return page.evaluate(
        """(names) => {
          const root = document.querySelector('[data-vnpos-widget]').shadowRoot;
          const props = ['display', 'position', 'color', 'font-size', 'font-family', 'width',
                         'height', 'padding-top', 'border-top-width', 'background-color'];
          const pick = (el) => Object.fromEntries(
            props.map((p) => [p, getComputedStyle(el).getPropertyValue(p)]));
          const out = {host: pick(root.host)};
          for (const name of names) {
            out[name] = pick(root.querySelector(name === 'textarea' ? 'textarea' : '.' + name));
          }
          return out;
        }""",
        STYLED,
    )


def test_aggressive_host_css_does_not_change_the_widget(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    open_widget(page, host_page(sites, web_api.url, "calm.html"))
    expect(page.locator(".greeting")).to_contain_text(KEY_GREETING_FR)
    calm, calm_shot = styles(page), panel_pixels(page)
    box = page.locator("[data-vnpos-widget]").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360

    open_widget(page, host_page(sites, web_api.url, "loud.html", css=AGGRESSIVE_CSS))
    expect(page.locator(".greeting")).to_contain_text(KEY_GREETING_FR)
    assert page.evaluate("document.styleSheets.length") == 1
    assert styles(page) == calm
    assert panel_pixels(page) == calm_shot


def panel_pixels(page: Page) -> bytes:
    """Screenshot the panel inside its rounded corners (where the page shows through)."""
    box = page.locator(".panel").bounding_box()
    assert box is not None
    inset = 14
    clip = {
        "x": box["x"] + inset,
        "y": box["y"] + inset,
        "width": box["width"] - 2 * inset,
        "height": box["height"] - 2 * inset,
    }
    return page.screenshot(clip=clip)  # type: ignore[arg-type]


def test_the_demo_page_embeds_the_widget_and_may_call_the_api(page: Page, web_api: WebApi) -> None:
    page.goto(f"{web_api.url}/")
    expect(page.get_by_role("button", name="Open the assistant")).to_be_visible()
    status = page.evaluate(
        """() => fetch('/api/feedback', {method: 'POST',
             headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({message_id: 'none', rating: 'up'})}).then(r => r.status)"""
    )
    assert status == 404
