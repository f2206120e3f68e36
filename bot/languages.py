"""Language names from Babel's CLDR data: in English for prompts, in their own script for menus."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

# Where a bare code leaves the script open, the one this app's text is written in.
_LOCALE_OF = {"zh": "zh_Hans"}


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(_LOCALE_OF.get(code, code))
    except (ValueError, UnknownLocaleError):
        return None


def english_name(code: str) -> str:
    """Return the English name of the language ``code`` ("Vietnamese"), or the code itself."""
    locale = _locale(code)
    name = locale.get_display_name("en") if locale else None
    return name or code


def native_name(code: str) -> str:
    """Return the language's name as its readers write it ("Tiếng Việt", "Français")."""
    locale = _locale(code)
    name = locale.get_display_name(locale) if locale else None
    return name[:1].upper() + name[1:] if name else code
