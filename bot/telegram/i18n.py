"""The bot's own words in each interface language, loaded from ``locales/LANG.yaml``."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("en", "vi", "fr", "zh", "ru")
DEFAULT_LANGUAGE = "en"
# Names in their own script, so that readers find theirs whatever the interface language.
LANGUAGE_NAMES = {
    "en": "English",
    "vi": "Tiếng Việt",
    "fr": "Français",
    "zh": "中文",
    "ru": "Русский",
}
_LOCALES = Path(__file__).with_name("locales")


@cache
def _locale(language: str) -> dict[str, dict[str, str]]:
    with (_LOCALES / f"{language}.yaml").open(encoding="utf-8") as file:
        loaded: dict[str, dict[str, str]] = yaml.safe_load(file)
    return loaded


def supported_language(code: str | None) -> str | None:
    """Return the interface language matching an IETF tag such as ``fr-CA``, if any."""
    if not code:
        return None
    primary = code.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def command_descriptions(language: str) -> dict[str, str]:
    """Return the bot commands and their descriptions in ``language``."""
    return _locale(language)["commands"]


def text(language: str, key: str, /, **values: object) -> str:
    """Return the message ``key`` in ``language`` (English if missing), values HTML-escaped.

    Args:
        language: An interface language from :data:`LANGUAGES`.
        key: The message's name in the locale files.
        **values: Plain-text values for the template's fields; they are escaped here so
            that nothing from users or documents can inject markup.

    Returns:
        The message as Telegram HTML.
    """
    messages = _locale(language if language in LANGUAGES else DEFAULT_LANGUAGE)["messages"]
    template = messages.get(key) or _locale(DEFAULT_LANGUAGE)["messages"][key]
    return template.format(**{name: html.escape(str(value)) for name, value in values.items()})
