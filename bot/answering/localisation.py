"""The words around the quotes, in the asker's language (English for languages without).

They live in the message catalogue (``bot/locales/LANG.yaml``, section ``answer``); month
and language names come from Babel's CLDR data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from babel.dates import get_month_names

from bot import catalogue
from bot.languages import english_name

FALLBACK = catalogue.FALLBACK


@dataclass(frozen=True)
class Strings:
    """One language's framing strings; ``date`` is a format with {d}, {m}, {y}, {month}."""

    language: str
    intro: str
    intro_editions: str  # when a quote is a publisher's own edition in the reader's language
    no_answer: str
    nearest: str
    more_quotes: str  # after the best quote: the numbers of the others, as {refs}
    error: str
    not_a_question: str
    date: str
    quote_open: str = "“"
    quote_close: str = "”"
    separator: str = ", "
    topic_separator: str = "; "


# The languages a question may name as its own (``AskRequest.language``).
ACCEPTED_LANGUAGES = frozenset(
    [
        "en",
        "vi",
        "fr",
        "es",
        "de",
        "ru",
        "zh",
        "ja",
        "ko",
        "pt",
        "it",
        "ar",
        "th",
        "lo",
        "km",
        "uk",
        "pl",
        "nl",
        "tr",
    ]
)


def framed_languages() -> frozenset[str]:
    """Return the languages whose readers get the framing in their own language."""
    return frozenset(catalogue.sections("answer"))


@cache
def strings(language: str) -> Strings:
    """Return the strings of ``language``, or English's when it has none."""
    shown = language if language in framed_languages() else FALLBACK
    return Strings(language=shown, **catalogue.section(shown, "answer"))


def format_date(value: date, language: str) -> str:
    """Return ``value`` written the way readers of ``language`` write dates."""
    table = strings(language)
    month = get_month_names("wide", context="format", locale=table.language)[value.month]
    return table.date.format(d=value.day, m=value.month, y=value.year, month=month)


def language_name(language: str) -> str:
    """Return the English name of ``language`` (for prompts), or the code itself."""
    return english_name(language)
