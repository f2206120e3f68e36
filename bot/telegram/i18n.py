"""The bot's own words in each interface language, from the app's message catalogue."""

from __future__ import annotations

import html

from bot import catalogue
from bot.answering.localisation import framed_languages

# The bot's own messages exist in these; the languages answers can be framed in are more.
LANGUAGES = tuple(catalogue.sections("telegram"))
ANSWER_LANGUAGES = tuple(code for code in catalogue.languages() if code in framed_languages())
DEFAULT_LANGUAGE = catalogue.FALLBACK


def supported_language(code: str | None) -> str | None:
    """Return the interface language matching an IETF tag such as ``fr-CA``, if any."""
    if not code:
        return None
    primary = code.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def command_descriptions(language: str) -> dict[str, str]:
    """Return the bot commands and their descriptions in ``language``."""
    commands: dict[str, str] = catalogue.section(language, "telegram")["commands"]
    return commands


def text(language: str, key: str, /, **values: object) -> str:
    """Return the message ``key`` in ``language`` (English if missing), values HTML-escaped.

    Args:
        language: An interface language from :data:`LANGUAGES`.
        key: The message's name in the catalogue.
        **values: Plain-text values for the template's fields; they are escaped here so
            that nothing from users or documents can inject markup.

    Returns:
        The message as Telegram HTML.
    """
    shown = language if language in LANGUAGES else DEFAULT_LANGUAGE
    template: str = catalogue.section(shown, "telegram")["messages"][key]
    return template.format(**{name: html.escape(str(value)) for name, value in values.items()})
