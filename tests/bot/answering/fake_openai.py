"""A fake OpenAI-compatible chat server: POST /v1/chat/completions, whole or streamed (SSE)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse


@dataclass
class Script:
    """What the server answers next, and what it was asked."""

    reply: str = "NOT_IN_SOURCES"
    delay_s: float = 0.0
    requests: list[dict[str, object]] = field(default_factory=list)

    def user_message(self) -> str:
        messages = self.requests[-1]["messages"]
        assert isinstance(messages, list)
        return str(messages[-1]["content"])

    def system_message(self) -> str:
        messages = self.requests[-1]["messages"]
        assert isinstance(messages, list)
        return str(messages[0]["content"])


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


def create_app(script: Script) -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/chat/completions", response_model=None)
    async def completions(request: Request) -> JSONResponse | StreamingResponse:
        body = await request.json()
        script.requests.append(body)
        model = body.get("model", "fake")
        if script.delay_s:
            await asyncio.sleep(script.delay_s)
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": script.reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        async def events() -> AsyncIterator[str]:
            yield _chunk(model, {"role": "assistant", "content": ""})
            for piece in re.findall(r"\S+\s*|\s+", script.reply):
                yield _chunk(model, {"content": piece})
            yield _chunk(model, {}, finish="stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app
