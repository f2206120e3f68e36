"""Dependencies handed to route functions (resources owned by the app's lifespan)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from retrieval.knowledge_base import KnowledgeBase


def get_knowledge_base(request: Request) -> KnowledgeBase:
    """Return the knowledge base opened by the lifespan."""
    knowledge_base: KnowledgeBase = request.app.state.knowledge_base
    return knowledge_base


KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
