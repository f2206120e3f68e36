"""A fake LibreTranslate-compatible server: POST /translate, as self-hosted servers answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request


def tagged(text: str) -> str:
    """Return a stand-in translation that keeps every number, code and name."""
    return f"(EN) {text}"


@dataclass
class Translations:
    """How the server translates, how slowly, and what it was asked."""

    rule: Callable[[str], str] = tagged
    delay_s: float = 0.0
    requests: list[dict[str, object]] = field(default_factory=list)

    def texts_asked(self) -> list[str]:
        return [str(t) for r in self.requests for t in r["q"]]  # type: ignore[attr-defined]


def create_app(translations: Translations) -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/translate")
    async def translate(request: Request) -> dict[str, object]:
        body = await request.json()
        translations.requests.append(body)
        if translations.delay_s:
            await asyncio.sleep(translations.delay_s)
        q = body["q"]
        if isinstance(q, list):
            return {"translatedText": [translations.rule(t) for t in q]}
        return {"translatedText": translations.rule(q)}

    return app
