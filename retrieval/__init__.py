"""The knowledge base: loading, cleaning, dedup, chunking, embedding, Chroma and search.

Never imports ``bot``: the channels depend on this package, not the other way round.
"""

from retrieval.errors import EmbeddingModelError, LoadError, StoreError, VnposError
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from retrieval.types import (
    Chunk,
    Document,
    DocumentMeta,
    IngestReport,
    SearchFilters,
    SearchHit,
    StoredDocument,
)

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
