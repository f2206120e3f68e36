"""Pages that embed the widget, and the steps a reader takes in it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bot import catalogue
from tests.bot.web.conftest import WIDGET_KEY, Sites

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def words(lang: str) -> dict[str, str]:
    """Return the widget's strings in ``lang``, as the reader sees them."""
    return catalogue.section(lang, "widget")


def embed(
    api: str, *, key: str = WIDGET_KEY, lang: str = "fr", css: str = "", attrs: str = ""
) -> str:
    """Return a page with the README's one tag (plus ``attrs``) and the page's own CSS."""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
        f"<h1>Une page d'accueil</h1><p>Texte de la page.</p>"
        f"<script src='{api}/widget.js' data-key='{key}' data-lang='{lang}' {attrs} async>"
        f"</script></body></html>"
    )


def host_page(site: Sites, api: str, name: str, *, css: str = "", lang: str = "fr") -> str:
    return site.allowed.page(name, embed(api, css=css, lang=lang))


def open_widget(page: Page, url: str, lang: str = "fr") -> None:
    page.goto(url)
    page.get_by_role("button", name=words(lang)["open"]).click()
    expect(page.get_by_role("textbox", name=words(lang)["input"])).to_be_focused()


def ask(page: Page, question: str, lang: str = "fr") -> None:
    page.get_by_role("textbox", name=words(lang)["input"]).fill(question)
    page.keyboard.press("Enter")
