"""The app's own words in every language, from one YAML tree: ``locales/LANG.yaml``.

Each file has a section per edge (``telegram``, ``widget``); a message missing from one
language falls back to English, so a new language can start with a few strings.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

FALLBACK = "en"
_LOCALES = Path(__file__).with_name("locales")


@cache
def languages() -> tuple[str, ...]:
    """Return the languages the catalogue has a file for, English first."""
    found = sorted(path.stem for path in _LOCALES.glob("*.yaml"))
    return (FALLBACK, *(code for code in found if code != FALLBACK))


@cache
def _locale(language: str) -> dict[str, Any]:
    with (_LOCALES / f"{language}.yaml").open(encoding="utf-8") as file:
        loaded: dict[str, Any] = yaml.safe_load(file) or {}
    return loaded


def section(language: str, name: str) -> dict[str, Any]:
    """Return one edge's messages in ``language``, English filling what it lacks."""
    english: dict[str, Any] = _locale(FALLBACK).get(name, {})
    if language == FALLBACK or language not in languages():
        return english
    own: dict[str, Any] = _locale(language).get(name, {})
    merged = {**english, **own}
    for key, value in english.items():
        if isinstance(value, dict):
            merged[key] = {**value, **own.get(key, {})}
    return merged


def sections(name: str) -> dict[str, dict[str, Any]]:
    """Return one edge's messages in every language that has that section."""
    return {code: section(code, name) for code in languages() if name in _locale(code)}
