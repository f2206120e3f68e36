"""Console sessions: an admin key exchanged for a signed cookie, and the CSRF token of each.

Nothing is stored: a session is ``expiry.nonce.signature``, signed with HMAC under the
admin key that signed in. Every configured key is tried, so a session lives exactly as
long as its key does: rotating a key out of ``VNPOS_ADMIN_API_KEYS`` ends its sessions,
on every replica at once. The CSRF token of a session is a second HMAC of its nonce, so
a form posted from another site (which cannot read the cookie) cannot carry it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from pydantic import SecretStr

COOKIE = "vnpos_console"
LOGIN_COOKIE = "vnpos_console_login"  # the sign-in form's own CSRF token (double submit)
LIFETIME_S = 8 * 3600


@dataclass(frozen=True)
class Session:
    """A signed-in admin: when the session ends and the token its forms must carry."""

    expires: int
    csrf: str

    def accepts(self, token: str | None) -> bool:
        """Return True when ``token`` is this session's CSRF token."""
        return bool(token) and hmac.compare_digest(str(token).encode(), self.csrf.encode())


class ConsoleSessions:
    """Issues and checks session cookies under the configured admin keys."""

    def __init__(self, keys: list[SecretStr], *, lifetime_s: int = LIFETIME_S) -> None:
        self._keys = [key.get_secret_value().encode() for key in keys if key.get_secret_value()]
        self._lifetime_s = lifetime_s

    @property
    def enabled(self) -> bool:
        """Return True when some admin key is configured (the console needs one)."""
        return bool(self._keys)

    def sign_in(self, key: str, *, now: float | None = None) -> str | None:
        """Return a session cookie for a valid admin ``key``, or None."""
        candidate = key.strip().encode()
        matches = [hmac.compare_digest(candidate, known) for known in self._keys]
        if not any(matches):
            return None
        signing_key = self._keys[matches.index(True)]
        expires = int(now if now is not None else time.time()) + self._lifetime_s
        body = f"{expires}.{secrets.token_urlsafe(16)}"
        return f"{body}.{_mac(signing_key, 'session', body)}"

    def session(self, cookie: str | None, *, now: float | None = None) -> Session | None:
        """Return the session a cookie holds, or None when it is forged, expired or revoked."""
        if not cookie or cookie.count(".") != 2:
            return None
        body, _, signature = cookie.rpartition(".")
        expiry, _, nonce = body.partition(".")
        if not expiry.isdigit() or int(expiry) < (now if now is not None else time.time()):
            return None
        for key in self._keys:
            if hmac.compare_digest(signature.encode(), _mac(key, "session", body).encode()):
                return Session(expires=int(expiry), csrf=_mac(key, "csrf", nonce))
        return None


def login_token() -> str:
    """Return a fresh random token for the sign-in form and its cookie."""
    return secrets.token_urlsafe(24)


def _mac(key: bytes, purpose: str, message: str) -> str:
    return hmac.new(key, f"{purpose}:{message}".encode(), hashlib.sha256).hexdigest()
