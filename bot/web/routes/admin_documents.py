"""Admin API: add, list, delete and reindex documents."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.uploads import (
    UploadTooLarge,
    ingest_upload,
    receive_upload,
    sanitise_filename,
    text_doc_id,
)
from bot.web.admin_schemas import (
    DeletedDocument,
    DocumentList,
    DocumentPublic,
    IngestResult,
    TextDocumentCreate,
    UrlDocumentCreate,
)
from bot.web.deps import AdminDep, KnowledgeBaseDep, StateDep
from bot.web.errors import error_responses
from retrieval.errors import LoadError
from retrieval.ingestion import prepare_text
from retrieval.knowledge_base import KnowledgeBase
from retrieval.sizes import describe_size
from retrieval.types import IngestReport

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[AdminDep],
    responses=error_responses(401, 403, 413, 422, 503),
)

DOCUMENTS_PATH = "/api/admin/documents"
_JsonDocument = TypeAdapter(UrlDocumentCreate | TextDocumentCreate)
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/UrlDocumentCreate"},
                        {"$ref": "#/components/schemas/TextDocumentCreate"},
                    ]
                }
            },
        },
    }
}


@router.post(
    "/documents",
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    responses={200: {"model": IngestResult, "description": "Unchanged or updated"}},
)
async def add_document(
    request: Request,
    response: Response,
    state: StateDep,
    knowledge_base: KnowledgeBaseDep,
    replace: Annotated[
        bool, Query(description="Let this document take an id that another source holds")
    ] = False,
) -> IngestResult:
    """Ingest an uploaded file (multipart ``file``), a URL (``{"url"}``) or raw text.

    A document whose id is held by a different source is refused (422) unless
    ``replace`` is set; one whose text exactly equals another's is reported in
    ``duplicates`` and not indexed.
    """
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        report = await _ingest_file(
            request,
            state.settings.data_dir / "uploads",
            max_bytes=state.settings.max_file_bytes,
            knowledge_base=knowledge_base,
            replace=replace,
        )
    else:
        report = await _ingest_json(request, knowledge_base, replace=replace)
    state.metrics.record_ingest(report)
    if report.failed:
        raise HTTPException(status_code=422, detail=report.failed[0][1])
    if not report.added:
        response.status_code = 200
    return IngestResult.from_report(report)


async def _ingest_file(
    request: Request,
    directory: Path,
    *,
    max_bytes: int,
    knowledge_base: KnowledgeBase,
    replace: bool,
) -> IngestReport:
    try:
        form = await request.form(max_files=1, max_fields=4)
    except StarletteHTTPException as exc:
        # Starlette answers 400 for a malformed multipart body; the API promises 422.
        raise HTTPException(
            status_code=422, detail=f"The multipart body could not be read: {exc.detail}"
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(
                status_code=422, detail="Expected a file in the multipart field 'file'."
            )
        name = sanitise_filename(upload.filename or "upload")
        received = await receive_upload(upload, directory=directory, max_bytes=max_bytes)
    except UploadTooLarge:
        raise HTTPException(
            status_code=413, detail=f"{name} is over the {describe_size(max_bytes)} upload limit."
        ) from None
    finally:
        await form.close()
    return await run_in_threadpool(
        ingest_upload,
        knowledge_base,
        received=received,
        name=name,
        directory=directory,
        replace=replace,
    )


async def _ingest_json(
    request: Request, knowledge_base: KnowledgeBase, *, replace: bool
) -> IngestReport:
    try:
        document = _JsonDocument.validate_json(await request.body())
    except ValidationError as exc:
        errors = [
            {**error, "loc": ("body", *error["loc"])}
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise RequestValidationError(errors) from None
    if isinstance(document, UrlDocumentCreate):
        return await run_in_threadpool(
            functools.partial(knowledge_base.ingest, [document.url], replace=replace)
        )
    doc_id = text_doc_id(title=document.title, url=document.url, text=document.text)
    try:
        prepared = await run_in_threadpool(
            prepare_text,
            document.text,
            doc_id=doc_id,
            title=document.title,
            publisher=document.publisher,
            published=document.published,
            url=document.url,
            language=document.language,
            translation_of=document.translation_of,
        )
    except LoadError as exc:
        return IngestReport(failed=[(doc_id, exc.args[0])])
    return await run_in_threadpool(
        functools.partial(knowledge_base.ingest_prepared, prepared, replace=replace)
    )


@router.get("/documents")
async def list_documents(knowledge_base: KnowledgeBaseDep) -> DocumentList:
    """List every indexed document, most recently ingested first."""
    stored = await run_in_threadpool(knowledge_base.documents)
    return DocumentList(documents=[DocumentPublic.from_stored(s) for s in stored])


@router.delete("/documents/{doc_id:path}", responses=error_responses(404))
async def delete_document(doc_id: str, knowledge_base: KnowledgeBaseDep) -> DeletedDocument:
    """Remove a document (ids may contain "/") from the index."""
    if not await run_in_threadpool(knowledge_base.delete, doc_id):
        raise HTTPException(
            status_code=404,
            detail=f"No document has the id {doc_id!r}; GET {DOCUMENTS_PATH} lists them.",
        )
    return DeletedDocument(deleted=doc_id)


@router.post("/reindex")
async def reindex(knowledge_base: KnowledgeBaseDep) -> IngestResult:
    """Re-chunk and re-embed every document from its stored text."""
    report = await run_in_threadpool(knowledge_base.reindex)
    return IngestResult.from_report(report)
