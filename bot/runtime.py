"""Building the long-lived parts (embedder, knowledge base) from Settings."""

from __future__ import annotations

import logging

from bot.settings import Settings
from retrieval.embedder import load_embedder
from retrieval.knowledge_base import KnowledgeBase

log = logging.getLogger(__name__)


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """Load the embedding model (building the bundled one on first use) and open the index."""
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir)
    return KnowledgeBase.open(settings.knowledge_base_config(), embedder)
