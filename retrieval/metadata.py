"""Describe a document: declared metadata wins, the rest is inferred from its text."""

from __future__ import annotations

import re
from datetime import date

from retrieval.cleaning import DATE_RE, TIME_RE, is_end_marker, split_title
from retrieval.errors import LoadError
from retrieval.language import detect_language
from retrieval.loaders import LoadedDocument
from retrieval.types import DocumentMeta

__all__ = ["build_meta", "find_published", "find_publisher", "parse_date"]

_HEAD_LINES = 12  # a byline stands among the first lines of a page
_SPELLED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy)|chủ\s+nhật|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_SECONDS = re.compile(r"\d{1,2}:\d\d:\d\d")
_TODAY = re.compile(
    r"\b(?:sáng|chiều|tối|trưa|đêm|hôm)\s+nay\s*[,(]?\s*(?:ngày\s+)?(" + DATE_RE.pattern + ")",
    re.IGNORECASE,
)
_LEDE = re.compile(r"^(?:\S{2,30}\s*[-–—]\s*)?ngày\s+(" + DATE_RE.pattern + r")\s*,", re.IGNORECASE)
_NGUON = re.compile(r"\(?(?:nguồn|source)\s*:\s*(.{2,80}?)\)?\.?", re.IGNORECASE)
_THEO = re.compile(r"\(?[Tt]heo\s+(\w[^,.;:!?()]{1,60}?)\)?\.?")
_ISO = re.compile(r"(\d{4}-\d\d-\d\d)(?:[T ][\d:.+\-Z ]*)?")
_LANGUAGE_CODE = re.compile(r"([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*")


def build_meta(loaded: LoadedDocument, cleaned: str, raw: str) -> DocumentMeta:
    """Return a document's metadata: declared values win, missing ones are inferred.

    Args:
        loaded: The loaded document, with what its front matter, sidecar or page declared.
        cleaned: The article text without page furniture.
        raw: The text before cleaning, where bylines and source lines are found.

    Returns:
        The metadata; title from the first line, published from a byline date (never a
        page-render date), publisher from a "Nguồn: X" or "Theo X" line, language detected.

    Raises:
        LoadError: When a declared value is malformed; the message names the field.
    """
    declared = loaded.declared
    name = loaded.source

    value = declared.get("published", "").strip()
    match = _ISO.fullmatch(value)
    published = parse_date(match.group(1)) if match else None
    if value and published is None:
        raise LoadError(f"{name}: published must be an ISO date like 2023-07-05, got {value!r}")
    if not value:
        published = find_published(raw)

    url = declared.get("url", "").strip() or None
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise LoadError(f"{name}: url must start with http:// or https://, got {url!r}")
    if url is None and loaded.source.lower().startswith(("http://", "https://")):
        url = loaded.source

    language = declared.get("language", "").strip()
    if language:
        code = _LANGUAGE_CODE.fullmatch(language)
        if code is None:
            raise LoadError(f"{name}: language must be a code like 'vi' or 'en', got {language!r}")
        language = code.group(1).lower()

    return DocumentMeta(
        doc_id=loaded.doc_id,
        source=loaded.source,
        title=" ".join(declared.get("title", "").split()) or _title(cleaned, loaded.doc_id),
        publisher=declared.get("publisher", "").strip() or find_publisher(raw),
        published=published,
        url=url,
        language=language or detect_language(cleaned, default="vi", min_letters=20),
        translation_of=declared.get("translation_of", "").strip() or None,
    )


def _title(cleaned: str, doc_id: str) -> str:
    """Return the first line of the article, shortened if it is prose, or the doc id."""
    title, _ = split_title(cleaned)
    if title:
        return title
    first = cleaned.strip().split("\n", 1)[0]
    if not first:
        return doc_id.rstrip("/").rsplit("/", 1)[-1]
    return first if len(first) <= 120 else first[:120].rsplit(" ", 1)[0] + "…"


def _lines(raw: str) -> list[str]:
    return [" ".join(line.split()) for line in raw.split("\n") if line.strip()]


def _is_render_date(line: str) -> bool:
    """Return True for a page-render timestamp such as "Thứ Sáu, ngày 23 tháng 08 năm 2019"."""
    return bool(_SECONDS.search(line)) or bool(_WEEKDAY.search(line) and _SPELLED.search(line))


def parse_date(text: str) -> date | None:
    """Return the date written as d/m/yyyy, d-m-yyyy, d.m.yyyy, ISO or in Vietnamese words.

    Args:
        text: Text holding one date.

    Returns:
        The date, or None when there is none or it does not exist (31/02) or is implausible.
    """
    spelled = _SPELLED.search(text)
    iso = re.search(r"(\d{4})-(\d\d)-(\d\d)", text)
    dmy = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if spelled:
        day, month, year = (int(part) for part in spelled.groups())
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    elif dmy:
        day, month, year = (int(part) for part in dmy.groups())
    else:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 1900 <= year <= date.today().year + 1 else None


def find_published(raw: str) -> date | None:
    """Return the publication date stated near the top of a page, if one is clear.

    In order: a short byline with a date and a time ("Tuấn Trình - 20:13, 27/12/2022");
    a date called today ("sáng nay, 10/11/2016"); a lede opening with its date ("BDK.VN -
    Ngày 14-6-2022, ..."). Page-render dates (with seconds, or a weekday and the date in
    words) are never used.
    """
    head = [line for line in _lines(raw)[:_HEAD_LINES] if not _is_render_date(line)]
    for line in head:
        stamp = len(line.split()) <= 12 and DATE_RE.search(line) and TIME_RE.search(line)
        if stamp and (found := parse_date(line)):
            return found
    for pattern in (_TODAY, _LEDE):
        for line in head:
            match = pattern.search(line)
            if match and (found := parse_date(match.group(1))):
                return found
    return None


def find_publisher(raw: str) -> str | None:
    """Return the publisher named by a "Nguồn: X" or "Theo X" line of the article, if any."""
    found: str | None = None
    prose_seen = False
    for line in _lines(raw):
        if prose_seen and is_end_marker(line):
            break
        prose_seen = prose_seen or len(line.split()) >= 12
        if len(line.split()) > 10:
            continue
        match = _NGUON.fullmatch(line) or _THEO.fullmatch(line)
        if match and match.group(1)[0].isupper() and "dõi" not in line:
            found = match.group(1).strip()
    return found
