"""Admins add documents by sending a file or a URL; everyone else is politely refused."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from pathlib import Path

from telegram import Update
from telegram.constants import FileSizeLimit

from bot.telegram.chat_action import typing
from bot.telegram.context import BotContext, interface_language, message_of
from bot.telegram.i18n import text
from bot.uploads import ingest_upload, sanitise_filename
from retrieval.loaders import SUPPORTED_EXTENSIONS, Source
from retrieval.types import IngestReport

UPLOADS_FOLDER = Path("uploads") / "telegram"
# A message that is nothing but one http(s) URL asks an admin's bot to ingest that page.
URL_ONLY = re.compile(r"^\s*https?://\S+\s*$", re.IGNORECASE)


def _report_html(report: IngestReport, *, language: str, documents: int) -> str:
    lines = [text(language, "ingest_added", doc_id=doc_id) for doc_id in report.added]
    lines += [text(language, "ingest_updated", doc_id=doc_id) for doc_id in report.updated]
    lines += [text(language, "ingest_skipped", doc_id=doc_id) for doc_id in report.skipped]
    lines += [
        text(language, "ingest_failed", location=location, reason=reason)
        for location, reason in report.failed
    ]
    lines.append(text(language, "ingest_total", documents=documents))
    return "\n".join(lines)


async def _reply_report(update: Update, context: BotContext, report: IngestReport) -> None:
    documents = await asyncio.to_thread(context.services.knowledge_base.documents)
    await message_of(update).reply_text(
        _report_html(report, language=interface_language(update, context), documents=len(documents))
    )


async def upload(update: Update, context: BotContext) -> None:
    """Save a document an admin sent under the uploads folder and ingest it."""
    message = message_of(update)
    document = message.document
    if document is None:
        return
    language = interface_language(update, context)
    settings = context.services.settings
    name = sanitise_filename(document.file_name or document.file_unique_id)
    if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
        await message.reply_text(text(language, "upload_unsupported", name=name))
        return
    # The Bot API lets bots download files of up to 20 MB, whatever our own limit.
    limit = min(settings.max_file_bytes, FileSizeLimit.FILESIZE_DOWNLOAD)
    if document.file_size and document.file_size > limit:
        size, most = f"{document.file_size / 1e6:.1f}", f"{limit / 1e6:.0f}"
        await message.reply_text(text(language, "upload_too_big", size=size, limit=most))
        return
    await message.reply_text(text(language, "ingest_started", name=name))
    folder = settings.data_dir / UPLOADS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # Downloaded beside its final name first, so a failed upload leaves the old file as it was.
    handle, incoming = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    os.close(handle)
    received = Path(incoming)
    try:
        async with typing(context.bot, message.chat_id):
            telegram_file = await document.get_file()
            await telegram_file.download_to_drive(received)
            report = await asyncio.to_thread(
                ingest_upload,
                context.services.knowledge_base,
                received=received,
                name=name,
                directory=folder,
            )
    finally:
        with contextlib.suppress(FileNotFoundError):
            received.unlink()
    await _reply_report(update, context, report)


async def refuse_upload(update: Update, context: BotContext) -> None:
    """Tell a user who is not an admin that only admins can add documents."""
    await message_of(update).reply_text(text(interface_language(update, context), "upload_refused"))


async def ingest_url(update: Update, context: BotContext) -> None:
    """Fetch and ingest the web page whose URL an admin sent."""
    message = message_of(update)
    url = (message.text or "").strip()
    await message.reply_text(text(interface_language(update, context), "ingest_started", name=url))
    async with typing(context.bot, message.chat_id):
        report = await asyncio.to_thread(
            context.services.knowledge_base.ingest_sources, [Source(location=url)]
        )
    await _reply_report(update, context, report)
