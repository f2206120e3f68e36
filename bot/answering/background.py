"""How similar a question is to the corpus in general, the yardstick for its best match.

E5 cosines are compressed and shift with the question's language and length: an English
question scores about 0.75 against any Vietnamese sentence, a Vietnamese one about 0.83.
Subtracting the question's mean similarity to the corpus's sentences leaves how much the
best sentence stands out. The mean of cosines is the cosine with the mean vector, so
only that vector is kept, rebuilt from a sample of sentences when the documents change.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np

from bot.answering.sentences import split_sentences
from bot.answering.vectors import SentenceVectors
from retrieval.knowledge_base import KnowledgeBase


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
        self._signature = ""
        self._mean: np.ndarray | None = None
        self._lock = threading.Lock()

    def similarity(self, query_vector: np.ndarray) -> float:
        """Return the question's mean cosine with the corpus's sentences (0 when empty)."""
        mean = self._current()
        return float(mean @ query_vector) if mean is not None else 0.0

    def _current(self) -> np.ndarray | None:
        documents = self.knowledge_base.documents()
        signature = hashlib.sha256(
            "\n".join(sorted(d.content_hash for d in documents)).encode()
        ).hexdigest()
        with self._lock:
            if signature == self._signature:
                return self._mean
        step = max(1, len(documents) // self.max_documents)
        texts: list[str] = []
        for stored in documents[::step]:
            text = self.knowledge_base.document_text(stored.meta.doc_id) or ""
            sentences = split_sentences(stored.meta.doc_id, text)
            stride = max(1, len(sentences) // self.sentences_per_document)
            texts.extend(s.text for s in sentences[::stride])
        mean = self.vectors.passages(texts).mean(axis=0) if texts else None
        with self._lock:
            self._signature, self._mean = signature, mean
        return mean
