"""Rendering answers and their sources as Telegram HTML messages and inline keyboards."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.answering.models import AskResponse, Citation
from bot.telegram.i18n import text
from bot.telegram.splitting import MAX_MESSAGE_LENGTH, split_html

SOURCES_PER_PAGE = 5
MAX_SOURCE_BUTTONS = 8
BUTTON_LABEL_CHARS = 48
TITLE_CHARS = 160
QUOTE_CHARS = 200
# Callback data prefixes; the rest is the answer's message_id (and a page number).
FEEDBACK = "fb"
SOURCES_PAGE = "src"


def _shorten(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _linkable(url: str | None) -> bool:
    # Telegram rejects buttons and links whose URL is not http(s) or tg:.
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def answer_messages(
    response: AskResponse, language: str, *, limit: int = MAX_MESSAGE_LENGTH
) -> list[str]:
    """Return the answer as Telegram HTML messages, each at most ``limit`` long."""
    body = html.escape(response.answer.strip())
    for citation in response.citations:
        if citation.translation is None:
            continue
        if citation.translation.kind == "official":
            if citation.translation.text.strip() not in response.answer:
                continue  # a quote the answer only names: read on the sources page
            # The answer quotes the official edition; its original is shown on demand.
            body += (
                f"\n\n<i>{text(language, 'original')} [{citation.n}]</i>\n"
                f"<blockquote expandable>{html.escape(citation.quote.strip())}</blockquote>"
            )
        else:
            label = text(language, "machine_translation")
            body += (
                f"\n\n<i>{label} [{citation.n}]</i>\n"
                f"{html.escape(citation.translation.text.strip())}"
            )
    glossary = _glossary(response.citations)
    if glossary:
        body += f"\n\n<i>{text(language, 'glossary')}</i>\n{glossary}"
    if response.citations:
        body += "\n\n<i>" + text(language, "sources_hint") + "</i>"
    return split_html(body, limit)


def _glossary(citations: Sequence[Citation]) -> str:
    """Return the glosses of all citations, one line each, without repeats."""
    seen: dict[str, str] = {}
    for citation in citations:
        for gloss in citation.glossary:
            seen.setdefault(gloss.term, gloss.translation)
    return "\n".join(
        f"• <b>{html.escape(term)}</b> — {html.escape(translation)}"
        for term, translation in seen.items()
    )


def answer_keyboard(response: AskResponse) -> InlineKeyboardMarkup:
    """Return link buttons to the cited sources that have a URL, and rating buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[str] = set()
    for citation in response.citations:
        if not _linkable(citation.url) or citation.url in seen:
            continue
        seen.add(str(citation.url))
        label = _shorten(f"[{citation.n}] {citation.title}", BUTTON_LABEL_CHARS)
        rows.append([InlineKeyboardButton(label, url=citation.url)])
        if len(rows) == MAX_SOURCE_BUTTONS:
            break
    rows.append(feedback_buttons(response.message_id))
    return InlineKeyboardMarkup(rows)


def feedback_buttons(message_id: str) -> list[InlineKeyboardButton]:
    """Return the thumbs up/down buttons that rate the answer ``message_id``."""
    buttons = [
        InlineKeyboardButton("👍", callback_data=f"{FEEDBACK}:up:{message_id}"),
        InlineKeyboardButton("👎", callback_data=f"{FEEDBACK}:down:{message_id}"),
    ]
    for button in buttons:
        if len(str(button.callback_data).encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
            raise ValueError(
                f"message_id must fit in Telegram's callback data (64 bytes); got {message_id!r}"
            )
    return buttons


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Return ``markup`` without its rating buttons (once a rating has been recorded)."""
    if markup is None:
        return None
    rows = [
        row
        for row in markup.inline_keyboard
        if not any(str(button.callback_data or "").startswith(f"{FEEDBACK}:") for button in row)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _by_document(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Return the citations in groups of one document each, in the order they come."""
    groups: dict[str, list[Citation]] = {}
    for citation in citations:
        groups.setdefault(citation.doc_id, []).append(citation)
    return list(groups.values())


def _source_entry(group: Sequence[Citation], language: str) -> str:
    """Return one document's entry: its numbers and title once, then each of its quotes.

    A quote from a document with an official edition in the reader's language is shown in
    that edition, its original under it; a machine translation is shown under its quote.
    """
    first = group[0]
    title = html.escape(_shorten(first.title, TITLE_CHARS))
    if _linkable(first.url):
        title = f'<a href="{html.escape(str(first.url))}">{title}</a>'
    numbers = "".join(f"[{citation.n}]" for citation in group)
    lines = [f"<b>{numbers}</b> {title}"]
    details = [value for value in (first.publisher, first.published) if value]
    if details:
        lines.append(html.escape(" · ".join(details)))
    for citation in group:
        if not citation.quote:
            continue
        marker = f"[{citation.n}] " if len(group) > 1 else ""
        translation = citation.translation
        read, label, other = citation.quote, "", ""
        if translation is not None and translation.kind == "official":
            read, label, other = translation.text, text(language, "original"), citation.quote
        elif translation is not None:
            label, other = text(language, "machine_translation"), translation.text
        lines.append(f"<i>{marker}«{html.escape(_shorten(read, QUOTE_CHARS))}»</i>")
        if label:
            lines.append(f"{html.escape(label)}: {html.escape(_shorten(other, QUOTE_CHARS))}")
    return "\n".join(lines)


def sources_page(
    citations: Sequence[Citation], *, answer_id: str, page: int, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return one page of an answer's sources and the buttons to turn pages.

    Args:
        citations: The answer's citations, in order; a document's are one entry.
        answer_id: The answer's message_id, so that page buttons refer to that answer.
        page: The page to show, from 0; clamped to the pages there are.
        language: The interface language.

    Returns:
        The page as Telegram HTML, and the previous/next buttons (None for a single page).
    """
    groups = _by_document(citations)
    pages = max(1, -(-len(groups) // SOURCES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = groups[page * SOURCES_PER_PAGE : (page + 1) * SOURCES_PER_PAGE]
    header = text(language, "sources_header", page=page + 1, pages=pages)
    body = "\n\n".join([header, *(_source_entry(group, language) for group in shown)])
    if pages == 1:
        return body, None
    buttons = []
    if page > 0:
        buttons.append(
            InlineKeyboardButton("◀", callback_data=f"{SOURCES_PAGE}:{page - 1}:{answer_id}")
        )
    if page < pages - 1:
        buttons.append(
            InlineKeyboardButton("▶", callback_data=f"{SOURCES_PAGE}:{page + 1}:{answer_id}")
        )
    return body, InlineKeyboardMarkup([buttons])
