"""Documents sent by admins (HTTP admin API or Telegram): uploaded files and raw text, ingested."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path

from starlette.datastructures import UploadFile

from retrieval.knowledge_base import KnowledgeBase
from retrieval.loaders import Source
from retrieval.types import IngestReport

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.-]+")
# Uploads of the same name replace each other; one at a time keeps the swap consistent.
_upload_lock = threading.Lock()


class UploadTooLarge(Exception):
    """An uploaded file is over the size cap."""


def sanitise_filename(name: str) -> str:
    """Return a safe file name: no folders, no hidden dot, only word characters, . and -."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._-")[:120] or "upload"
    ext = _UNSAFE.sub("", ext)[:10].lower()
    return f"{stem}.{ext}" if ext else stem


def text_doc_id(*, title: str, url: str | None) -> str:
    """Return the id of a raw-text document: its URL, else ``text/<slug of the title>``."""
    if url:
        return url
    ascii_title = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")[:80]
    return f"text/{slug or hashlib.sha256(title.encode()).hexdigest()[:16]}"


async def receive_upload(upload: UploadFile, *, directory: Path, max_bytes: int) -> Path:
    """Copy an upload into a hidden temporary file in ``directory``, enforcing the cap."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def ingest_upload(
    knowledge_base: KnowledgeBase, *, received: Path, name: str, directory: Path
) -> IngestReport:
    """Ingest a received upload as ``directory/name``; keep the file only if it indexed.

    A failed upload leaves the index and any earlier file of the same name as they were.
    Failure reasons name the file as the uploader called it, not its path on the server.
    """
    target = directory / name
    backup = directory / f".{name}.previous"
    with _upload_lock:
        had_previous = target.exists()
        if had_previous:
            os.replace(target, backup)
        os.replace(received, target)
        report = knowledge_base.ingest_sources([Source(location=str(target), root=directory)])
        if report.failed:
            target.unlink()
            if had_previous:
                os.replace(backup, target)
        elif had_previous:
            backup.unlink()
    report.failed = [(name, reason.replace(str(target), name)) for _, reason in report.failed]
    return report
