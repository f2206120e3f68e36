"""What every console page shares: templates, the staff's language, the signed-in session.

Pages are rendered on the server with Jinja2 (autoescaped: document text and readers'
questions are shown as text, never as markup). A request without a valid session is
sent to the sign-in page; a form posted without the session's CSRF token is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from bot import catalogue
from bot.web.console.sessions import COOKIE, ConsoleSessions, Session
from bot.web.deps import StateDep

PREFIX = "/admin"
LANGUAGES = ("en", "vi")  # the staff's languages
LANGUAGE_COOKIE = "vnpos_console_lang"
# Console pages hold what only admins may see: never cached, never framed by another site.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


class SignInRequired(Exception):
    """The request has no valid console session: send it to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def staff_language(request: Request) -> str:
    """Return the console language: ``?lang=``, then the cookie, then Accept-Language."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    accepted = request.headers.get("accept-language", "").lower()
    return "vi" if accepted.startswith("vi") else "en"


def words(request: Request) -> dict[str, Any]:
    """Return the console's messages in the staff's language."""
    return catalogue.section(staff_language(request), "console")


def sessions(state: StateDep) -> ConsoleSessions:
    """Return the session issuer for the configured admin keys (built once, with the app)."""
    return state.console_sessions


SessionsDep = Annotated[ConsoleSessions, Depends(sessions)]


def current_session(request: Request, issuer: SessionsDep) -> Session:
    """Return the signed-in session, or send the request to the sign-in page."""
    session = issuer.session(request.cookies.get(COOKIE))
    if session is None:
        raise SignInRequired(request.url.path)
    return session


SessionDep = Annotated[Session, Depends(current_session)]


def checked_session(session: SessionDep, csrf: Annotated[str, Form()] = "") -> Session:
    """Return the session of a posted form, refusing it without the session's CSRF token."""
    if not session.accepts(csrf):
        raise HTTPException(
            status_code=403,
            detail="This form is out of date or did not come from the console; reload the "
            "page and try again.",
        )
    return session


FormSessionDep = Annotated[Session, Depends(checked_session)]


def render(
    request: Request,
    template: str,
    *,
    session: Session | None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a console page in the staff's language."""
    language = staff_language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": words(request),
            "lang": language,
            "languages": LANGUAGES,
            "csrf": session.csrf if session else None,
            "path": request.url.path,
            "prefix": PREFIX,
            **context,
        },
        status_code=status_code,
        headers={**PAGE_HEADERS, **(headers or {})},
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="strict", httponly=True)
    return response


def sign_in_redirect(error: SignInRequired) -> RedirectResponse:
    """Send a request without a session to the sign-in page, remembering where it went."""
    return RedirectResponse(f"{PREFIX}/login?next={quote(error.next_path)}", status_code=303)


def safe_next(path: str | None) -> str:
    """Return a console path to go to after signing in (never another site)."""
    if path and path.startswith(PREFIX) and not path.startswith("//"):
        return path
    return PREFIX
