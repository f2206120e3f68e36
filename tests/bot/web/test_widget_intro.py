"""What the widget says on opening, per key and language, and the strings it is served with."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml
from playwright.sync_api import Page, Route, expect

from bot import catalogue
from tests.bot.web.conftest import KEY_EXAMPLES_FR, KEY_GREETING_FR, WIDGET_KEY, Sites, WebApi
from tests.bot.web.test_ask_api import QUESTION_FR
from tests.bot.web.widget_pages import ask, host_page, open_widget


def intro(web_api: WebApi, lang: str, **headers: str) -> dict[str, object]:
    response = httpx.get(
        f"{web_api.url}/api/widget/intro", params={"lang": lang}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_key_greets_in_its_own_words_where_it_has_them(web_api: WebApi, sites: Sites) -> None:
    allowed = {"Origin": sites.allowed.origin, "X-Widget-Key": WIDGET_KEY}
    assert intro(web_api, "fr-CA", **allowed) == {
        "language": "fr",
        "greeting": KEY_GREETING_FR,
        "examples": KEY_EXAMPLES_FR,
    }
    german = catalogue.section("de", "widget")
    assert intro(web_api, "de", **allowed) == {
        "language": "de",
        "greeting": german["greeting"],
        "examples": german["examples"],
    }


def test_a_language_the_catalogue_lacks_gets_english(web_api: WebApi) -> None:
    assert intro(web_api, "pt-BR")["language"] == "en"
    assert intro(web_api, "pt-BR")["examples"] == catalogue.section("en", "widget")["examples"]


def test_an_origin_the_key_does_not_allow_is_refused(web_api: WebApi, sites: Sites) -> None:
    response = httpx.get(
        f"{web_api.url}/api/widget/intro",
        headers={"Origin": sites.other.origin, "X-Widget-Key": WIDGET_KEY},
        timeout=30,
    )
    assert response.status_code == 403
    assert "not allowed" in response.json()["detail"]


def test_the_script_carries_every_catalogue_language_and_no_placeholder(web_api: WebApi) -> None:
    script = httpx.get(f"{web_api.url}/widget.js", timeout=30).text
    assert "/*" + "CATALOGUE*/" not in script and "/*" + "CSS*/" not in script
    for language in ("en", "vi", "fr", "zh", "ru", "es", "de", "ja", "ko", "ar"):
        assert catalogue.section(language, "widget")["retry"] in script
    assert "--vnpos-accent" in script


def test_every_language_has_every_widget_string() -> None:
    english = set(catalogue.section("en", "widget"))
    for language, strings in catalogue.sections("widget").items():
        path = Path(catalogue.__file__).with_name("locales") / f"{language}.yaml"
        own = yaml.safe_load(path.read_text(encoding="utf-8"))["widget"]
        assert set(own) == english, language
        assert len(strings["examples"]) >= 3, language


def test_a_question_asked_before_the_greeting_loads_keeps_its_answer(
    page: Page, web_api: WebApi, sites: Sites
) -> None:
    # A slow intro lands while the first question is being answered.
    intro_route: list[Route] = []
    ask_route: list[Route] = []
    page.route("**/api/widget/intro*", lambda route: intro_route.append(route))
    page.route("**/api/ask/stream", lambda route: ask_route.append(route))
    open_widget(page, host_page(sites, web_api.url, "slow-intro.html"))
    ask(page, QUESTION_FR)
    expect(page.locator(".msg.user")).to_have_count(1)
    for _ in range(200):
        if intro_route and ask_route:
            break
        page.wait_for_timeout(50)
    assert intro_route and ask_route, "the widget did not ask for its intro and the answer"
    with page.expect_response("**/api/widget/intro*"):
        intro_route[0].continue_()
    greeting = page.locator(".msg.greeting")
    expect(greeting).to_contain_text(KEY_GREETING_FR)
    ask_route[0].continue_()
    answer = page.locator(".msg.bot").last
    expect(answer.locator("details").first).to_be_attached(timeout=60_000)
    expect(page.locator(".msg.user")).to_have_count(1)
    expect(page.locator(".msg.user")).to_contain_text(QUESTION_FR)
    expect(greeting).to_have_count(1)
