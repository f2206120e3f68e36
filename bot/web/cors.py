"""CORS for the public API: for the widget keys' origins, or any origin without keys.

With widget keys configured, preflights from other origins get a 403 without CORS
headers, so the browser never sends the request; requests from allowed origins get the
headers on every response, errors included, so the widget can show the server's refusal
message. Without keys (development) every origin is answered, as the README says.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.security import WIDGET_KEY_HEADER

PUBLIC_PREFIX = "/api/"
ADMIN_PREFIX = "/api/admin/"
_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": f"Content-Type, {WIDGET_KEY_HEADER}",
    "Access-Control-Max-Age": "600",
}


class WidgetCORSMiddleware:
    """Answer CORS for ``/api/*`` (not the admin API) to the allowed origins."""

    def __init__(self, app: ASGIApp, *, origins: frozenset[str] | None) -> None:
        """Answer ``origins`` only, or every origin when ``origins`` is None."""
        self.app = app
        self.origins = (
            None if origins is None else frozenset(o.rstrip("/").lower() for o in origins)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights; add CORS headers to responses for allowed origins."""
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(PUBLIC_PREFIX)
            or path.startswith(ADMIN_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = self.origins is None or origin.rstrip("/").lower() in self.origins
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(origin, allowed)(scope, receive, send)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["Access-Control-Allow-Origin"] = origin
                response_headers["Access-Control-Expose-Headers"] = "Retry-After"
                response_headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _preflight(origin: str, allowed: bool) -> Response:
        if not allowed:
            return JSONResponse(
                {"detail": f"The origin {origin[:100]} is not allowed to use this API."},
                status_code=403,
                headers={"Vary": "Origin"},
            )
        return Response(
            status_code=204,
            headers={**_PREFLIGHT_HEADERS, "Access-Control-Allow-Origin": origin, "Vary": "Origin"},
        )
