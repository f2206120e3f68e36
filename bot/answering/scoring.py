"""Scoring the sentences around retrieved chunks as answers to a question.

Each sentence near a retrieved chunk is scored by its similarity to the question (alone,
after the sentence before it, or by its best clause, since E5 blurs long sentences), plus
the retrieval score of its chunk, whether it holds the kind of answer asked for, shared
keywords, and whether it is written in the asker's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.answering.question_types import expected_types, type_match
from bot.answering.sentences import Sentence, is_quotable, split_sentences
from bot.answering.vectors import SentenceVectors
from bot.answering.yardstick import Offsets
from retrieval.keyword_tokens import tokenize
from retrieval.knowledge_base import KnowledgeBase
from retrieval.types import DocumentMeta, SearchHit

_CLAUSE_BREAK = re.compile(r"(?<=[:;])\s+")


@dataclass(frozen=True)
class ScoringConfig:
    """Which sentences are considered and how their scores are weighed.

    The weights were tried on the MLQA train split (python bench/scoring_weights.py prints
    how often the quotes, and the first quote, hold the gold answer for a grid of them).
    """

    context_chars: int = 1500
    outside_chunk_penalty: float = 0.03
    clause_min_sentence: int = 150
    clause_min_chars: int = 40
    prior_weight: float = 0.5
    type_weight: float = 0.03
    lexical_weight: float = 0.05
    same_language_weight: float = 0.02
    refine: int = 16


@dataclass(frozen=True)
class Candidate:
    """A sentence considered as a quote.

    ``plain`` is the cosine of the sentence alone, ``similarity`` the best cosine of the
    sentence, its clauses or it after its predecessor, ``score`` the ranking score;
    ``inside`` tells whether a retrieved chunk contains the sentence.
    """

    sentence: Sentence
    meta: DocumentMeta
    inside: bool
    plain: float
    similarity: float
    score: float


@dataclass
class _Entry:
    sentence: Sentence
    previous: Sentence | None
    meta: DocumentMeta
    prior: float
    inside: bool


class SentenceScorer:
    """Ranks the sentences around retrieved chunks for one question."""

    def __init__(
        self,
        knowledge_base: KnowledgeBase,
        vectors: SentenceVectors,
        config: ScoringConfig | None = None,
    ) -> None:
        self.knowledge_base = knowledge_base
        self.vectors = vectors
        self.config = config or ScoringConfig()

    def rank(
        self,
        question: str,
        question_vector: np.ndarray,
        *,
        language: str,
        hits: Sequence[SearchHit],
        offsets: Offsets | None = None,
    ) -> list[Candidate]:
        """Return the candidate sentences, best first.

        ``offsets`` (the question's cosine with text in general, per language) are taken
        off the scores, so that sentences of different languages compete fairly.
        """
        offsets = offsets or Offsets()
        entries = self._gather(hits)
        if not entries:
            return []
        lexical = _lexical_overlap(question, [e.sentence.text for e in entries])
        kinds = expected_types(question)
        config = self.config
        # Shared words count in the question's language only: across languages the shared
        # words are names, which the topical sentences repeat and the answer often lacks
        # (MLQA train, English questions: answer in the quotes 67.1% with, 69.6% without).
        bonus = [
            config.prior_weight * entry.prior
            + config.type_weight * type_match(kinds, entry.sentence.text, question=question)
            + config.lexical_weight * overlap * (entry.meta.language == language)
            + config.same_language_weight * (entry.meta.language == language)
            - offsets(entry.meta.language)
            for entry, overlap in zip(entries, lexical, strict=True)
        ]
        plain = self.vectors.passages([e.sentence.text for e in entries]) @ question_vector
        # Only the front runners are worth embedding again with context and by clause.
        order = np.argsort(-(plain + np.asarray(bonus)))[: config.refine]
        best = plain.copy()
        for index, similarity in zip(
            order,
            self._variant_similarities(question_vector, [entries[i] for i in order]),
            strict=True,
        ):
            best[index] = max(best[index], similarity)
        ranked = [
            Candidate(
                entry.sentence,
                entry.meta,
                entry.inside,
                float(alone),
                float(top),
                float(top + extra),
            )
            for entry, alone, top, extra in zip(entries, plain, best, bonus, strict=True)
        ]
        ranked.sort(key=lambda c: c.score, reverse=True)
        return ranked

    def _gather(self, hits: Sequence[SearchHit]) -> list[_Entry]:
        """Collect the sentences within ``context_chars`` of each hit, with their priors."""
        best_hit: dict[str, float] = {}
        for hit in hits:
            best_hit[hit.chunk.doc_id] = max(best_hit.get(hit.chunk.doc_id, 0.0), hit.score)
        pool: dict[tuple[str, int], _Entry] = {}
        reach = self.config.context_chars
        for hit in hits:
            chunk = hit.chunk
            text = self.knowledge_base.document_text(chunk.doc_id) or ""
            sentences = split_sentences(chunk.doc_id, text)
            for i, sentence in enumerate(sentences):
                if sentence.end <= chunk.start - reach or sentence.start >= chunk.end + reach:
                    continue
                if not is_quotable(sentence.text):
                    continue
                inside = sentence.start < chunk.end and sentence.end > chunk.start
                # A sentence outside every hit still belongs to a relevant document.
                prior = (
                    hit.score
                    if inside
                    else (best_hit[chunk.doc_id] - self.config.outside_chunk_penalty)
                )
                key = (chunk.doc_id, sentence.start)
                known = pool.get(key)
                if known is None or known.prior < prior:
                    previous = sentences[i - 1] if i else None
                    pool[key] = _Entry(
                        sentence,
                        previous,
                        chunk.meta,
                        prior,
                        inside or (known is not None and known.inside),
                    )
                elif inside:
                    known.inside = True
        return list(pool.values())

    def _variant_similarities(
        self, question_vector: np.ndarray, entries: Sequence[_Entry]
    ) -> np.ndarray:
        """Return each sentence's best cosine after its predecessor or by its clauses."""
        texts: list[str] = []
        owners: list[int] = []
        for index, entry in enumerate(entries):
            variants = _variants(entry.sentence, entry.previous, self.config)
            texts.extend(variants)
            owners.extend([index] * len(variants))
        best = np.full(len(entries), -1.0)
        if texts:
            cosines = self.vectors.passages(texts) @ question_vector
            np.maximum.at(best, np.asarray(owners), cosines)
        return best


def quotable_texts(doc_id: str, text: str, config: ScoringConfig | None = None) -> list[str]:
    """Return every text of a document that ranking may embed: sentences, pairs, clauses.

    Embedding them ahead (a warm-up) leaves only the question to embed per answer.
    """
    config = config or ScoringConfig()
    sentences = split_sentences(doc_id, text)
    texts: list[str] = []
    for i, sentence in enumerate(sentences):
        if is_quotable(sentence.text):
            texts.append(sentence.text)
            texts.extend(_variants(sentence, sentences[i - 1] if i else None, config))
    return texts


def _variants(sentence: Sentence, previous: Sentence | None, config: ScoringConfig) -> list[str]:
    """Return the sentence after its predecessor, and its clauses when it is long."""
    found = [f"{previous.text} {sentence.text}"] if previous is not None else []
    if len(sentence.text) >= config.clause_min_sentence:
        clauses = _CLAUSE_BREAK.split(sentence.text)
        found += [c for c in clauses if len(c) >= config.clause_min_chars]
    return found


@lru_cache(maxsize=16384)
def _tokens(text: str) -> frozenset[str]:
    # Cached: every answer tokenises the same candidate sentences again.
    return frozenset(tokenize(text))


def _lexical_overlap(question: str, sentences: Sequence[str]) -> list[float]:
    """Return each sentence's IDF-weighted share of the question's keyword tokens."""
    wanted = set(tokenize(question))
    token_sets = [_tokens(text) & wanted for text in sentences]
    count = len(token_sets)
    weights = {
        token: math.log((count + 1) / (frequency + 0.5))
        for token in wanted
        if (frequency := sum(token in tokens for tokens in token_sets))
    }
    # fsum: a sum over a set must not depend on its order (the hash seed), or two runs
    # could rank near-ties differently.
    total = math.fsum(weights.values())
    if not total:
        return [0.0] * count
    return [math.fsum(weights[t] for t in tokens) / total for tokens in token_sets]
