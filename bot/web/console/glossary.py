"""Console: the terminology glossary — every term with its official translations, edited.

Files in corpus/ stay the editors' main source; a term added or changed here is kept in
the console's own glossary, which wins over the files, so the next ingestion of a file
does not undo an editor's correction.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from bot import catalogue
from bot.languages import native_name
from bot.web.console.pages import PREFIX, FormSessionDep, SessionDep, render
from bot.web.console.pages import words as console_words
from bot.web.deps import KnowledgeBaseDep
from retrieval.glossary import GlossaryEntry
from retrieval.glossary_store import CONSOLE

router = APIRouter(prefix=PREFIX, include_in_schema=False)
# The readers' languages the app speaks, Vietnamese being the terms' own.
LANGUAGES = tuple(code for code in catalogue.languages() if code != "vi")


@router.get("/glossary", response_class=HTMLResponse)
async def glossary(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """List the terms, the ones in force first, searched by term or translation."""
    return await _glossary_page(request, session, knowledge_base, query=q, message=None)


async def _glossary_page(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    *,
    query: str,
    message: str | None,
) -> Response:
    stored = await run_in_threadpool(knowledge_base.glossaries.entries)
    needle = query.strip().casefold()
    seen: set[str] = set()
    rows = []
    for glossary_id, entry in stored:
        words = " ".join((entry.term, *entry.aliases, *entry.translations.values()))
        if not needle or needle in words.casefold():
            rows.append((glossary_id, entry, entry.term not in seen))
        seen.add(entry.term)
    return render(
        request,
        "glossary.html",
        session=session,
        rows=rows,
        query=query,
        console=CONSOLE,
        # Only the languages some term is translated into get a column.
        reader_languages=[c for c in LANGUAGES if any(c in e.translations for _, e in stored)],
        message=message,
    )


@router.get("/glossary/edit", response_class=HTMLResponse)
async def edit_form(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    term: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    """Show the form for a new term, or for the term in force."""
    stored = await run_in_threadpool(knowledge_base.glossaries.entries)
    entry = next((e for _, e in stored if e.term == term), None) if term else None
    return _form(request, session, entry, original=entry.term if entry else "", error=None)


def _form(
    request: Request,
    session: SessionDep,
    entry: GlossaryEntry | None,
    *,
    original: str,
    error: str | None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "glossary_edit.html",
        session=session,
        status_code=status_code,
        entry=entry,
        original=original,
        error=error,
        reader_languages=[(code, native_name(code)) for code in LANGUAGES],
    )


@router.post("/glossary/save", response_class=HTMLResponse)
async def save(
    request: Request,
    session: FormSessionDep,
    knowledge_base: KnowledgeBaseDep,
    term: Annotated[str, Form(max_length=300)] = "",
    aliases: Annotated[str, Form(max_length=1000)] = "",
    source: Annotated[str, Form(max_length=500)] = "",
    original: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Save a term with its translations into the console's glossary."""
    form = await request.form()
    translations = {
        code: str(form.get(f"tr_{code}", "")).strip()[:300]
        for code in LANGUAGES
        if str(form.get(f"tr_{code}", "")).strip()
    }
    alias_list = tuple(a.strip() for a in aliases.split("|") if a.strip())
    entry = GlossaryEntry(term.strip(), alias_list, translations, source.strip())
    words = console_words(request)
    problem = next(
        (
            words[key]
            for key, missing in (
                ("term_needed", not entry.term),
                ("translation_needed", not translations),
                ("source_needed", not entry.source),
            )
            if missing
        ),
        None,
    )
    if problem:
        return _form(request, session, entry, original=original, error=problem, status_code=422)
    await run_in_threadpool(
        lambda: knowledge_base.glossaries.save_term(entry, replacing=original or None)
    )
    saved = words["term_saved"].format(term=entry.term)
    return await _glossary_page(request, session, knowledge_base, query="", message=saved)


@router.post("/glossary/delete", response_class=HTMLResponse)
async def delete(
    request: Request,
    session: FormSessionDep,
    knowledge_base: KnowledgeBaseDep,
    term: Annotated[str, Form(max_length=300)],
) -> Response:
    """Remove a term from the console's glossary (a file's terms stay in their file)."""
    removed = await run_in_threadpool(knowledge_base.glossaries.remove_term, term)
    words = console_words(request)
    message = words["term_removed" if removed else "term_not_console"].format(term=term)
    return await _glossary_page(request, session, knowledge_base, query="", message=message)
