"""Language-aware fusion of dense and keyword results.

Keyword matches are strong evidence when the question and the passage share a language
and weak otherwise (only names and numbers carry over), so the keyword bonus depends on
whether the question's language is the passage's. Dense similarity stays the backbone:
reciprocal-rank fusion lets a poor keyword ranking pull cross-lingual results down.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from retrieval.types import Chunk, SearchHit


@dataclass(frozen=True)
class FusionWeights:
    """How much a normalised keyword score adds to the cosine similarity."""

    same_language: float = 0.12
    cross_language: float = 0.03


DEFAULT_WEIGHTS = FusionWeights()


def fuse(
    *,
    dense: Mapping[str, float],
    keyword: Mapping[str, float],
    chunks: Mapping[str, Chunk],
    query_language: str,
    k: int,
    per_document: int,
    weights: FusionWeights = DEFAULT_WEIGHTS,
) -> list[SearchHit]:
    """Rank candidate chunks by cosine plus a language-aware keyword bonus.

    ``dense`` maps chunk ids to cosine similarity (every candidate must have one),
    ``keyword`` maps chunk ids to raw BM25 scores. At most ``per_document`` chunks of
    one document are returned.
    """
    top_keyword = max(keyword.values(), default=0.0)
    scored: list[SearchHit] = []
    for chunk_id, cosine in dense.items():
        chunk = chunks[chunk_id]
        normalised = keyword.get(chunk_id, 0.0) / top_keyword if top_keyword else 0.0
        weight = (
            weights.same_language
            if chunk.meta.language == query_language
            else weights.cross_language
        )
        score = min(1.0, max(0.0, cosine + weight * normalised))
        scored.append(SearchHit(chunk=chunk, score=score, dense=cosine, keyword=normalised))
    scored.sort(key=lambda hit: hit.score, reverse=True)
    taken: Counter[str] = Counter()
    hits: list[SearchHit] = []
    for hit in scored:
        if taken[hit.chunk.doc_id] >= per_document:
            continue
        taken[hit.chunk.doc_id] += 1
        hits.append(hit)
        if len(hits) == k:
            break
    return hits
