"""Official editions: a document in another language that is the same text as another.

A family is an original and its editions (one level: an edition of an edition is linked
to the original). Each edition holds its sentence alignment with the original as pairs
of character spans, ``(edition_start, edition_end, original_start, original_end)``,
into the two documents' indexed texts, so that a quote in one edition can be shown in
another verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Span = tuple[int, int]
Pair = tuple[int, int, int, int]


@dataclass(frozen=True)
class Edition:
    """``doc_id`` is an official edition of ``original_id``.

    ``how`` is "declared" (``translation_of``) or "detected" (its text matched);
    ``pairs`` is empty while a declared original is not indexed.
    """

    doc_id: str
    original_id: str
    how: str
    similarity: float | None
    pairs: tuple[Pair, ...]


class Editions:
    """Every edition link of a knowledge base, and the mapping of spans between editions."""

    def __init__(self, editions: Iterable[Edition] = ()) -> None:
        self._editions = {e.doc_id: e for e in editions}
        self._family: dict[str, list[str]] = {}
        for edition in self._editions.values():
            if edition.pairs:
                self._family.setdefault(edition.original_id, []).append(edition.doc_id)

    def __len__(self) -> int:
        return len(self._editions)

    def edition(self, doc_id: str) -> Edition | None:
        """Return the link of ``doc_id`` to its original, if it is an edition."""
        return self._editions.get(doc_id)

    def root(self, doc_id: str) -> str:
        """Return the family's original: ``doc_id`` itself unless it is a linked edition."""
        edition = self._editions.get(doc_id)
        return edition.original_id if edition is not None and edition.pairs else doc_id

    def family(self, doc_id: str) -> list[str]:
        """Return the original of ``doc_id``'s family, then its editions."""
        root = self.root(doc_id)
        return [root, *sorted(self._family.get(root, []))]

    def to_original(self, doc_id: str, span: Span) -> Span | None:
        """Return the original's span aligned with ``span`` of edition ``doc_id``, if any."""
        edition = self._editions.get(doc_id)
        if edition is None:
            return None
        return _covering(list(edition.pairs), span)

    def from_original(self, edition_id: str, span: Span) -> Span | None:
        """Return edition ``edition_id``'s span aligned with ``span`` of its original."""
        edition = self._editions.get(edition_id)
        if edition is None:
            return None
        return _covering([(p[2], p[3], p[0], p[1]) for p in edition.pairs], span)


def _covering(pairs: list[Pair], span: Span) -> Span | None:
    """Return the union of the far sides of the pairs whose near side overlaps ``span``."""
    start, end = span
    hits = [(a, b, c, d) for a, b, c, d in pairs if a < end and b > start]
    if not hits:
        return None
    return min(h[2] for h in hits), max(h[3] for h in hits)
