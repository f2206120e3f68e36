"""Building the long-lived parts (embedder, knowledge base, store, answerer) from Settings."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.chat import AnswerSlots, Chats
from bot.question_batches import QuestionBatches
from bot.settings import Settings
from bot.store import AppStore

if TYPE_CHECKING:
    from bot.answering import AbstentionPolicy, Answerer, ChatClient
    from bot.answering.translation import Translator
    from bot.answering.warming import WarmingOn
    from retrieval.knowledge_base import KnowledgeBase

log = logging.getLogger(__name__)


def open_knowledge_base(
    settings: Settings,
    *,
    role: str = "cli",
    on_wait: Callable[[str], None] | None = None,
    repairing: bool = False,
    load_model: bool = True,
) -> KnowledgeBase:
    """Load the embedding model (building the bundled one on first use) and open the index.

    ``role`` says what this process is ("cli", "serve", "bot") to whoever has to wait for
    it; ``on_wait`` is told when we wait for another process (else a held store raises).
    Without ``load_model`` the model loads only if something is embedded (listing and
    checking documents embed nothing).
    """
    # The model stack and Chroma load here, not when a command module is imported.
    from retrieval.embedding import DeferredEmbedder, Embedder, check_model_name
    from retrieval.knowledge_base import KnowledgeBase

    def load() -> Embedder:
        from retrieval.embedder import load_embedder

        return load_embedder(
            settings.embedding_model,
            settings.model_cache_dir,
            backend=settings.embedding_backend,
            threads=_threads_per_answer(settings) if role != "cli" else None,
        )

    embedder: Embedder
    if load_model:
        embedder = load()
    else:
        check_model_name(settings.embedding_model)
        embedder = DeferredEmbedder(load)
    return KnowledgeBase.open(
        settings.knowledge_base_config(),
        embedder,
        role=role,
        on_wait=on_wait,
        repairing=repairing,
    )


def _threads_per_answer(settings: Settings) -> int:
    """Return the cores one answer's model pass may use when answers run side by side.

    Measured with bench/load_ask.py on 2 cores and 2 answer slots: one thread each
    serves a third more answers per second than two threads each.
    """
    return max(1, (os.cpu_count() or 1) // settings.max_concurrent_answers)


def abstention_policy(settings: Settings) -> AbstentionPolicy:
    """Return the abstention policy the settings choose, with the operator's thresholds."""
    from bot.answering.abstention import DEFAULT_MIN_MARGIN, AbstentionPolicy

    policy = AbstentionPolicy(
        mode=settings.abstention,
        threshold=settings.abstain_threshold,
        min_margin=settings.abstain_min_margin or DEFAULT_MIN_MARGIN,
    )
    if settings.abstention == "calibrated" and (
        settings.embedding_model != policy.model.embedding_model
    ):
        log.warning(
            "abstention was calibrated for the %r embedding model, not %r: refit it with "
            "`make calibrate` before trusting its refusals",
            policy.model.embedding_model,
            settings.embedding_model,
        )
    return policy


@dataclass
class Services:
    """Everything a channel needs, opened once and closed together."""

    settings: Settings
    knowledge_base: KnowledgeBase
    store: AppStore
    answerer: Answerer
    chats: Chats

    warming: WarmingOn | None = None

    def keep_warming(self) -> WarmingOn:
        """Go on embedding ahead what the warm-up had no time for (``close`` stops it)."""
        from bot.answering.warming import WarmingOn

        finder = self.answerer.finder
        self.warming = WarmingOn(self.knowledge_base, finder.vectors, finder.scorer.config)
        self.warming.start()
        return self.warming

    def close(self) -> None:
        """Stop warming, close the store and the knowledge base."""
        if self.warming is not None:
            self.warming.stop()
        self.store.close()
        self.knowledge_base.close()


@dataclass(frozen=True)
class AnswerParts:
    """What an answerer is made of besides the knowledge base, built from Settings."""

    chat_client: ChatClient | None
    translator: Translator | None
    policy: AbstentionPolicy

    def answerer(self, knowledge_base: KnowledgeBase, store: AppStore | None = None) -> Answerer:
        """Return the answerer over ``knowledge_base``; without a store nothing is recorded."""
        from bot.answering import Answerer

        return Answerer(
            knowledge_base,
            store=store,
            chat_client=self.chat_client,
            policy=self.policy,
            translator=self.translator,
        )


def answer_parts(settings: Settings) -> AnswerParts:
    """Build the LLM client (unless VNPOS_LLM_PROVIDER is "none"), translator and policy.

    Cheap, and first: a provider that does not exist is a setting to fix, said before
    the model loads.
    """
    from bot.answering import build_chat_client
    from bot.answering.translation import build_translator

    chat_client = None
    if settings.llm_provider != "none":
        chat_client = build_chat_client(settings)
        log.info("answers are written by %s and checked against the sources", chat_client.name)
    translator = build_translator(settings, chat_client)
    if translator is not None:
        log.info("quotes are machine-translated by %s, labelled and checked", translator.name)
    return AnswerParts(chat_client, translator, abstention_policy(settings))


def open_services(
    settings: Settings, *, role: str = "cli", on_wait: Callable[[str], None] | None = None
) -> Services:
    """Open the knowledge base, the app store (see ``Settings.app_database_url``), the answerer."""
    parts = answer_parts(settings)
    knowledge_base = open_knowledge_base(settings, role=role, on_wait=on_wait)
    try:
        store = AppStore(settings.app_database_url)
        answerer = parts.answerer(knowledge_base, store)
    except BaseException:
        knowledge_base.close()
        raise
    chats = Chats(
        answerer,
        slots=AnswerSlots(settings.max_concurrent_answers),
        batches=QuestionBatches(answerer.embed_questions_ahead),
    )
    return Services(settings, knowledge_base, store, answerer, chats)
