"""Console: the documents list, uploads by file or URL, one document's page, edits, deletes."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.uploads import UploadTooLarge, ingest_upload, receive_upload, sanitise_filename
from bot.web.console.listing import SORTS, document_rows
from bot.web.console.outcomes import Outcome, outcomes
from bot.web.console.pages import PREFIX, FormSessionDep, SessionDep, render
from bot.web.console.pages import words as console_words
from bot.web.deps import KnowledgeBaseDep, StateDep
from retrieval.editing import edit_metadata
from retrieval.sizes import describe_size
from retrieval.types import IngestReport

router = APIRouter(prefix=PREFIX, include_in_schema=False)
UPLOAD_PATH = f"{PREFIX}/documents/upload"
MAX_FILES = 20


@router.get("", response_class=HTMLResponse)
async def home(session: SessionDep) -> Response:
    """Open the console on its documents page."""
    return RedirectResponse(f"{PREFIX}/documents", status_code=303)


@router.get("/documents", response_class=HTMLResponse)
async def documents(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "ingested",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
) -> Response:
    """List the documents, searched and sorted."""
    return await _documents_page(
        request, session, knowledge_base, query=q, sort=sort, order=order, results=None
    )


async def _documents_page(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    *,
    query: str = "",
    sort: str = "ingested",
    order: str = "desc",
    results: list[Outcome] | None,
    status_code: int = 200,
) -> Response:
    stored = await run_in_threadpool(knowledge_base.documents)
    editions = await run_in_threadpool(knowledge_base.editions)
    rows = document_rows(stored, editions, query=query, sort=sort, descending=order == "desc")
    return render(
        request,
        "documents.html",
        session=session,
        status_code=status_code,
        rows=rows,
        total=len(stored),
        query=query,
        sort=sort if sort in SORTS else "ingested",
        order=order,
        sorts=SORTS,
        results=results,
    )


@router.post(UPLOAD_PATH.removeprefix(PREFIX), response_class=HTMLResponse)
async def upload(
    request: Request,
    session: FormSessionDep,
    state: StateDep,
    knowledge_base: KnowledgeBaseDep,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
    url: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Ingest the uploaded files and the URL; show what happened to each."""
    words = console_words(request)
    chosen = [f for f in files if f.filename][:MAX_FILES]
    results: list[Outcome] = []
    directory = state.settings.data_dir / "uploads"
    limit = state.settings.max_file_bytes
    for upload in chosen:
        name = sanitise_filename(upload.filename or "upload")
        try:
            received = await receive_upload(upload, directory=directory, max_bytes=limit)
        except UploadTooLarge:
            too_large = words["too_large"].format(limit=describe_size(limit))
            results.append(Outcome(name, "failed", too_large))
            continue
        report = await run_in_threadpool(
            ingest_upload, knowledge_base, received=received, name=name, directory=directory
        )
        results.extend(_recorded(state, report, name))
    if url.strip():
        report = await run_in_threadpool(knowledge_base.ingest, [url.strip()])
        results.extend(_recorded(state, report, url.strip()))
    if not results:
        results.append(Outcome("", "failed", words["nothing_chosen"]))
    failed = all(result.kind == "failed" for result in results)
    return await _documents_page(
        request,
        session,
        knowledge_base,
        results=results,
        status_code=422 if failed else 200,
    )


def _recorded(state: StateDep, report: IngestReport, name: str) -> list[Outcome]:
    state.metrics.record_ingest(report)
    return outcomes(report, name)


@router.get("/document", response_class=HTMLResponse)
async def document(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    id: Annotated[str, Query(max_length=2000)],
) -> Response:
    """Show one document: metadata (editable), cleaned text and chunks."""
    return await _document_page(request, session, knowledge_base, id, results=None)


async def _document_page(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    doc_id: str,
    *,
    results: list[Outcome] | None,
    status_code: int = 200,
) -> Response:
    stored = await run_in_threadpool(knowledge_base.document, doc_id)
    if stored is None:
        return render(request, "missing.html", session=session, status_code=404, doc_id=doc_id)
    text = await run_in_threadpool(knowledge_base.document_text, doc_id) or ""
    chunks = await run_in_threadpool(knowledge_base.chunks_of, doc_id)
    editions = await run_in_threadpool(knowledge_base.editions)
    return render(
        request,
        "document.html",
        session=session,
        status_code=status_code,
        stored=stored,
        text=text,
        chunks=chunks,
        family=[d for d in editions.family(doc_id) if d != doc_id],
        results=results,
    )


@router.post("/document/edit", response_class=HTMLResponse)
async def edit(
    request: Request,
    session: FormSessionDep,
    knowledge_base: KnowledgeBaseDep,
    id: Annotated[str, Form(max_length=2000)],
    title: Annotated[str, Form(max_length=500)] = "",
    publisher: Annotated[str, Form(max_length=500)] = "",
    published: Annotated[str, Form(max_length=40)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    language: Annotated[str, Form(max_length=20)] = "",
    translation_of: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Save the edited metadata and re-index only this document."""
    doc_id = id
    changes = {
        "title": title,
        "publisher": publisher,
        "published": published,
        "url": url,
        "language": language,
        "translation_of": translation_of,
    }
    report = await run_in_threadpool(
        functools.partial(edit_metadata, knowledge_base, doc_id, changes)
    )
    results = outcomes(report, doc_id)
    failed = any(result.kind == "failed" for result in results)
    return await _document_page(
        request,
        session,
        knowledge_base,
        doc_id,
        results=results,
        status_code=422 if failed else 200,
    )


@router.get("/document/delete", response_class=HTMLResponse)
async def confirm_delete(
    request: Request,
    session: SessionDep,
    knowledge_base: KnowledgeBaseDep,
    id: Annotated[str, Query(max_length=2000)],
) -> Response:
    """Ask before deleting a document."""
    stored = await run_in_threadpool(knowledge_base.document, id)
    if stored is None:
        return render(request, "missing.html", session=session, status_code=404, doc_id=id)
    return render(request, "delete.html", session=session, stored=stored)


@router.post("/document/delete", response_class=HTMLResponse)
async def delete(
    request: Request,
    session: FormSessionDep,
    knowledge_base: KnowledgeBaseDep,
    id: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Delete a document from the index and go back to the list."""
    deleted = await run_in_threadpool(knowledge_base.delete, id)
    kind = "deleted" if deleted else "failed"
    words = console_words(request)
    detail = "" if deleted else words["missing"].format(id=id)
    return await _documents_page(
        request,
        session,
        knowledge_base,
        results=[Outcome(id, kind, detail)],
        status_code=200 if deleted else 404,
    )
