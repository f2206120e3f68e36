"""Mounting the console on the app: its routes, files, and errors shown as pages."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.web.console import documents, glossary, maintenance, overview, questions, signin
from bot.web.console.pages import PREFIX, SignInRequired, render, sign_in_redirect
from bot.web.console.pages import words as console_words
from bot.web.errors import validation_error_handler

UPLOAD_PATH = documents.UPLOAD_PATH
_STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def _is_console(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(f"{PREFIX}/")


async def _static(name: str) -> Response:
    if name not in _STATIC:
        raise HTTPException(status_code=404, detail="Not Found")
    body = files("bot.web.console").joinpath("static", name).read_bytes()
    return Response(body, media_type=_STATIC[name], headers={"Cache-Control": "max-age=300"})


async def _signed_out(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return sign_in_redirect(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not _is_console(request):
        return await http_exception_handler(request, exc)
    words = console_words(request)
    message = {403: words["form_expired"], 503: words["starting"]}.get(exc.status_code)
    if exc.status_code == 503 and "could not open" in str(exc.detail):
        message = words["unavailable"]
    return render(
        request,
        "error.html",
        session=None,
        status_code=exc.status_code,
        message=message or str(exc.detail),
        headers=exc.headers,
    )


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not _is_console(request):
        return await validation_error_handler(request, exc)
    fields = ", ".join(str(error["loc"][-1]) for error in exc.errors()[:3])
    words = console_words(request)
    message = words["invalid"].format(fields=fields)
    return render(request, "error.html", session=None, status_code=422, message=message)


def install_console(app: FastAPI) -> None:
    """Serve the console under /admin."""
    for module in (signin, documents, questions, overview, glossary, maintenance):
        app.include_router(module.router)
    app.add_api_route(f"{PREFIX}/static/{{name}}", _static, include_in_schema=False)
    app.add_exception_handler(SignInRequired, _signed_out)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
