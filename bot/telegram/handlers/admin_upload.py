"""Admins add documents by sending a file or a URL; everyone else is politely refused."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from telegram import Update
from telegram.constants import FileSizeLimit

from bot.telegram.chat_action import typing
from bot.telegram.context import BotContext, interface_language, message_of
from bot.telegram.i18n import text
from retrieval.loaders import SUPPORTED_EXTENSIONS, Source
from retrieval.types import IngestReport

UPLOADS = Path("uploads")
CHANNEL_FOLDER = "telegram"
# A message that is nothing but one http(s) URL asks an admin's bot to ingest that page.
URL_ONLY = re.compile(r"^\s*https?://\S+\s*$", re.IGNORECASE)
_UNSAFE = re.compile(r"[^\w.-]+")
MAX_NAME_CHARS = 120


def sanitised_name(name: str, fallback: str) -> str:
    """Return a file name safe to write in the uploads folder, keeping its extension.

    Args:
        name: The name the sender gave the file (any characters, maybe a path).
        fallback: The stem to use when nothing of ``name`` survives (Telegram's file id).

    Returns:
        Letters, digits, ``_``, ``-`` and ``.`` only, no leading dot, extension lower-cased.
    """
    path = Path(name.replace("\\", "/")).name
    stem, dot, ext = path.rpartition(".")
    if not dot:
        stem, ext = path, ""
    stem = _UNSAFE.sub("_", stem).strip("._")[:MAX_NAME_CHARS] or fallback
    ext = _UNSAFE.sub("", ext).lower()
    return f"{stem}.{ext}" if ext else stem


def _report_html(report: IngestReport, *, language: str, folder: Path, documents: int) -> str:
    lines = [text(language, "ingest_added", doc_id=doc_id) for doc_id in report.added]
    lines += [text(language, "ingest_updated", doc_id=doc_id) for doc_id in report.updated]
    lines += [text(language, "ingest_skipped", doc_id=doc_id) for doc_id in report.skipped]
    for location, reason in report.failed:
        # Reasons name the saved file; the admin knows it by its name, not the server path.
        lines.append(
            text(
                language,
                "ingest_failed",
                location=Path(location).name if not Source(location).is_url else location,
                reason=reason.replace(f"{folder}/", ""),
            )
        )
    lines.append(text(language, "ingest_total", documents=documents))
    return "\n".join(lines)


def _folder(context: BotContext) -> Path:
    return context.services.settings.data_dir / UPLOADS / CHANNEL_FOLDER


async def _ingest(update: Update, context: BotContext, source: Source) -> None:
    """Ingest one source in a worker thread and reply with what happened."""
    message = message_of(update)
    knowledge_base = context.services.knowledge_base
    async with typing(context.bot, message.chat_id):
        report = await asyncio.to_thread(knowledge_base.ingest_sources, [source])
        documents = len(await asyncio.to_thread(knowledge_base.documents))
    await message.reply_text(
        _report_html(
            report,
            language=interface_language(update, context),
            folder=_folder(context),
            documents=documents,
        )
    )


async def upload(update: Update, context: BotContext) -> None:
    """Save a document an admin sent under the uploads folder and ingest it."""
    message = message_of(update)
    document = message.document
    if document is None:
        return
    language = interface_language(update, context)
    settings = context.services.settings
    name = sanitised_name(document.file_name or "", document.file_unique_id)
    if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
        await message.reply_text(text(language, "upload_unsupported", name=name))
        return
    # The Bot API serves bots files up to 20 MB, whatever our own limit.
    limit = min(settings.max_file_bytes, FileSizeLimit.FILESIZE_DOWNLOAD)
    if document.file_size and document.file_size > limit:
        await message.reply_text(
            text(
                language,
                "upload_too_big",
                size=f"{document.file_size / 1e6:.1f}",
                limit=f"{limit / 1e6:.0f}",
            )
        )
        return
    folder = _folder(context)
    folder.mkdir(parents=True, exist_ok=True)
    await message.reply_text(text(language, "ingest_started", name=name))
    telegram_file = await document.get_file()
    target = await telegram_file.download_to_drive(folder / name)
    # Rooted at uploads/, the document's id is "telegram/NAME": resending a file updates it.
    await _ingest(update, context, Source(location=str(target), root=folder.parent))


async def refuse_upload(update: Update, context: BotContext) -> None:
    """Tell a user who is not an admin that only admins can add documents."""
    await message_of(update).reply_text(
        text(interface_language(update, context), "upload_refused")
    )


async def ingest_url(update: Update, context: BotContext) -> None:
    """Fetch and ingest the web page whose URL an admin sent."""
    message = message_of(update)
    url = (message.text or "").strip()
    await message.reply_text(
        text(interface_language(update, context), "ingest_started", name=url)
    )
    await _ingest(update, context, Source(location=url))

