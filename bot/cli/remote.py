"""Commands that hand their work to the server that owns the data dir, through its admin API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
import httpx

from bot.answering.models import AskRequest, AskResponse
from bot.local_server import LocalServer, find
from bot.settings import Settings
from retrieval.errors import VnposError
from retrieval.types import IngestReport

if TYPE_CHECKING:
    from retrieval.loaders import Source

_STARTUP_WAIT_S = 300
# Ingestion and reindexing run as long as the documents take; reads are quick.
_LONG = httpx.Timeout(10.0, read=None)
_SHORT = httpx.Timeout(30.0)


class RemoteError(VnposError):
    """The server refused or failed a request; the message is the server's own."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Remote:
    """A client of the local server's admin API, with the credential it left in the data dir."""

    def __init__(self, server: LocalServer) -> None:
        self.url = server.url
        self._client = httpx.Client(
            base_url=server.url,
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=_SHORT,
            trust_env=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def ingest(
        self, sources: list[Source], *, replace: bool, advance: Callable[[int], None] | None
    ) -> IngestReport:
        """Ingest ``sources`` (files of this machine) through the server."""
        body = {
            "sources": [
                {"location": s.location if s.is_url else s.origin, "root": _root(s)}
                for s in sources
            ],
            "replace": replace,
        }
        with self._call(
            "POST", "/api/admin/local/ingest", json=body, timeout=_LONG, stream=True
        ) as response:
            for line in response.iter_lines():
                event = json.loads(line)
                if "done" in event and advance:
                    advance(int(event["done"]))
                elif "error" in event:
                    raise RemoteError(str(event["error"]))
                elif "report" in event:
                    return _report(event["report"])
        raise RemoteError(f"the server at {self.url} ended the ingestion without a report")

    def get(self, path: str) -> Any:
        """Return the JSON of a GET request."""
        with self._call("GET", path) as response:
            return response.json()

    def post(self, path: str, **kwargs: Any) -> Any:
        """Return the JSON of a POST request (no time limit on the server's work)."""
        with self._call("POST", path, timeout=_LONG, **kwargs) as response:
            return response.json()

    def delete(self, doc_id: str) -> bool:
        """Delete a document; return False when the server has no such document."""
        try:
            with self._call("DELETE", f"/api/admin/documents/{doc_id}"):
                return True
        except RemoteError as exc:
            if exc.status == 404:
                return False
            raise

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer a question through the server (the model is already loaded there)."""
        payload = request.model_dump(exclude_none=True)
        with self._call("POST", "/api/ask", json=payload, timeout=_LONG) as response:
            return AskResponse.model_validate(response.json())

    @contextmanager
    def _call(
        self, method: str, path: str, *, stream: bool = False, **kwargs: Any
    ) -> Iterator[httpx.Response]:
        try:
            request = self._client.build_request(method, path, **kwargs)
            response = self._client.send(request, stream=stream)
        except httpx.HTTPError as exc:
            raise RemoteError(
                f"the server at {self.url} stopped answering ({type(exc).__name__})"
            ) from None
        try:
            if response.status_code >= 400:
                response.read()
                raise RemoteError(_detail(response), status=response.status_code)
            yield response
        finally:
            response.close()


def _root(source: Source) -> str | None:
    return str(source.root.resolve()) if source.root is not None else None


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return f"the server answered HTTP {response.status_code}"


def _report(data: dict[str, Any]) -> IngestReport:
    return IngestReport(
        added=list(data["added"]),
        updated=list(data["updated"]),
        skipped=list(data["skipped"]),
        failed=[(f["source"], f["reason"]) for f in data["failed"]],
        duplicates=[(d["doc_id"], d["original"]) for d in data.get("duplicates", [])],
        chunks=int(data["chunks"]),
        seconds=float(data["seconds"]),
        glossary_terms=int(data.get("glossary_terms", 0)),
        warnings=list(data.get("warnings", [])),
    )


def running_server(settings: Settings) -> Remote | None:
    """Return a client of the server that owns the data dir, once it is ready; else None.

    A server that reports a failed dependency is not used: the command then works on
    the data dir itself (the server does not hold the store in that state).
    """
    server = find(settings.data_dir)
    if server is None:
        return None
    deadline = time.monotonic() + _STARTUP_WAIT_S
    told = False
    while time.monotonic() < deadline:
        try:
            status = httpx.get(f"{server.url}/healthz", timeout=5, trust_env=False).json()
        except (httpx.HTTPError, ValueError):
            return None
        if status.get("status") == "ok":
            return Remote(server)
        if status.get("status") != "starting":
            return None
        if not told:
            click.echo(f"waiting for the server at {server.url} to finish starting ...", err=True)
            told = True
        time.sleep(1)
    raise RemoteError(f"the server at {server.url} did not finish starting")
