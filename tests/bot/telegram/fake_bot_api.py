"""A fake Telegram Bot API for tests: records calls, long-polls updates, serves files.

It checks what Telegram checks and the bot could get wrong: message length and HTML
markup (only Telegram's tags, balanced, every ``<``, ``>`` and ``&`` escaped).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

BOT_USERNAME = "VnposTestBot"
MAX_TEXT = 4096
# Parameters that are plain strings; all others arrive JSON-encoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "parse_mode",
        "callback_query_id",
        "file_id",
        "action",
        "url",
        "secret_token",
        "language_code",
        "caption",
    }
)
_TELEGRAM_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def visible_text(markup: str) -> str:
    """Return what a reader sees of Telegram HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def html_error(markup: str) -> str | None:
    """Return Telegram's complaint about ``markup``, or None when it would be accepted."""
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(markup):
        between = markup[position : match.start()]
        position = match.end()
        if problem := _text_error(between):
            return problem
        closing, name = match.group(1), match.group(2).lower()
        if name not in _TELEGRAM_TAGS:
            return f'Bad Request: can\'t parse entities: unsupported start tag "{name}"'
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f'Bad Request: can\'t parse entities: unmatched end tag "{name}"'
    if problem := _text_error(markup[position:]):
        return problem
    if stack:
        return f"Bad Request: can't parse entities: can't find end tag \"{stack[-1]}\""
    return None


def _text_error(text: str) -> str | None:
    if "<" in text or ">" in text:
        return "Bad Request: can't parse entities: unescaped < or >"
    if "&" in _ENTITY.sub("", text):
        return "Bad Request: can't parse entities: unescaped &"
    return None


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Call:
    """One request the bot made, as Telegram would have received it."""

    token: str
    method: str
    params: dict[str, Any]
    status: int
    at: float
    result: Any = None


class FakeBotApi:
    """The Bot API's behaviour that the bot relies on, keyed by bot token."""

    def __init__(self) -> None:
        self.url = ""
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._updates: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._failures: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
        self._files: dict[str, tuple[str, bytes]] = {}
        self._pages: dict[str, tuple[str, bytes]] = {}
        self.app = Starlette(
            routes=[
                Route("/healthz", self._health),
                Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download),
                Route("/pages/{name}", self._page),
            ]
        )

    # ---- what tests do -----------------------------------------------------------------

    def push(self, token: str, update: dict[str, Any]) -> int:
        """Queue an update for the bot with ``token``; return its update_id."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self._updates[token].append(update)
        return int(update["update_id"])

    def next_message_id(self) -> int:
        """Return a fresh message id (for messages the users send)."""
        with self._lock:
            return next(self._message_ids)

    def fail_next(self, method: str, *, retry_after: int, chat_id: int | None = None) -> None:
        """Answer the next call of ``method`` (to ``chat_id``) with 429 Too Many Requests."""
        with self._lock:
            self._failures[method].append((chat_id, retry_after))

    def add_file(self, content: bytes, *, name: str) -> tuple[str, str]:
        """Store a file users can send; return its file_id and file_unique_id."""
        with self._lock:
            number = next(self._file_ids)
        file_id = f"file-{number}"
        self._files[file_id] = (f"documents/file_{number}_{name}", content)
        return file_id, f"unique-{number}"

    def add_page(self, name: str, body: str, content_type: str = "text/html") -> str:
        """Serve a web page at ``/pages/NAME``; return its URL."""
        self._pages[name] = (content_type, body.encode())
        return f"{self.url}/pages/{name}"

    def calls_of(
        self, method: str, *, chat_id: int | None = None, since: int = 0, ok: bool = True
    ) -> list[Call]:
        """Return the calls of ``method`` (to one chat), from index ``since``, that succeeded."""
        with self._lock:
            calls = self.calls[since:]
        return [
            call
            for call in calls
            if call.method == method
            and (chat_id is None or call.params.get("chat_id") == chat_id)
            and (not ok or call.status == 200)
        ]

    async def wait_until(
        self, condition: Callable[[], Any], *, timeout: float = 30.0, what: str = "condition"
    ) -> Any:
        """Poll ``condition`` until it returns something truthy; return that."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := condition():
                return result
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"timed out after {timeout}s waiting for {what}; calls: "
            f"{[(c.method, c.params.get('chat_id')) for c in self.calls[-10:]]}"
        )

    # ---- the API -----------------------------------------------------------------------

    async def _health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def _method(self, request: Request) -> Response:
        token, method = request.path_params["token"], request.path_params["method"]
        form = await request.form() if request.method == "POST" else request.query_params
        params = {name: _decode(name, str(value)) for name, value in form.items()}
        if method == "getUpdates":
            updates = await self._get_updates(request, token, params)
            return JSONResponse({"ok": True, "result": updates})
        retry_after = self._take_failure(method, params.get("chat_id"))
        if retry_after is not None:
            return self._record(
                token,
                method,
                params,
                status=429,
                body={
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
            )
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            result: Any = True
        else:
            try:
                result = handler(token, params)
            except ValueError as exc:
                return self._record(
                    token,
                    method,
                    params,
                    status=400,
                    body={
                        "ok": False,
                        "error_code": 400,
                        "description": str(exc),
                    },
                )
        return self._record(token, method, params, status=200, body={"ok": True, "result": result})

    def _take_failure(self, method: str, chat_id: object) -> int | None:
        with self._lock:
            failures = self._failures[method]
            for i, (wanted_chat, retry_after) in enumerate(failures):
                if wanted_chat is None or wanted_chat == chat_id:
                    del failures[i]
                    return retry_after
        return None

    def _record(
        self, token: str, method: str, params: dict[str, Any], *, status: int, body: dict[str, Any]
    ) -> Response:
        call = Call(token, method, params, status, time.monotonic(), body.get("result"))
        with self._lock:
            self.calls.append(call)
        return JSONResponse(body, status_code=status)

    async def _get_updates(
        self, request: Request, token: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self._lock:
                queue = self._updates[token]
                queue[:] = [u for u in queue if u["update_id"] >= offset]
                if queue or time.monotonic() >= deadline:
                    return list(queue)
            # A bot that stopped polling hung up; answering it would only delay shutdown.
            if await request.is_disconnected():
                return []
            await asyncio.sleep(0.02)

    def _bot_user(self, token: str) -> dict[str, Any]:
        return {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "vnpos",
            "username": BOT_USERNAME,
        }

    def _message(
        self, token: str, params: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": message_id or self.next_message_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": self._bot_user(token),
            "text": visible_text(params.get("text", "")),
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    @staticmethod
    def _check_text(params: dict[str, Any]) -> None:
        text = params.get("text", "")
        if params.get("parse_mode") == "HTML" and (problem := html_error(text)):
            raise ValueError(problem)
        shown = visible_text(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise ValueError("Bad Request: message text is empty")
        if _utf16_length(shown) > MAX_TEXT:
            raise ValueError("Bad Request: message is too long")

    def _api_getMe(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_sendMessage(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check_text(params)
        return self._message(token, params)

    def _api_editMessageText(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        self._check_text(params)
        return self._message(token, params, int(params["message_id"]))

    def _api_editMessageReplyMarkup(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(token, params, int(params["message_id"]))

    def _api_getFile(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        if params["file_id"] not in self._files:
            raise ValueError("Bad Request: invalid file_id")
        path, content = self._files[params["file_id"]]
        return {
            "file_id": params["file_id"],
            "file_unique_id": params["file_id"],
            "file_size": len(content),
            "file_path": path,
        }

    async def _download(self, request: Request) -> Response:
        wanted = request.path_params["path"]
        for path, content in self._files.values():
            if path == wanted:
                return Response(content, media_type="application/octet-stream")
        return PlainTextResponse("Not Found", status_code=404)

    async def _page(self, request: Request) -> Response:
        content_type, body = self._pages[request.path_params["name"]]
        return Response(body, media_type=content_type)
