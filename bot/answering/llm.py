"""The LLM, through langchain: the only module that imports it.

Converts our prompt into langchain messages and langchain's replies and failures into
plain text and our ``LlmError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import SecretStr

from bot.answering.prompting import Prompt

if TYPE_CHECKING:
    from bot.settings import Settings


class LlmError(Exception):
    """The LLM gave no usable reply (unreachable, refused the request, malformed reply)."""


class LlmTimeout(LlmError):
    """The LLM did not finish within the configured time."""


class ChatClient:
    """Asks a langchain chat model for whole or streamed replies, within a time limit."""

    def __init__(self, model: BaseChatModel, *, timeout_s: float, name: str) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self.name = name

    def complete(self, prompt: Prompt) -> str:
        """Return the whole reply to ``prompt``.

        Raises:
            LlmTimeout: The model did not answer in time.
            LlmError: The model could not be reached or failed.
        """
        try:
            reply = self.model.invoke(_messages(prompt))
        except Exception as exc:
            raise _converted(exc) from exc
        return _text(reply.content)

    async def stream(self, prompt: Prompt) -> AsyncGenerator[str, None]:
        """Yield the reply to ``prompt`` in pieces as the model produces them.

        Raises:
            LlmTimeout: The whole reply took longer than the time limit.
            LlmError: The model could not be reached or failed.
        """
        try:
            async with asyncio.timeout(self.timeout_s):
                async for chunk in self.model.astream(_messages(prompt)):
                    piece = _text(chunk.content)
                    if piece:
                        yield piece
        except LlmError:
            raise
        except Exception as exc:
            raise _converted(exc) from exc


def build_chat_client(settings: Settings) -> ChatClient:
    """Return a client for the provider of ``settings`` (openai-compatible or ollama).

    Raises:
        LlmError: The provider is "none" or lacks a model name.
    """
    if settings.llm_provider == "none" or not settings.llm_model:
        raise LlmError(
            "VNPOS_LLM_PROVIDER must be openai or ollama with VNPOS_LLM_MODEL set; "
            f"got provider {settings.llm_provider!r} and model {settings.llm_model!r}"
        )
    timeout = settings.llm_timeout_s
    model: BaseChatModel
    if settings.llm_provider == "openai":
        from langchain_openai import ChatOpenAI

        # OpenAI-compatible servers without keys (vLLM, llama.cpp) still need a value.
        api_key = settings.llm_api_key or SecretStr("none")
        model = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=0,
            temperature=0,
        )
    else:
        from langchain_ollama import ChatOllama

        model = ChatOllama(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            client_kwargs={"timeout": timeout},
            temperature=0,
        )
    name = f"{settings.llm_provider}:{settings.llm_model}"
    return ChatClient(model, timeout_s=timeout, name=name)


def _messages(prompt: Prompt) -> list[BaseMessage]:
    return [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)]


def _text(content: object) -> str:
    """Return the text of a message's content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            block if isinstance(block, str) else str(block.get("text", ""))
            for block in content
            if isinstance(block, str | dict)
        )
    return ""


def _converted(exc: Exception) -> LlmError:
    """Return our error for a provider's exception (timeouts kept apart)."""
    timed_out = isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower()
    kind = LlmTimeout if timed_out else LlmError
    return kind(f"the LLM call failed: {type(exc).__name__}")
