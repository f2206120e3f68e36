"""What the sources offer for a question: the quotes to cite and how strong they are.

Retrieval returns chunks; a reader needs the one or two sentences that hold the answer.
The best-scored sentences, each joined with adjacent sentences ranked near the top,
become the quotes, one paragraph each (``paragraphs``). The evidence also records what
the abstention test needs: which of the question's numbers and codes the quotes
contain, and how far the best sentence stands above the question's similarity to the
corpus in general.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answering.background import Background
from bot.answering.paragraphs import by_paragraph
from bot.answering.scoring import Candidate, ScoringConfig, SentenceScorer
from bot.answering.sentences import leans_on_previous, split_sentences
from bot.answering.signals import Signals, measure
from bot.answering.terms import covered, key_terms
from bot.answering.vectors import SentenceVectors
from bot.answering.yardstick import Offsets, Yardstick
from retrieval.knowledge_base import KnowledgeBase
from retrieval.types import NO_FILTERS, DocumentMeta, SearchFilters


@dataclass(frozen=True)
class EvidenceConfig:
    """How many chunks are retrieved and how many quotes are taken."""

    hits: int = 8
    max_passages: int = 3
    merge_rank: int = 6
    paragraph_merge_drop: float = 0.02
    max_score_drop: float = 0.06
    covering_rank: int = 20
    scoring: ScoringConfig = field(default_factory=ScoringConfig)


@dataclass(frozen=True)
class EditionQuote:
    """The sentences of an official edition that translate a quote, verbatim."""

    meta: DocumentMeta
    text: str


@dataclass(frozen=True)
class Passage:
    """A verbatim quote: one sentence or adjacent sentences of one document.

    ``edition`` is the same passage in the reader's language, from an official edition.
    """

    meta: DocumentMeta
    start: int
    end: int
    text: str
    score: float
    similarity: float
    edition: EditionQuote | None = None


@dataclass(frozen=True)
class Evidence:
    """The chosen quotes for a question and the measures of their strength.

    ``best_similarity`` is the highest cosine of a quoted sentence with the question and
    ``baseline`` the question's mean cosine with the corpus's sentences.
    """

    question: str
    language: str
    passages: tuple[Passage, ...]
    key_terms: frozenset[str]
    covered_terms: frozenset[str]
    best_similarity: float
    baseline: float
    nearest_titles: tuple[str, ...]
    signals: Signals | None = None

    @property
    def margin(self) -> float:
        """Return how far the best sentence stands above the corpus in general."""
        return self.best_similarity - self.baseline

    @property
    def missing_terms(self) -> frozenset[str]:
        """Return the question's numbers and codes that no quote or its context contains."""
        return self.key_terms - self.covered_terms


class EvidenceFinder:
    """Finds evidence for questions in one knowledge base."""

    def __init__(
        self,
        knowledge_base: KnowledgeBase,
        vectors: SentenceVectors,
        config: EvidenceConfig | None = None,
        *,
        yardstick: Yardstick | None = None,
    ) -> None:
        config = config or EvidenceConfig()
        self.yardstick = yardstick
        self.knowledge_base = knowledge_base
        self.vectors = vectors
        self.config = config
        self.scorer = SentenceScorer(knowledge_base, vectors, config.scoring)
        self.background = Background(knowledge_base, vectors)

    def find(
        self, question: str, *, language: str, filters: SearchFilters = NO_FILTERS
    ) -> Evidence:
        """Return the evidence the knowledge base holds for ``question``."""
        query = self.vectors.queries([question])[0]
        hits = self.knowledge_base.search(
            question, k=self.config.hits, language=language, query_vector=query, filters=filters
        )
        titles = tuple(dict.fromkeys(hit.chunk.meta.title for hit in hits))
        terms = key_terms(question)
        offsets = self.yardstick.offsets(query) if self.yardstick else Offsets()
        ranked = self.scorer.rank(question, query, language=language, hits=hits, offsets=offsets)
        if not ranked:
            return Evidence(question, language, (), terms, frozenset(), 0.0, 0.0, titles)
        baseline = self.background.similarity(query)
        quoted = self._passages(self._covering_first(ranked, terms))
        # The strength of the evidence is measured on the sentences taken together; the
        # reader gets them one paragraph per quote (see ``by_paragraph``).
        passages = tuple(passage for passage, _ in quoted)
        context = " ".join(self._context(p) for p in passages)
        covered_terms = covered(terms, context)
        best_title = max(passages, key=lambda p: p.similarity).meta.title
        title = float(self.vectors.passages([best_title])[0] @ query) if best_title else 0.0
        return Evidence(
            question=question,
            language=language,
            passages=tuple(
                piece for passage, group in quoted for piece in by_paragraph(passage, group)
            ),
            key_terms=terms,
            covered_terms=covered_terms,
            best_similarity=max(p.similarity for p in passages),
            baseline=baseline,
            nearest_titles=titles,
            signals=measure(
                question,
                language=language,
                hits=hits,
                ranked=ranked,
                passages=passages,
                terms=(len(terms), len(covered_terms)),
                offsets=offsets,
                title=title,
            ),
        )

    def _covering_first(self, ranked: list[Candidate], terms: frozenset[str]) -> list[Candidate]:
        """Put first the best candidate whose context holds all the question's key terms.

        A sentence about 2024 in the asker's language can outscore the translation-only
        match about 2021 that was asked for; the quotes must hold the year asked about.
        """
        if not terms:
            return ranked
        for index, candidate in enumerate(ranked[: self.config.covering_rank]):
            if covered(terms, self._candidate_context(candidate)) == terms:
                return [candidate, *ranked[:index], *ranked[index + 1 :]]
        return ranked

    def _passages(self, ranked: list[Candidate]) -> list[tuple[Passage, list[Candidate]]]:
        """Take the best sentences, each joined with adjacent sentences ranked near the top.

        A quote that opens with a pronoun ("He is...") takes the sentence it refers to.
        Each passage comes with the candidates it joins, the best first.
        """
        config = self.config
        top = ranked[: config.merge_rank]
        used: set[tuple[str, int]] = set()
        passages: list[tuple[Passage, list[Candidate]]] = []
        for candidate in ranked:
            if len(passages) == config.max_passages:
                break
            if passages and candidate.score < passages[0][0].score - config.max_score_drop:
                break
            if _key(candidate) in used:
                continue
            text = self._text(candidate.meta.doc_id)
            group = [candidate] + [
                other
                for other in top
                if other is not candidate
                and _key(other) not in used
                and _adjacent(candidate, other, text, config.paragraph_merge_drop)
            ]
            used.update(_key(c) for c in group)
            start = self._referent_start(
                candidate.meta.doc_id, text, min(c.sentence.start for c in group)
            )
            end = max(c.sentence.end for c in group)
            passage = Passage(
                candidate.meta,
                start,
                end,
                text[start:end],
                candidate.score,
                max(c.plain for c in group),
            )
            passages.append((passage, group))
        return passages

    def _referent_start(self, doc_id: str, text: str, start: int) -> int:
        """Return where the quote starting at ``start`` must start to name its subject."""
        sentences = split_sentences(doc_id, text)
        index = next((i for i, s in enumerate(sentences) if s.start == start), None)
        if index is None or index == 0 or not leans_on_previous(sentences[index].text):
            return start
        previous = sentences[index - 1]
        # Only a neighbour in the same paragraph: across a break is another subject.
        same_paragraph = "\n" not in text[previous.end : start]
        return previous.start if same_paragraph else start

    def _context(self, passage: Passage) -> str:
        """Return a quote with the sentences beside it, its title and date (term coverage)."""
        return self._span_context(passage.meta, passage.start, passage.end)

    def _candidate_context(self, candidate: Candidate) -> str:
        sentence = candidate.sentence
        return self._span_context(candidate.meta, sentence.start, sentence.end)

    def _span_context(self, meta: DocumentMeta, start: int, end: int) -> str:
        sentences = split_sentences(meta.doc_id, self._text(meta.doc_id))
        inside = [i for i, s in enumerate(sentences) if s.start < end and s.end > start]
        near = sentences[max(0, inside[0] - 1) : inside[-1] + 2] if inside else []
        published = meta.published.isoformat() if meta.published else ""
        return " ".join([meta.title, published, *(s.text for s in near)])

    def _text(self, doc_id: str) -> str:
        return self.knowledge_base.document_text(doc_id) or ""


def _key(candidate: Candidate) -> tuple[str, int]:
    return candidate.sentence.doc_id, candidate.sentence.start


def _adjacent(first: Candidate, second: Candidate, text: str, paragraph_drop: float) -> bool:
    """Return True if ``second`` directly precedes or follows ``first`` in its document.

    Across a paragraph break (a title, a caption, another speaker) only a neighbour that
    scores nearly as well as ``first`` joins it.
    """
    if first.sentence.doc_id != second.sentence.doc_id:
        return False
    low, high = sorted((first.sentence, second.sentence), key=lambda s: s.start)
    gap = text[low.end : high.start]
    if gap.strip():
        return False
    return "\n" not in gap or second.score >= first.score - paragraph_drop
