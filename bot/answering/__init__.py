"""Answering questions from the sources: quotes, citations, abstention and an optional LLM."""

from bot.answering.abstention import AbstentionPolicy
from bot.answering.evidence import EvidenceConfig
from bot.answering.llm import ChatClient, LlmError, build_chat_client
from bot.answering.models import AskRequest, AskResponse, Citation, StreamEvent
from bot.answering.pipeline import Answerer

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
