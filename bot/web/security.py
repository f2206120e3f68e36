"""Who may call what: admin bearer keys, and widget keys bound to web origins.

Widget policy (the public API: ask, ask/stream, feedback, search):

- No widget keys configured: the public API is open to everyone (development, `make run`).
- Widget keys configured: a request that carries an ``Origin`` header (a browser on some
  web page) must also carry ``X-Widget-Key`` with a key whose allowed origins include
  that origin; the server's own pages (same origin, such as the demo at ``/``) are
  always allowed. A request without ``Origin`` (server to server, curl, scripts) is
  allowed, because outside a browser the origin is whatever the caller claims, so
  binding it would add no protection; it is still rate-limited per IP, and a key it
  sends must exist. Widget keys are public (they sit in page source): they say which
  sites may embed the widget, not who the reader is.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr
from starlette.datastructures import Headers

from bot.settings import WidgetKey
from retrieval.errors import VnposError

WIDGET_KEY_HEADER = "X-Widget-Key"


class AccessDenied(VnposError):
    """A request is refused; the message says why and is safe to show."""

    def __init__(self, message: str, *, status_code: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class AdminKeys:
    """The admin API's bearer keys, compared in constant time.

    ``local`` is the credential this server wrote into its data dir for local commands
    (see ``bot.local_server``); it is accepted even when no admin key is configured.
    """

    def __init__(self, keys: list[SecretStr], *, local: str | None = None) -> None:
        self._keys = [key.get_secret_value().encode() for key in keys if key.get_secret_value()]
        self._local = local.encode() if local else None

    @property
    def configured(self) -> bool:
        """Return True when at least one admin key (or the local credential) is set."""
        return bool(self._keys) or self._local is not None

    def matches(self, token: str) -> bool:
        """Return True when ``token`` is one of the keys.

        Every key is compared, whatever the outcome, so timing reveals nothing.
        """
        candidate = token.encode()
        keys = [*self._keys, *([self._local] if self._local else [])]
        results = [hmac.compare_digest(candidate, key) for key in keys]
        return any(results)

    def is_local(self, token: str | None) -> bool:
        """Return True when ``token`` is the local commands' credential."""
        return bool(token and self._local and hmac.compare_digest(token.encode(), self._local))

    def authorize(self, token: str | None) -> None:
        """Accept a bearer token or raise AccessDenied saying what was wrong."""
        if self.is_local(token):
            return
        if not self._keys:
            raise AccessDenied(
                "The admin API is disabled: the server has no admin keys "
                "(set VNPOS_ADMIN_API_KEYS)."
            )
        if not token:
            raise AccessDenied(
                "Missing admin credentials: expected the header 'Authorization: Bearer <key>'.",
                status_code=401,
            )
        if not self.matches(token):
            raise AccessDenied("The bearer token is not a valid admin key.")

    def allows(self, headers: Headers) -> bool:
        """Return True when the request headers carry a valid admin key."""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        return self.configured and scheme.lower() == "bearer" and self.matches(token.strip())


@dataclass(frozen=True)
class Caller:
    """Who is calling the public API: the widget key (if any) and the client address."""

    key: str | None
    origin: str | None
    ip: str

    @property
    def channel(self) -> str:
        """Return the channel recorded with answers and feedback."""
        return "widget" if self.key else "api"


class WidgetPolicy:
    """Widget keys and the web origins each may be used from."""

    def __init__(self, keys: Mapping[str, WidgetKey]) -> None:
        self._keys = {key: {_normalise(o) for o in spec.origins} for key, spec in keys.items()}
        self._specs = dict(keys)

    def spec(self, key: str | None) -> WidgetKey | None:
        """Return what is configured for ``key`` (None for no key or an unknown one)."""
        return self._specs.get(key) if key else None

    @property
    def open(self) -> bool:
        """Return True when no widget key is configured: any page may use the API."""
        return not self._keys

    @property
    def origins(self) -> frozenset[str]:
        """Return every origin some key allows (the origins CORS answers)."""
        return frozenset(o for origins in self._keys.values() for o in origins)

    def check(self, *, key: str | None, origin: str | None, own_origin: str) -> None:
        """Raise AccessDenied unless this key may be used from this origin."""
        if not self._keys:
            return
        if key and key not in self._keys:
            raise AccessDenied(f"Unknown widget key {key[:40]!r}.")
        if origin is None or _normalise(origin) == _normalise(own_origin):
            return
        if not key:
            raise AccessDenied(
                f"Requests from a web page ({origin[:100]}) need a widget key in the "
                f"{WIDGET_KEY_HEADER} header."
            )
        if _normalise(origin) not in self._keys[key]:
            raise AccessDenied(f"This widget key is not allowed on {origin[:100]}.")


def _normalise(origin: str) -> str:
    return origin.strip().rstrip("/").lower()
