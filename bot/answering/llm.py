"""The LLM, through langchain: the only module that imports it.

Converts our prompt into langchain messages and langchain's replies and failures into
plain text and our ``LlmError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import SecretStr

from bot.answering.prompting import Prompt
from retrieval.errors import ConfigurationError, VnposError

if TYPE_CHECKING:
    from bot.settings import Settings


class LlmError(VnposError):
    """The LLM gave no usable reply (unreachable, refused the request, malformed reply)."""


class LlmSettingsError(LlmError, ConfigurationError):
    """The settings name no provider that exists, or no model."""


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


PLUGIN_GROUP = "vnpos.llm"
ChatModelFactory = Callable[["Settings"], BaseChatModel]
# Provider name (VNPOS_LLM_PROVIDER) -> what builds its langchain chat model from Settings.
LLM_PROVIDERS: dict[str, ChatModelFactory] = {}


def llm_provider(name: str) -> Callable[[ChatModelFactory], ChatModelFactory]:
    """Register a chat model factory under ``name``: ``@llm_provider("mine")``."""

    def register(factory: ChatModelFactory) -> ChatModelFactory:
        LLM_PROVIDERS[name] = factory
        return factory

    return register


@llm_provider("openai")
def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    # OpenAI-compatible servers without keys (vLLM, llama.cpp) still need a value.
    return ChatOpenAI(
        model=settings.llm_model or "",
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or SecretStr("none"),
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0,
    )


@llm_provider("ollama")
def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.llm_model or "",
        base_url=settings.llm_base_url,
        client_kwargs={"timeout": settings.llm_timeout_s},
        temperature=0,
    )


def build_chat_client(settings: Settings) -> ChatClient:
    """Return a client for the registered provider named by ``settings``.

    Raises:
        LlmError: The provider is "none" or unknown, or no model name is set.
    """
    if settings.llm_provider not in LLM_PROVIDERS:
        _load_plugins()
    factory = LLM_PROVIDERS.get(settings.llm_provider)
    if factory is None or not settings.llm_model:
        known = ", ".join(sorted(LLM_PROVIDERS))
        raise LlmSettingsError(
            f"VNPOS_LLM_PROVIDER must be one of {known} with VNPOS_LLM_MODEL set; "
            f"got provider {settings.llm_provider!r} and model {settings.llm_model!r}"
        )
    name = f"{settings.llm_provider}:{settings.llm_model}"
    return ChatClient(factory(settings), timeout_s=settings.llm_timeout_s, name=name)


def _load_plugins() -> None:
    """Import the installed packages that declare providers (entry points ``vnpos.llm``)."""
    for entry_point in entry_points(group=PLUGIN_GROUP):
        entry_point.load()


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
