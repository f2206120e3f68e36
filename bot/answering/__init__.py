"""Answering questions from the sources: quotes, citations, abstention and an optional LLM.

The pipeline and its model stack are imported when first used, so that a command line
that only prints help or an error does not load them.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bot.answering.models import AskRequest, AskResponse, Citation, StreamEvent

if TYPE_CHECKING:
    from bot.answering.abstention import AbstentionPolicy
    from bot.answering.evidence import EvidenceConfig
    from bot.answering.llm import ChatClient, LlmError, build_chat_client
    from bot.answering.pipeline import Answerer

_LAZY = {
    "AbstentionPolicy": "bot.answering.abstention",
    "Answerer": "bot.answering.pipeline",
    "ChatClient": "bot.answering.llm",
    "EvidenceConfig": "bot.answering.evidence",
    "LlmError": "bot.answering.llm",
    "build_chat_client": "bot.answering.llm",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bot.answering' has no attribute {name!r}")


__all__ = [
    "AbstentionPolicy",
    "Answerer",
    "AskRequest",
    "AskResponse",
    "ChatClient",
    "Citation",
    "EvidenceConfig",
    "LlmError",
    "StreamEvent",
    "build_chat_client",
]
