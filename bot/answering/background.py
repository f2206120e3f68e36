"""How similar a question is to the corpus in general, the yardstick for its best match.

E5 cosines are compressed and shift with the question's language and length: an English
question scores about 0.75 against any Vietnamese sentence, a Vietnamese one about 0.83.
Subtracting the question's mean similarity to the corpus's sentences leaves how much the
best sentence stands out. The mean of cosines is the cosine with the mean vector, so
only that vector is kept, rebuilt from a sample of sentences when the documents change.
The first one is built in the caller (the server's warm-up). Once the corpus outgrows
the sample, later ones are built in a thread, the previous vector serving meanwhile:
a rebuild lists every document, and no reader should wait for that.
"""

from __future__ import annotations

import hashlib
import logging
import threading

import numpy as np

from bot.answering.sentences import split_sentences
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase
from retrieval.types import StoredDocument

log = logging.getLogger(__name__)


class Background:
    """The mean passage vector of a sample of the knowledge base's sentences."""

    def __init__(
        self,
        knowledge_base: KnowledgeBase,
        vectors: SentenceVectors,
        *,
        max_documents: int = 60,
        sentences_per_document: int = 40,
    ) -> None:
        self.knowledge_base = knowledge_base
        self.vectors = vectors
        self.max_documents = max_documents
        self.sentences_per_document = sentences_per_document
        self._generation: int | None = None
        self._mean: np.ndarray | None = None
        self._lock = threading.Lock()
        self._rebuilding = False
        self._sampled_all = True

    def similarity(self, query_vector: np.ndarray) -> float:
        """Return the question's mean cosine with the corpus's sentences (0 when empty)."""
        mean = self._current()
        return float(mean @ query_vector) if mean is not None else 0.0

    def _current(self) -> np.ndarray | None:
        generation = self.knowledge_base.generation()
        with self._lock:
            stale = self._mean
            if generation == self._generation or (self._rebuilding and stale is not None):
                return stale
            in_thread = stale is not None and not self._sampled_all
            self._rebuilding = True
        if not in_thread:
            return self._rebuild(generation)
        threading.Thread(target=self._rebuild, args=(generation,), daemon=True).start()
        return stale

    def _rebuild(self, generation: int) -> np.ndarray | None:
        try:
            documents = self.knowledge_base.documents()
            mean = self._mean_of_sample(documents)
            with self._lock:
                self._generation, self._mean = generation, mean
                self._sampled_all = len(documents) <= self.max_documents
        except Exception:
            log.exception("could not rebuild the corpus background; keeping the previous one")
        finally:
            with self._lock:
                self._rebuilding = False
        return self._mean

    def _mean_of_sample(self, documents: list[StoredDocument]) -> np.ndarray | None:
        # Sampled by a hash of the id, the sample changes by a document or two per change,
        # so a rebuild embeds only their sentences (the others are cached).
        sample = sorted(documents, key=lambda d: _rank(d.meta.doc_id))[: self.max_documents]
        texts: list[str] = []
        for stored in sample:
            text = self.knowledge_base.document_text(stored.meta.doc_id) or ""
            sentences = split_sentences(stored.meta.doc_id, text)
            stride = max(1, len(sentences) // self.sentences_per_document)
            texts.extend(s.text for s in sentences[::stride])
        return self.vectors.passages(texts).mean(axis=0) if texts else None


def _rank(doc_id: str) -> bytes:
    return hashlib.blake2b(doc_id.encode(), digest_size=8).digest()
