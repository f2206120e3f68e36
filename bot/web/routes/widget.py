"""The embeddable widget: its script (with its strings), its opening words, a demo page."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from bot import catalogue
from bot.answering.models import MAX_QUESTION_CHARS
from bot.settings import WidgetKey
from bot.web.deps import CallerDep, StateDep
from bot.web.errors import error_responses
from bot.web.schemas import WidgetIntro

router = APIRouter(tags=["widget"])


@cache
def _static(name: str) -> bytes:
    return files("bot.web").joinpath("static", name).read_bytes()


@cache
def _script() -> bytes:
    """Return widget.js with the catalogue's strings, its styles and the question limit."""
    filled = {
        "/*CATALOGUE*/{}": json.dumps(catalogue.sections("widget"), ensure_ascii=False),
        '/*CSS*/""': json.dumps(_static("widget.css").decode()),
        "/*MAX_QUESTION_CHARS*/2000": str(MAX_QUESTION_CHARS),
    }
    script = _static("widget.js").decode()
    for marker, value in filled.items():
        script = script.replace(marker, value)
    return script.encode()


@router.get(
    "/widget.js",
    response_class=Response,
    responses={
        200: {
            "content": {"text/javascript": {"schema": {"type": "string"}}},
            "description": "The widget script",
        }
    },
)
def widget_js() -> Response:
    """Serve the chat widget for ``<script src=".../widget.js" data-key="KEY">``."""
    return Response(
        _script(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/api/widget/intro", tags=["public"], responses=error_responses(403, 429, 503))
def widget_intro(
    caller: CallerDep,
    state: StateDep,
    lang: Annotated[str, Query(max_length=16, description="the widget's language")] = "en",
) -> WidgetIntro:
    """Return the greeting and example questions the widget shows for its key."""
    return intro(state.widget_policy.spec(caller.key), lang)


def intro(spec: WidgetKey | None, lang: str) -> WidgetIntro:
    """Pick the key's own greeting and examples in ``lang``, else the catalogue's."""
    language = lang.split("-")[0].lower()
    language = language if language in catalogue.languages() else catalogue.FALLBACK
    strings = catalogue.section(language, "widget")
    greeting = spec.greeting if spec else None
    examples = spec.examples if spec else None
    if isinstance(greeting, dict):
        greeting = greeting.get(language)
    if isinstance(examples, dict):
        examples = examples.get(language)
    return WidgetIntro(
        language=language,
        greeting=greeting or strings["greeting"],
        examples=examples if examples is not None else strings["examples"],
    )


@router.get("/", response_class=HTMLResponse)
def demo_page() -> HTMLResponse:
    """Serve a demo page that embeds the widget."""
    return HTMLResponse(_static("demo.html"))
