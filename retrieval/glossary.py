"""Terminology glossaries: the official translations of Vietnamese bodies, titles and terms.

A glossary is a CSV file named ``*.glossary.csv`` that admins keep beside the documents
and ingest like them. Its header names the columns: ``term`` (the Vietnamese term),
optional ``aliases`` (other spellings and abbreviations, separated by ``|``), one column
per language code (``en``, ``fr``, ``zh``…) holding the official translation, and
``source`` (where that translation is published). A malformed row is reported with the
file and row number and skipped; the rest of the file is loaded.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import VnposError

GLOSSARY_SUFFIX = ".glossary.csv"
MAX_GLOSSARY_BYTES = 2 * 1024 * 1024
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_FIXED = {"term", "aliases", "source"}


def is_glossary(location: str) -> bool:
    """Return True if ``location`` names a glossary file."""
    return location.lower().endswith(GLOSSARY_SUFFIX)


class GlossaryError(VnposError):
    """A glossary file cannot be read at all (the message names the file and why)."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term with its official translations, by language code."""

    term: str
    aliases: tuple[str, ...]
    translations: dict[str, str]
    source: str

    def spellings(self) -> tuple[str, ...]:
        """Return the term and its aliases."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class ParsedGlossary:
    """The entries of one glossary file and the rows that were skipped, with why."""

    entries: list[GlossaryEntry]
    problems: list[str] = field(default_factory=list)


def _clean(value: str | None) -> str:
    return unicodedata.normalize("NFC", " ".join((value or "").split()))


def parse_glossary(data: bytes, *, name: str) -> ParsedGlossary:
    """Parse a glossary file's bytes; ``name`` is how messages refer to the file.

    Raises:
        GlossaryError: The file is not UTF-8 CSV with a ``term``, a ``source`` and at
            least one language column.
    """
    if len(data) > MAX_GLOSSARY_BYTES:
        raise GlossaryError(f"{name}: {len(data)} bytes, more than {MAX_GLOSSARY_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{name}: not UTF-8 (byte {exc.start})") from None
    rows = csv.reader(io.StringIO(text))
    header = [_clean(h).lower() for h in next(rows, [])]
    unknown = [h for h in header if h not in _FIXED and not _LANGUAGE.match(h)]
    languages = [h for h in header if h not in _FIXED and _LANGUAGE.match(h)]
    if "term" not in header or "source" not in header or not languages or unknown:
        raise GlossaryError(
            f"{name}: the header must name 'term', 'source' and language codes "
            f"(optionally 'aliases'); got {','.join(header) or 'nothing'}"
        )
    entries, problems = [], []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem, entry = _entry(row, header, languages)
        if entry is None:
            problems.append(f"{name} row {number}: {problem}; the row was skipped")
        else:
            entries.append(entry)
    return ParsedGlossary(entries, problems)


def _entry(
    row: list[str], header: list[str], languages: list[str]
) -> tuple[str, GlossaryEntry | None]:
    if len(row) != len(header):
        return f"expected {len(header)} columns, got {len(row)}", None
    cells = {name: _clean(value) for name, value in zip(header, row, strict=True)}
    translations = {lang: cells[lang] for lang in languages if cells[lang]}
    if not cells["term"]:
        return "the term is empty", None
    if not translations:
        return f"no translation for {cells['term']!r}", None
    if not cells["source"]:
        return f"no source for {cells['term']!r}", None
    aliases = tuple(a for a in (_clean(a) for a in cells.get("aliases", "").split("|")) if a)
    return "", GlossaryEntry(cells["term"], aliases, translations, cells["source"])


def read_glossary(path: Path) -> ParsedGlossary:
    """Read a glossary file (see ``parse_glossary``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot be read ({exc.strerror or 'unknown error'})") from None
    return parse_glossary(data, name=str(path))


@dataclass(frozen=True)
class Gloss:
    """A glossary term found in a text, with its translation into one language."""

    term: str
    translation: str
    language: str
    source: str


def _starts_a_word(text: str, start: int) -> bool:
    """Return True if ``start`` begins a word, or a capital glued to the word before it.

    Scraped pages lose spaces at tags: "phát biểu củaTổng Bí thư" is two words.
    """
    if start == 0 or not text[start - 1].isalnum():
        return True
    return text[start - 1].islower() and text[start].isupper()


def _case_fits(found: str, entry: GlossaryEntry) -> bool:
    """Return True unless the entry's spelling is capitalised and ``found`` is not.

    "Kết luận 16" is a document type; "phát biểu kết luận" is only "concluding remarks".
    """
    spelling = next(s for s in entry.spellings() if s.casefold() == found.casefold())
    return not spelling[:1].isupper() or found[:1].isupper()


class Glossary:
    """Finds glossary terms in texts, longest spelling first, each span once."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries = list(entries)
        spellings = sorted(
            ((s, e) for e in self.entries for s in e.spellings()), key=lambda p: -len(p[0])
        )
        self._by_spelling = {s.casefold(): e for s, e in reversed(spellings)}
        self._pattern = (
            re.compile(
                "(" + "|".join(re.escape(s) for s, _ in spellings) + r")(?!\w)",
                re.IGNORECASE,
            )
            if spellings
            else None
        )

    def find(self, texts: Sequence[str]) -> list[GlossaryEntry]:
        """Return the entries whose term or alias occurs in ``texts``, in order of appearance."""
        if self._pattern is None:
            return []
        found: dict[str, GlossaryEntry] = {}
        for text in texts:
            text = unicodedata.normalize("NFC", text)
            for match in self._pattern.finditer(text):
                spelling = match.group(1)
                entry = self._by_spelling[spelling.casefold()]
                if _starts_a_word(text, match.start()) and _case_fits(spelling, entry):
                    found.setdefault(entry.term, entry)
        return list(found.values())

    def glosses(self, texts: Sequence[str], language: str, *, fallback: str = "en") -> list[Gloss]:
        """Return the glosses of the terms in ``texts`` for a reader of ``language``.

        A term without a translation into ``language`` is glossed in ``fallback`` (the
        gloss says which language it is in); a term with neither is left out.
        """
        glosses = []
        for entry in self.find(texts):
            chosen = language if language in entry.translations else fallback
            translation = entry.translations.get(chosen)
            if translation and translation.casefold() != entry.term.casefold():
                glosses.append(Gloss(entry.term, translation, chosen, entry.source))
        return glosses
