"""Logging for every entry point: one format, quiet libraries, secrets never written.

A Telegram token sits in every Bot API URL (``/bot<token>/getMe``) and libraries log
URLs; admin keys and passwords may reach a traceback. The formatter blanks them in the
finished line, whatever logger produced it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pydantic import SecretStr

_TOKEN = re.compile(r"\b(bot)?(\d{5,}):[A-Za-z0-9_-]{20,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)\S+")
_QUIET = (
    "httpx",
    "httpcore",
    "bm25s",
    "sentence_transformers",
    "transformers",
    "chromadb",
    "alembic",
)
REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """A formatter that blanks Telegram tokens, bearer keys and registered secrets."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = {s for s in secrets if len(s) >= 4}

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record``, then redact what must not be written."""
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with Telegram tokens, bearer credentials and ``secrets`` blanked."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}:{REDACTED}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


def configure_logging(*, verbose: bool) -> None:
    """Log to stderr at INFO (DEBUG with ``verbose``), libraries at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def register_secrets(*values: SecretStr | str | None) -> None:
    """Add secrets (admin keys, tokens, passwords) to what every handler blanks."""
    plain = {v.get_secret_value() if isinstance(v, SecretStr) else v for v in values if v}
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, RedactingFormatter):
            handler.formatter.secrets |= {s for s in plain if s and len(s) >= 4}
