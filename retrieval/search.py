"""Language-aware fusion of dense and keyword results.

Dense similarity is the backbone: e5 ranks well across languages, while keyword matches
across languages are mostly accidents. Reciprocal-rank fusion lets such a poor keyword
ranking pull cross-lingual results down (measured on MLQA: en->vi recall@1 0.61 -> 0.32).
So a keyword match adds a small bonus only when a question meets a passage of its own
language, Vietnamese or English, and only to passages whose cosine is already close to
the best one: keywords break near-ties, they never overrule meaning. (In a Vietnamese
index English function words are rare, so they would weigh like names: an English query
is matched by its content words, see ``keyword_tokens.content_query``.) English questions
over MLQA's contexts in both languages find their paragraph first 0.794 -> 0.846 of the
time on the held-out split with English keywords counted. See bench/retrieval_mlqa.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from retrieval.types import Chunk, SearchHit

SearchMode = Literal["hybrid", "dense", "keyword"]


@dataclass(frozen=True)
class FusionWeights:
    """How much a normalised keyword score adds to the cosine similarity, and where."""

    same_language: float = 0.06
    cross_language: float = 0.0
    window: float = 0.1
    keyword_languages: frozenset[str] = frozenset({"vi", "en"})


@dataclass
class Candidates:
    """Everything both searches found for one query, before ranking.

    ``dense`` maps chunk ids to cosine similarity (every candidate has one); ``dense_ids``
    are the ones the vector search itself returned; ``keyword`` maps chunk ids to raw
    BM25 scores, and ``keyword_weight`` is the IDF of the query's tokens summed.
    """

    query_language: str
    chunks: dict[str, Chunk] = field(default_factory=dict)
    dense: dict[str, float] = field(default_factory=dict)
    dense_ids: set[str] = field(default_factory=set)
    keyword: dict[str, float] = field(default_factory=dict)
    keyword_weight: float = 0.0


DEFAULT_WEIGHTS = FusionWeights()


def _scored(candidates: Candidates, weights: FusionWeights, mode: SearchMode) -> list[SearchHit]:
    top_keyword = max(candidates.keyword.values(), default=0.0)
    best_dense = max((candidates.dense[i] for i in candidates.dense_ids), default=0.0)
    hits = []
    for chunk_id, cosine in candidates.dense.items():
        chunk = candidates.chunks[chunk_id]
        normalised = candidates.keyword.get(chunk_id, 0.0) / top_keyword if top_keyword else 0.0
        if mode == "dense":
            if chunk_id not in candidates.dense_ids:
                continue
            score = cosine
        elif mode == "keyword":
            if chunk_id not in candidates.keyword:
                continue
            score = normalised
        else:
            same = chunk.meta.language == candidates.query_language
            trusted = same and candidates.query_language in weights.keyword_languages
            weight = weights.same_language if trusted else weights.cross_language
            near_best = cosine >= best_dense - weights.window
            score = cosine + (weight * normalised if near_best else 0.0)
        raw = candidates.keyword.get(chunk_id, 0.0)
        held = min(1.0, raw / candidates.keyword_weight) if candidates.keyword_weight else 0.0
        hits.append(
            SearchHit(
                chunk=chunk,
                score=min(1.0, max(0.0, score)),
                dense=cosine,
                keyword=normalised,
                keyword_held=held,
            )
        )
    return hits


def fuse(
    candidates: Candidates,
    *,
    k: int,
    per_document: int,
    weights: FusionWeights = DEFAULT_WEIGHTS,
    mode: SearchMode = "hybrid",
    family: Callable[[str], str] = str,
) -> list[SearchHit]:
    """Rank candidates; at most ``per_document`` chunks of one document are returned.

    ``mode`` "dense" or "keyword" ranks by one side only (benchmarks and diagnosis);
    ``family`` maps a document to the one its editions share (the editions of one text
    count as one document).
    """
    scored = sorted(_scored(candidates, weights, mode), key=lambda hit: hit.score, reverse=True)
    taken: Counter[str] = Counter()
    hits: list[SearchHit] = []
    for hit in scored:
        document = family(hit.chunk.doc_id)
        if taken[document] >= per_document:
            continue
        taken[document] += 1
        hits.append(hit)
        if len(hits) == k:
            break
    return hits
