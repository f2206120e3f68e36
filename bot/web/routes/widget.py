"""The embeddable widget script and a demo page that embeds it."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["widget"])


@cache
def _static(name: str) -> bytes:
    return files("bot.web").joinpath("static", name).read_bytes()


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
        _static("widget.js"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/", response_class=HTMLResponse)
def demo_page() -> HTMLResponse:
    """Serve a demo page that embeds the widget."""
    return HTMLResponse(_static("demo.html"))
