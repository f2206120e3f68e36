"""Offline language identification (py3langid), the one place that uses it."""

from __future__ import annotations

import py3langid

# What the corpus and its readers write in; py3langid's other labels mostly add noise
# (Vietnamese typed without diacritics scores as Indonesian or Malay, for one).
LANGUAGES = frozenset(
    {
        "vi",
        "en",
        "fr",
        "zh",
        "ru",
        "de",
        "es",
        "ja",
        "ko",
        "lo",
        "km",
        "th",
        "pt",
        "it",
        "ar",
        "uk",
        "pl",
        "nl",
        "tr",
    }
)
_SAMPLE_CHARS = 5000


def detect_language(text: str, *, default: str = "en", min_letters: int = 3) -> str:
    """Return the ISO 639-1 code of the language ``text`` is written in.

    Texts with fewer than ``min_letters`` letters ("OK?") get ``default``: a guess would
    be noise.
    """
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < min_letters:
        return default
    for code, _score in py3langid.rank(sample):
        if code in LANGUAGES:
            return str(code)
    return default
