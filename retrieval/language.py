"""Offline language identification (py3langid), tolerant of short texts."""

from __future__ import annotations

import py3langid

# Below this many letters a guess is noise ("OK?"), so the caller's default stands.
_MIN_LETTERS = 3


def detect_language(text: str, *, default: str = "en") -> str:
    """Return the ISO 639-1 code of the language ``text`` is written in."""
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return default
    code, _score = py3langid.classify(text)
    return str(code)
