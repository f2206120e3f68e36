"""The knowledge base: loading, cleaning, dedup, chunking, embedding, Chroma and search.

Never imports ``bot``: the channels depend on this package, not the other way round.
"""

from typing import TYPE_CHECKING, Any

from retrieval.config import KnowledgeBaseConfig
from retrieval.errors import EmbeddingModelError, LoadError, StoreError, VnposError
from retrieval.types import (
    Chunk,
    Document,
    DocumentMeta,
    IngestReport,
    SearchFilters,
    SearchHit,
    StoredDocument,
)

if TYPE_CHECKING:
    from retrieval.knowledge_base import KnowledgeBase


def __getattr__(name: str) -> Any:
    # Chroma and the model stack load only when the knowledge base is used: a CLI that
    # prints help or an error starts at once.
    if name == "KnowledgeBase":
        from retrieval.knowledge_base import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(f"module 'retrieval' has no attribute {name!r}")


__all__ = [
    "Chunk",
    "Document",
    "DocumentMeta",
    "EmbeddingModelError",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeBaseConfig",
    "LoadError",
    "SearchFilters",
    "SearchHit",
    "StoreError",
    "StoredDocument",
    "VnposError",
]
