"""Console: sign in with an admin key, sign out."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.web.console.pages import (
    PREFIX,
    FormSessionDep,
    SessionsDep,
    render,
    safe_next,
)
from bot.web.console.pages import (
    words as console_words,
)
from bot.web.console.sessions import COOKIE, LIFETIME_S, LOGIN_COOKIE, login_token

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _form(request: Request, issuer: SessionsDep, *, error: str | None, status: int) -> Response:
    token = login_token()
    response = render(
        request,
        "login.html",
        session=None,
        status_code=status,
        error=error,
        disabled=not issuer.enabled,
        login_token=token,
        next=safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", path=f"{PREFIX}/login"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, issuer: SessionsDep) -> Response:
    """Show the sign-in form."""
    return _form(request, issuer, error=None, status=200)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    issuer: SessionsDep,
    key: Annotated[str, Form(max_length=1000)] = "",
    token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = PREFIX,
) -> Response:
    """Exchange an admin key for a session cookie."""
    words = console_words(request)
    expected = request.cookies.get(LOGIN_COOKIE)
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        return _form(request, issuer, error=words["login_expired"], status=403)
    cookie = issuer.sign_in(key)
    if cookie is None:
        return _form(request, issuer, error=words["login_refused"], status=403)
    response = RedirectResponse(safe_next(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=LIFETIME_S,
        httponly=True,
        samesite="strict",
        secure=secure,
        path=PREFIX,
    )
    response.delete_cookie(LOGIN_COOKIE, path=f"{PREFIX}/login")
    return response


@router.post("/logout")
async def logout(session: FormSessionDep) -> Response:
    """End the session in this browser."""
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response
