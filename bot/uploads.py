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

from retrieval.errors import VnposError
from retrieval.knowledge_base import KnowledgeBase
from retrieval.loaders import Source
from retrieval.types import IngestReport

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.-]+")
# Uploads of the same name replace each other; one at a time keeps the swap consistent.
_upload_lock = threading.Lock()


class UploadTooLarge(VnposError):
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


def text_doc_id(*, title: str, url: str | None, text: str) -> str:
    """Return the id of a raw-text document: its URL, else ``text/<title slug>-<hash>``.

    The slug keeps ids readable; the hash of title and text keeps two documents apart
    whose titles fold to the same slug ("Thông cáo báo chí", "Thong cao bao chi").
    """
    if url:
        return url
    ascii_title = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower())
    digest = hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()[:10]
    return f"text/{slug.strip('-')[:80] or 'untitled'}-{digest}"


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
    knowledge_base: KnowledgeBase,
    *,
    received: Path,
    name: str,
    directory: Path,
    replace: bool = False,
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
        source = Source(location=str(target), root=directory)
        report = knowledge_base.ingest_sources([source], replace=replace)
        if report.failed:
            target.unlink()
            if had_previous:
                os.replace(backup, target)
        elif had_previous:
            backup.unlink()
    report.failed = [
        (name, reason.replace(str(target.resolve()), name).replace(str(target), name))
        for _, reason in report.failed
    ]
    return report
