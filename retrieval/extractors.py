"""Bytes to text, one function per format: plain text decoding, HTML, PDF and DOCX."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

import docx
import lxml.html
import pypdf
import trafilatura

from retrieval.errors import LoadError
from retrieval.running_heads import without_running_heads
from retrieval.sentences import unwrap
from retrieval.sizes import describe_size

__all__ = ["decode_text", "docx_text", "html_meta", "html_text", "normalise", "pdf_text"]

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Vietnamese letters (NFC, with any tone), the tone marks themselves, and typographic
# punctuation: what the non-ASCII part of genuine Windows-1258 Vietnamese text is made of.
_VIETNAMESE = frozenset(
    {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for t in _TONES}
    | set("đĐ“”‘’–—…•«»°·€")
    | set(_TONES[1:])
)
# What a document may inflate to before it is parsed: a docx is a zip of XML parts,
# and a PDF's streams are compressed; both can hide gigabytes in a few hundred kB.
MAX_DOCX_XML_BYTES = 25_000_000
MAX_DOCX_MEDIA_RATIO = 3  # media hardly compress: far more than this is a bomb
MAX_PDF_STREAM_BYTES = 25_000_000
MAX_TEXT_CHARS = 5_000_000
_BLOCK_TAG = re.compile(r"p|div|br|li|tr|td|h[1-6]|section|article|header|footer|pre|[uo]l")


def normalise(text: str) -> str:
    r"""Return ``text`` NFC-normalised, with "\n" newlines and no byte-order mark."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return unicodedata.normalize("NFC", text.lstrip("\ufeff"))


def decode_text(data: bytes, *, name: str = "text") -> str:
    """Decode the bytes of a text file by a fixed rule, rejecting binary junk.

    The rule: a UTF-8 or UTF-16 byte-order mark decides; else NUL bytes at most odd (or
    even) offsets mean UTF-16-LE (or -BE); else strict UTF-8; else Windows-1258 (whose
    decoder yields combining tone marks, composed here), kept only when the result reads
    as Vietnamese.

    Args:
        data: The raw bytes.
        name: The file name to put in error messages.

    Returns:
        The decoded text, normalised as by :func:`normalise`.

    Raises:
        LoadError: When the bytes are not text in one of these encodings.
    """
    text: str | None = None
    half = max(len(data) // 2, 1)
    even, odd = data[0::2].count(0) / half, data[1::2].count(0) / half
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            text = data.decode("utf-8-sig")
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        elif odd > 0.2 and even < 0.02:
            text = data.decode("utf-16-le")
        elif even > 0.2 and odd < 0.02:
            text = data.decode("utf-16-be")
    except UnicodeDecodeError:
        raise LoadError(f"{name}: not valid text (broken UTF-8 or UTF-16 bytes)") from None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            legacy = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
            if not _looks_vietnamese(legacy):
                raise LoadError(
                    f"{name}: not text (binary data, or an encoding other than "
                    "UTF-8, UTF-16 and Windows-1258)"
                ) from None
            text = legacy
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls > 0.01 * len(text) or "\x00" in text:
        raise LoadError(f"{name}: not text (binary data: control characters)")
    return normalise(text)


def _looks_vietnamese(text: str) -> bool:
    """Return True when nearly all non-ASCII characters are Vietnamese letters or quotes."""
    foreign = [c for c in text if ord(c) > 127]
    vietnamese = sum(1 for c in foreign if c in _VIETNAMESE)
    return bool(foreign) and vietnamese >= 0.95 * len(foreign)


def pdf_text(data: bytes, *, name: str) -> str:
    """Return the text of all pages of a PDF, pages separated by a blank line.

    Raises:
        LoadError: When the PDF is corrupt, truncated or password-protected.
    """
    limits = pypdf.get_configuration().with_overwrites(
        zlib_maximum_output_length=MAX_PDF_STREAM_BYTES,
        lzw_maximum_output_length=MAX_PDF_STREAM_BYTES,
        run_length_maximum_output_length=MAX_PDF_STREAM_BYTES,
        maximum_declared_stream_length=MAX_PDF_STREAM_BYTES,
    )
    try:
        with pypdf.apply_configuration(limits):
            return _pdf_pages(pypdf.PdfReader(io.BytesIO(data)), name=name)
    except LoadError:
        raise
    except pypdf.errors.LimitReachedError:
        raise LoadError(
            f"{name}: the PDF's content inflates past the {describe_size(MAX_PDF_STREAM_BYTES)} "
            "limit per stream (a compression bomb or a huge file)"
        ) from None
    except Exception:  # pypdf raises many unrelated types on corrupt input
        raise LoadError(f"{name}: not a readable PDF (corrupt or truncated)") from None


def _pdf_pages(reader: pypdf.PdfReader, *, name: str) -> str:
    if reader.is_encrypted and not reader.decrypt(""):
        raise LoadError(f"{name}: the PDF is password-protected")
    pages: list[str] = []
    size = 0
    for page in reader.pages:
        # extract_text swallows the decompression limit and returns "": inflate first.
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
        pages.append(page.extract_text() or "")
        size += len(pages[-1])
        if size > MAX_TEXT_CHARS:
            raise LoadError(
                f"{name}: the PDF holds more than {MAX_TEXT_CHARS:,} characters of text "
                "(the limit for one document); split it"
            )
    return "\n\n".join(unwrap(page) for page in without_running_heads(pages))


def docx_text(data: bytes, *, name: str) -> tuple[str, dict[str, str]]:
    """Return the paragraphs and table cells of a DOCX, and its title if the file sets one.

    Raises:
        LoadError: When the file is not a readable Word document.
    """
    _check_docx_size(data, name=name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # zipfile, KeyError, lxml and python-docx errors alike
        raise LoadError(f"{name}: not a readable DOCX (corrupt or not a Word file)") from None
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    title = " ".join((document.core_properties.title or "").split())
    return "\n\n".join(parts), ({"title": title} if title else {})


def _check_docx_size(data: bytes, *, name: str) -> None:
    """Refuse a docx whose parts inflate far beyond what a document needs (a zip bomb).

    The sizes come from the zip directory; ``zipfile`` never inflates a member past
    the size its directory declares, so they bound what python-docx will read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise LoadError(f"{name}: not a readable DOCX (corrupt or not a Word file)") from None
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    total = sum(m.file_size for m in members)
    if xml > MAX_DOCX_XML_BYTES:
        raise LoadError(
            f"{name}: the DOCX inflates to {describe_size(xml)} of XML, over the "
            f"{describe_size(MAX_DOCX_XML_BYTES)} limit (a compression bomb or a huge file)"
        )
    if total - xml > MAX_DOCX_MEDIA_RATIO * len(data) + 1_000_000:
        raise LoadError(
            f"{name}: the DOCX inflates to {describe_size(total)}, far more than its "
            f"{describe_size(len(data))} (a compression bomb)"
        )


def _parse_html(html: str) -> Any:
    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml.html.document_fromstring(html)
    except Exception:  # lxml raises ParserError or ValueError on empty or odd input
        return None


def html_text(html: str) -> str:
    """Return a page's article text, or its readable text when no article is found.

    The article comes from trafilatura without comments, tables or links. The fallback is
    the body's text, one line per block, without scripts, styles or the head.
    """
    article = trafilatura.extract(
        html, include_comments=False, include_tables=False, include_links=False
    )
    if article and article.strip():
        return str(article)
    tree = _parse_html(html)
    if tree is None:
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and _BLOCK_TAG.fullmatch(element.tag):
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in str(tree.text_content()).split("\n"))
    return "\n".join(line for line in lines if line)


def html_meta(html: str) -> dict[str, str]:
    """Return title, publisher, published (ISO date) and url found in a page's head."""
    tree = _parse_html(html)
    if tree is None:
        return {}

    def meta(*keys: str) -> str:
        for key in keys:
            for value in tree.xpath(f"//meta[@property='{key}' or @name='{key}']/@content"):
                if str(value).strip():
                    return " ".join(str(value).split())
        return ""

    # <title> usually carries the site's name ("Article | Site"); the article's own <h1> not.
    heading = " ".join(str(tree.xpath("string((//h1)[1])")).split())
    title = meta("og:title") or heading or " ".join(str(tree.findtext(".//title") or "").split())
    published = meta("article:published_time", "og:published_time", "datePublished")[:10]
    canonical = [str(href).strip() for href in tree.xpath("//link[@rel='canonical']/@href")]
    url = meta("og:url") or (canonical[0] if canonical else "")
    found = {
        "title": title,
        "publisher": meta("og:site_name"),
        "published": published if re.fullmatch(r"\d{4}-\d\d-\d\d", published) else "",
        "url": url if url.lower().startswith(("http://", "https://")) else "",
    }
    return {key: value for key, value in found.items() if value}
