"""Staying within Telegram's flood limits."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

# Telegram asks for about one message a second in a chat; a short burst (the parts of a
# long answer) is tolerated, so the bucket holds a few messages.
CHAT_BURST = 3
CHAT_PERIOD_S = 3.0
MAX_RETRIES = 3
# Requests that do not post a message to the chat and so do not count against its limit.
_UNLIMITED_METHODS = frozenset({"sendChatAction", "answerCallbackQuery", "getFile"})

_Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class ChatRateLimiter(AIORateLimiter):
    """PTB's rate limiter (30/s overall, 20/min per group) plus a per-private-chat limit.

    On ``RetryAfter`` it waits as long as Telegram asks and retries, up to ``max_retries``.
    """

    __slots__ = ("_chat_limiters",)

    def __init__(self, max_retries: int = MAX_RETRIES) -> None:
        super().__init__(max_retries=max_retries)
        self._chat_limiters: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: _Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the private chat's share, then apply PTB's limits and retries."""
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and endpoint not in _UNLIMITED_METHODS:
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chat_limiters) > 1024:
            # Forget chats whose bucket has drained: they are idle and start afresh.
            for key, limiter in list(self._chat_limiters.items()):
                if limiter.has_capacity(CHAT_BURST):
                    del self._chat_limiters[key]
        if chat_id not in self._chat_limiters:
            self._chat_limiters[chat_id] = AsyncLimiter(CHAT_BURST, CHAT_PERIOD_S)
        return self._chat_limiters[chat_id]
