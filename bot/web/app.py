"""The FastAPI application: its lifespan owns the model and the knowledge base."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.runtime import open_knowledge_base
from bot.settings import Settings
from bot.web.routes import search

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the model and store are loaded when it starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        knowledge_base = open_knowledge_base(settings)
        app.state.knowledge_base = knowledge_base
        log.info("knowledge base ready: %d chunks", knowledge_base.chunk_count())
        try:
            yield
        finally:
            knowledge_base.close()

    app = FastAPI(title="vnpos", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(search.router)
    return app
