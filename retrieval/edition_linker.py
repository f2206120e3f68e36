"""Linking official editions at ingestion: the declared original, else the matching text.

A document declares ``translation_of``, or it is linked to the document in another
language whose text it matches: the mean of its chunk vectors is nearest that
document's, and the other way round (mutual nearest neighbours), with a cosine of at
least ``LINK_MIN``, lengths that can be a translation, publication dates at most a few
days apart and addresses on one site (en.vietnamplus.vn is vietnamplus.vn), when known.
The thresholds are set on MLQA's parallel contexts (``bench/editions.py`` prints the
figures); the Constitution's two editions are kept for testing them. Linked editions
are then aligned sentence by sentence; a found link stands only when most sentences of
the shorter text are paired, each pair clearly better than its other matches.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np

from retrieval.alignment import align, distinctness
from retrieval.chroma_store import ChromaStore
from retrieval.edition_store import EditionStore
from retrieval.editions import Edition, Pair
from retrieval.embedding import Embedder
from retrieval.registry import Registry
from retrieval.sentences import Sentence, split_sentences
from retrieval.types import DocumentMeta, SearchFilters

log = logging.getLogger(__name__)

LINK_MIN = 0.80
MIN_COVERAGE = 0.5
# With MIN_COVERAGE: keeps 95.6% of MLQA's parallel contexts (317 measured) and drops
# 68% of a context's English aligned with another paragraph of its article (259).
MIN_DISTINCTNESS = 0.005
# Without a declaration, an edition's original is the one in the sources' language.
SOURCE_LANGUAGE = "vi"
_NEAREST_CHUNKS = 20
_NEAREST_DOCUMENTS = 5
_MAX_DAYS_APART = 3
_MAX_LENGTH_RATIO = 3.0
_EDITION_PREFIXES = frozenset(
    {"www", "m", "en", "english", "fr", "french", "zh", "cn", "chinese", "ru", "russian",
     "es", "spanish", "de", "ja", "jp", "ko", "kr", "vi", "vn"}
)  # fmt: skip


class EditionLinker:
    """Links newly written documents to their originals or editions, and aligns them."""

    def __init__(
        self,
        *,
        registry: Registry,
        store: ChromaStore,
        embedder: Embedder,
        editions: EditionStore,
    ) -> None:
        self._registry = registry
        self._store = store
        self._embedder = embedder
        self._editions = editions
        self._vectors: dict[str, np.ndarray | None] = {}

    def link(self, documents: Sequence[DocumentMeta], warnings: list[str]) -> None:
        """Link each written document; problems with a declaration go to ``warnings``."""
        self._vectors = {}
        for meta in documents:
            self._editions.forget([meta.doc_id])
            # Its editions, declared or found before, are aligned again with its new text.
            for waiting in self._editions.editions_of(meta.doc_id):
                self._store_link(waiting.doc_id, meta.doc_id, waiting.how, waiting.similarity)
            if meta.translation_of:
                self._declared(meta, warnings)
            else:
                self._detect(meta)

    def _declared(self, meta: DocumentMeta, warnings: list[str]) -> None:
        target = str(meta.translation_of)
        if target == meta.doc_id:
            warnings.append(f"{meta.doc_id}: translation_of names the document itself; ignored")
            return
        if self._registry.get(target) is None:
            self._editions.put(Edition(meta.doc_id, target, "declared", None, ()))
            warnings.append(
                f"{meta.doc_id}: translation_of names {target!r}, which is not indexed; "
                "the editions are linked when it is ingested"
            )
            return
        original = self._editions.editions().root(target)
        if not self._store_link(meta.doc_id, original, "declared", None):
            warnings.append(
                f"{meta.doc_id}: no sentence of it matches {original!r} (translation_of); "
                "it is kept as a separate document"
            )

    def _detect(self, meta: DocumentMeta) -> None:
        if not self._registry.languages() - {meta.language}:
            return
        vector = self._doc_vector(meta.doc_id)
        if vector is None:
            return
        nearest = self._nearest(vector, SearchFilters(other_language=meta.language))
        if not nearest or nearest[0][1] < LINK_MIN:
            return
        other_id, similarity = nearest[0]
        other = self._registry.get(other_id)
        if other is None or not _plausible(meta, other.meta, self._registry):
            return
        back = self._nearest(self._doc_vector(other_id), SearchFilters(language=meta.language))
        if not back or back[0][0] != meta.doc_id:
            return
        editions = self._editions.editions()
        if editions.root(other_id) != other_id:
            original_id, edition_id = editions.root(other_id), meta.doc_id
            if _language(self._registry, original_id) == meta.language:
                return
        elif editions.family(other_id)[1:] or not _original_first(meta, other.meta):
            original_id, edition_id = other_id, meta.doc_id
        else:
            original_id, edition_id = meta.doc_id, other_id
        self._store_link(edition_id, original_id, "detected", round(similarity, 4))

    def _store_link(
        self, edition_id: str, original_id: str, how: str, similarity: float | None
    ) -> bool:
        """Align the two texts and store the link; return False when they do not align.

        A found link needs most sentences of the shorter text paired, each pair clearly
        better than its sentences' other matches: two articles on one event share some
        sentences' meaning, an edition shares nearly all, one to one.
        """
        pairs, coverage, distinct = self._alignment(edition_id, original_id)
        if how == "detected" and (coverage < MIN_COVERAGE or distinct < MIN_DISTINCTNESS):
            log.info(
                "%s is not an edition of %s: %.0f%% aligned, pairs %.3f above other matches",
                edition_id,
                original_id,
                coverage * 100,
                distinct,
            )
            return False
        if not pairs:
            if how == "declared":
                self._editions.put(Edition(edition_id, original_id, how, None, ()))
            return False
        self._editions.put(Edition(edition_id, original_id, how, similarity, tuple(pairs)))
        log.info("%s linked as the %s edition of %s", edition_id, how, original_id)
        return True

    def _alignment(self, edition_id: str, original_id: str) -> tuple[list[Pair], float, float]:
        """Return the aligned spans, the share of the shorter text paired, their distinctness."""
        edition_text = self._registry.text(edition_id) or ""
        original_text = self._registry.text(original_id) or ""
        edition = split_sentences(edition_id, edition_text)
        original = split_sentences(original_id, original_text)
        if not edition or not original:
            return [], 0.0, 0.0
        vectors = self._embedder.embed_passages([s.text for s in edition + original])
        source, target = vectors[: len(edition)], vectors[len(edition) :]
        beads = align(
            source,
            target,
            source_apart=_apart(edition_text, edition),
            target_apart=_apart(original_text, original),
        )
        paired = (
            sum(b.source[1] - b.source[0] for b in beads) / len(edition)
            if len(edition) <= len(original)
            else sum(b.target[1] - b.target[0] for b in beads) / len(original)
        )
        pairs = [
            (
                edition[b.source[0]].start,
                edition[b.source[1] - 1].end,
                original[b.target[0]].start,
                original[b.target[1] - 1].end,
            )
            for b in beads
        ]
        return pairs, paired, distinctness(beads, source, target)

    def _nearest(
        self, vector: np.ndarray | None, filters: SearchFilters
    ) -> list[tuple[str, float]]:
        """Return the documents nearest ``vector`` by their mean chunk vector, nearest first."""
        if vector is None:
            return []
        found: list[str] = []
        for chunk, _ in self._store.query(vector, n=_NEAREST_CHUNKS, filters=filters):
            if chunk.doc_id not in found:
                found.append(chunk.doc_id)
        scored = []
        for doc_id in found[:_NEAREST_DOCUMENTS]:
            other = self._doc_vector(doc_id)
            if other is not None:
                scored.append((doc_id, float(other @ vector)))
        return sorted(scored, key=lambda item: item[1], reverse=True)

    def _doc_vector(self, doc_id: str) -> np.ndarray | None:
        if doc_id not in self._vectors:
            fetched = self._store.fetch(self._registry.chunk_ids(doc_id))
            if not fetched:
                self._vectors[doc_id] = None
            else:
                mean = np.mean([vector for _, vector in fetched], axis=0)
                self._vectors[doc_id] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return self._vectors[doc_id]


def _plausible(first: DocumentMeta, second: DocumentMeta, registry: Registry) -> bool:
    """Return True when two documents' dates and lengths allow one to translate the other."""
    days_apart = (
        abs((first.published - second.published).days)
        if first.published is not None and second.published is not None
        else 0
    )
    if days_apart > _MAX_DAYS_APART:
        return False
    sites = {_site(m.url) for m in (first, second) if m.url}
    if len(sites) > 1:
        return False
    sizes = [_weight(registry.text(m.doc_id) or "") for m in (first, second)]
    return min(sizes) > 0 and max(sizes) / min(sizes) <= _MAX_LENGTH_RATIO


def _site(url: str) -> str:
    """Return the site of an address without its language or www prefix.

    Outlets put their editions on subdomains: en.vietnamplus.vn and vietnamplus.vn are
    one publisher, vnexpress.net another.
    """
    host = (urlsplit(url).hostname or "").lower()
    first, _, rest = host.partition(".")
    return rest if first in _EDITION_PREFIXES and "." in rest else host


def _weight(text: str) -> int:
    """Return a length comparable across scripts: a CJK character counts as a short word."""
    return sum(3 if ord(ch) >= 0x2E80 else 1 for ch in text if ch.isalnum())


def _original_first(new: DocumentMeta, indexed: DocumentMeta) -> bool:
    """Return True when the new document, not the indexed one, is the original."""
    if (new.language == SOURCE_LANGUAGE) != (indexed.language == SOURCE_LANGUAGE):
        return new.language == SOURCE_LANGUAGE
    if new.published and indexed.published and new.published != indexed.published:
        return new.published < indexed.published
    return False


def _language(registry: Registry, doc_id: str) -> str | None:
    stored = registry.get(doc_id)
    return stored.meta.language if stored else None


def _apart(text: str, sentences: Sequence[Sentence]) -> list[bool]:
    """Return, for each sentence but the last, whether a heading or caption follows it."""
    return [bool(text[a.end : b.start].strip()) for a, b in itertools.pairwise(sentences)]
