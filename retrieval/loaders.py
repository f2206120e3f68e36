"""Turn a path or URL into text and declared metadata: discovery, limits, fetching."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval.errors import LoadError
from retrieval.extractors import decode_text, docx_text, html_meta, html_text, normalise, pdf_text
from retrieval.fetching import FetchPolicy, fetch, suffix_of
from retrieval.glossary import is_glossary
from retrieval.running_heads import without_running_heads
from retrieval.sizes import describe_size

__all__ = ["SUPPORTED_EXTENSIONS", "LoadedDocument", "Source", "discover", "load", "load_bytes"]

SUPPORTED_EXTENSIONS = frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".docx"})
DECLARED_FIELDS = ("title", "publisher", "published", "url", "language", "translation_of")
_MIME_EXT = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def _is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Source:
    """Where a document comes from: a file under a corpus root, or a URL (root None)."""

    location: str
    root: Path | None = None

    @property
    def is_url(self) -> bool:
        """Return True when the source is an http(s) URL."""
        return _is_url(self.location)

    @property
    def doc_id(self) -> str:
        """Return the stable id: the URL, or the path under the root without extension.

        Both sides are made absolute first, so the id does not depend on how the path
        was written (relative, absolute, through "..").
        """
        if self.is_url:
            return self.location
        path = Path(self.location).resolve()
        root = self.root.resolve() if self.root is not None else path.parent
        relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        return relative.with_suffix("").as_posix()

    @property
    def origin(self) -> str:
        """Return what the source is, whatever its id: the URL or the absolute path."""
        return self.location if self.is_url else str(Path(self.location).resolve())


@dataclass(frozen=True)
class LoadedDocument:
    """A document's raw text (front matter removed) and the metadata it declares."""

    doc_id: str
    source: str
    text: str
    declared: dict[str, str]
    is_html: bool


def _root(path: Path, fallback: Path, corpus_root: Path | None) -> Path:
    """Return the corpus root when ``path`` lies inside it, else ``fallback``."""
    if corpus_root is not None and path.resolve().is_relative_to(corpus_root.resolve()):
        return corpus_root
    return fallback


def discover(paths: Sequence[str], *, corpus_root: Path | None = None) -> list[Source]:
    """Expand command-line arguments into sources; directories recursively, sorted.

    Directories yield their supported files, skipping hidden ones and ``*.meta.yaml``
    sidecars. Ids are relative to ``corpus_root`` for anything inside it, so a seed has
    the same id whether its folder or the file itself is ingested; elsewhere a directory
    argument is the root, and a file given directly has its folder as root (its id is
    its stem). A missing path is kept, so that loading it reports the problem.

    Args:
        paths: Files, directories or http(s) URLs.
        corpus_root: The corpus folder (VNPOS_CORPUS_DIR), if any.

    Returns:
        One source per document, without duplicates, in argument order.
    """
    found: dict[str, Source] = {}
    for arg in paths:
        if _is_url(arg):
            found.setdefault(arg, Source(arg))
            continue
        path = Path(arg)
        if not path.is_dir():
            found.setdefault(str(path), Source(str(path), _root(path, path.parent, corpus_root)))
            continue
        root = _root(path, path, corpus_root)
        for child in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            wanted = child.suffix.lower() in SUPPORTED_EXTENSIONS or is_glossary(child.name)
            if child.is_file() and wanted and not hidden:
                found.setdefault(str(child), Source(str(child), root))
    return list(found.values())


def load(source: Source, policy: FetchPolicy | None = None) -> LoadedDocument:
    r"""Read a source into text and declared metadata.

    Declared metadata comes from the document itself (YAML front matter, HTML meta tags,
    DOCX properties), overridden by a sidecar ``NAME.meta.yaml`` beside a file.

    Args:
        source: What to read.
        policy: Size cap for files and downloads, and the limits of URL fetching.

    Returns:
        The loaded document; its text is NFC-normalised with "\n" newlines.

    Raises:
        LoadError: With a one-line message naming the source and the reason.
    """
    policy = policy or FetchPolicy()
    max_bytes = policy.max_bytes
    name = source.location
    if source.is_url:
        download = fetch(name, policy)
        ext = _MIME_EXT.get(download.content_type) or suffix_of(download)
        if ext not in SUPPORTED_EXTENSIONS:
            raise LoadError(
                f"{name}: unsupported content type {download.content_type or '(none)'!r}"
            )
        return load_bytes(download.body, name=name, ext=ext, doc_id=name, charset=download.charset)
    path = Path(name)
    if not path.is_file():
        raise LoadError(f"{name}: file not found")
    _check_extension(name, path.suffix.lower())
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(
            f"{name}: {describe_size(size)} is over the {describe_size(max_bytes)} limit"
        )
    if size == 0:
        raise LoadError(f"{name}: the file is empty")
    loaded = load_bytes(path.read_bytes(), name=name, ext=path.suffix, doc_id=source.doc_id)
    sidecar = _sidecar(path)
    if not sidecar:
        return loaded
    return LoadedDocument(
        loaded.doc_id, name, loaded.text, {**loaded.declared, **sidecar}, loaded.is_html
    )


def load_bytes(
    data: bytes, *, name: str, ext: str, doc_id: str, charset: str | None = None
) -> LoadedDocument:
    """Extract text and embedded metadata from a document's bytes (an upload, a download).

    Args:
        data: The document's content.
        name: The file name or URL, used as the source and in error messages.
        ext: The file type as an extension (".pdf"), case-insensitive.
        doc_id: The id to give the document.
        charset: A character set the sender declared, tried before the decoding rule.

    Returns:
        The loaded document; a URL ``name`` is also declared as its url.

    Raises:
        LoadError: When the type is unsupported, or the content is empty, corrupt or binary.
    """
    ext = ext.lower()
    _check_extension(name, ext)
    declared: dict[str, str] = {"url": name} if _is_url(name) else {}
    if ext == ".pdf":
        text = pdf_text(data, name=name)
    elif ext == ".docx":
        text, embedded = docx_text(data, name=name)
        declared.update(embedded)
    else:
        decoded = _decode_as(data, charset) if charset else None
        text = normalise(decoded) if decoded is not None else decode_text(data, name=name)
        if ext in (".html", ".htm"):
            declared.update(html_meta(text))
            text = html_text(text)
        else:
            if match := _FRONT_MATTER.match(text):
                declared.update(_declared(match.group(1), name=name))
                text = text[match.end() :]
            # Plain text is often copied from a PDF, page headers and footers included.
            text = without_running_heads([text])[0]
    text = normalise(text)
    if not text.strip():
        hint = " (a scanned PDF needs OCR first)" if ext == ".pdf" else ""
        raise LoadError(f"{name}: no text could be extracted{hint}")
    return LoadedDocument(doc_id, name, text, declared, ext in (".html", ".htm"))


def _check_extension(name: str, ext: str) -> None:
    if ext not in SUPPORTED_EXTENSIONS:
        raise LoadError(
            f"{name}: unsupported file type {ext or '(none)'!r}; "
            f"expected one of {', '.join(sorted(SUPPORTED_EXTENSIONS))}"
        )


def _decode_as(data: bytes, charset: str) -> str | None:
    """Decode with a server-declared charset; None when it is unknown or wrong."""
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return None


def _sidecar(path: Path) -> dict[str, str]:
    """Return the fields of NAME.meta.yaml beside the file, if there is one."""
    sidecar = path.with_name(f"{path.stem}.meta.yaml")
    if not sidecar.is_file():
        return {}
    try:
        return _declared(sidecar.read_text(encoding="utf-8-sig"), name=str(sidecar))
    except (OSError, UnicodeDecodeError):
        raise LoadError(f"{sidecar}: the metadata file is not readable UTF-8 text") from None


def _declared(yaml_text: str, *, name: str) -> dict[str, str]:
    """Parse YAML metadata into the known fields, as strings (dates in ISO form)."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError:
        raise LoadError(f"{name}: the metadata is not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LoadError(f"{name}: the metadata must be a mapping of fields, got {data!r:.40}")
    return {
        key: str(data[key]).strip()
        for key in DECLARED_FIELDS
        if data.get(key) is not None and str(data[key]).strip()
    }
