"""One error shape for the whole API, and the handlers that guarantee it.

Every error body is ``{"detail": "<a sentence for people>"}``; validation errors add
``errors`` (where and what). Unexpected exceptions are logged once, with their stack,
and answered with a short message that reveals nothing of the server.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retrieval.errors import StoreError

log = logging.getLogger(__name__)

INTERNAL_ERROR = "Something went wrong on our side; the error was logged. Please try again."


class FieldError(BaseModel):
    """One invalid part of a request."""

    loc: str
    msg: str


class ErrorResponse(BaseModel):
    """The body of every error response."""

    detail: str
    errors: list[FieldError] | None = None


_DESCRIPTIONS = {
    401: "Missing or malformed credentials",
    403: "Refused: unknown key, origin not allowed, or the admin API is disabled",
    404: "Not found",
    413: "Request body or upload too large",
    422: "The request is invalid (the message says what was expected)",
    429: "Too many requests; see Retry-After",
    503: "The service is starting, or a dependency (Chroma, registry, disk) is down",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Return OpenAPI ``responses`` documenting the given error status codes."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Turn a validation error into one readable sentence plus the field list."""
    assert isinstance(exc, RequestValidationError)
    errors = [FieldError(loc=_location(e["loc"]), msg=e["msg"]) for e in exc.errors()]
    first = exc.errors()[0] if exc.errors() else None
    if first is not None and first.get("type") == "json_invalid":
        reason = first.get("ctx", {}).get("error", "malformed JSON")
        detail = f"The request body is not valid JSON ({reason}); expected a JSON object."
    elif errors:
        detail = "Invalid request: " + "; ".join(f"{e.loc}: {e.msg}" for e in errors[:3])
    else:
        detail = "Invalid request."
    body = ErrorResponse(detail=detail, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422)


_UNAVAILABLE = {
    "chroma": "the document index (Chroma) cannot be reached",
    "registry": "the document registry cannot be read",
    "disk": "the server's disk is full",
    "lock": "another process is using the document index",
}


async def store_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer 503 naming the dependency that failed; log the details once."""
    assert isinstance(exc, StoreError)
    log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
    what = _UNAVAILABLE.get(exc.dependency, "a dependency failed")
    return JSONResponse(
        {"detail": f"The service is unavailable: {what}. Please try again later."},
        status_code=503,
        headers={"Retry-After": "30"},
    )


async def unexpected_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer an exception no one handled (the backstop outside every middleware)."""
    return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)


class CatchAllMiddleware:
    """Log an unhandled exception once, with its stack, and answer a user-safe 500.

    Starlette's own backstop re-raises after answering, so the server would log the
    same failure a second time; this middleware sits inside it and swallows it instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; turn an escaped exception into a logged 500."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                response = JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register the validation and last-resort handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StoreError, store_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
