"""A served app with admin and widget keys on a writable copy of the seeded data."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

import bot.web.app as app_module
from bot.runtime import Services
from bot.settings import Settings
from bot.web.app import create_app
from tests.conftest import MODEL_CACHE
from tests.servers import free_port, serve_app

ADMIN_KEY = "admin-key-for-tests"
WIDGET_KEY = "widget-key-for-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
# What the test site's widget key says on opening, in French (other languages: the catalogue).
KEY_GREETING_FR = "Bonjour ! Le service de presse répond à vos questions."
KEY_EXAMPLES_FR = [
    "Qu'est-ce que le site vmusic.vn ?",
    "Qui dirige la Commission centrale de propagande ?",
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class PageSite:
    """A static web site on its own loopback origin (a page that embeds the widget)."""

    origin: str
    root: Path

    def page(self, name: str, html: str) -> str:
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.origin}/{name}"


@dataclass
class Sites:
    allowed: PageSite
    other: PageSite


@dataclass
class WebApi:
    url: str
    app: FastAPI
    settings: Settings

    @property
    def services(self) -> Services:
        services = self.app.state.web.loader.services
        assert services is not None
        return services


def _serve_directory(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    port = free_port()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """Two page origins: one the widget key allows, one it does not."""
    servers = []
    made = []
    for name in ("allowed", "other"):
        root = tmp_path_factory.mktemp(f"site-{name}")
        server, origin = _serve_directory(root)
        servers.append(server)
        made.append(PageSite(origin=origin, root=root))
    yield Sites(allowed=made[0], other=made[1])
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def web_api(
    seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, sites: Sites
) -> Iterator[WebApi]:
    """The app, served, with keys configured, rate limits off and a 200 kB upload cap."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data_dir,
        model_dir=MODEL_CACHE,
        _env_file=None,
        admin_api_keys=[ADMIN_KEY],
        widget_keys={
            WIDGET_KEY: {
                "origins": [sites.allowed.origin],
                "greeting": {"fr": KEY_GREETING_FR},
                "examples": {"fr": KEY_EXAMPLES_FR},
            }
        },
        rate_limit_ip_per_min=0,
        rate_limit_key_per_min=0,
        max_file_mb=0.2,
        url_timeout_s=3,
        url_allowlist=["127.0.0.1"],  # the tests' own page sites
    )
    app = create_app(settings)
    with serve_app(app, settings=settings) as url:
        yield WebApi(url=url, app=app, settings=settings)


@contextmanager
def services_never_load() -> Iterator[threading.Event]:
    """Keep apps built meanwhile "starting": their services load until the event is set.

    Set it before the app stops: the shutdown waits for the loader.
    """
    gate = threading.Event()

    def never_ready(settings: Settings, **options: object) -> object:
        gate.wait()
        raise RuntimeError("the test is over")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "open_services", never_ready)
        try:
            yield gate
        finally:
            gate.set()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium (skipped where it is not installed).

    Per module: Playwright's sync API holds an event loop open, which the asyncio tests
    of other modules cannot share.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context at a small phone's size."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def open_api(seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `make run` serves it: no widget keys configured."""
    data_dir = tmp_path_factory.mktemp("open") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data_dir, model_dir=MODEL_CACHE, _env_file=None, rate_limit_ip_per_min=0
    )
    with serve_app(create_app(settings), settings=settings) as url:
        yield url
