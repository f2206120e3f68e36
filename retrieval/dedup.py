"""Near-duplicate text across documents, attributed to the document it belongs to.

News pages paste whole other articles under "You May Like". A paragraph that appears in
two documents belongs to the one it makes up the larger share of: an article pasted
under another page is all of its own document but a fraction of the page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from retrieval.keyword_tokens import fold_accents

MIN_PARAGRAPH_CHARS = 60
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a document: its span and a fingerprint that ignores case and punctuation."""

    start: int
    end: int
    fingerprint: str


def fingerprint(text: str) -> str:
    """Return a fingerprint that ignores case, accents and punctuation."""
    normal = _NON_WORD.sub(" ", fold_accents(text).lower()).strip()
    return hashlib.blake2b(normal.encode(), digest_size=12).hexdigest()


def paragraphs(text: str) -> list[Paragraph]:
    """Return the paragraphs of ``text`` long enough to be worth comparing."""
    return [
        Paragraph(m.start(), m.end(), fingerprint(m.group()))
        for m in _PARAGRAPH.finditer(text)
        if len(m.group().strip()) >= MIN_PARAGRAPH_CHARS
    ]


def owns_shared(*, doc_id: str, total: int, other_id: str, other_total: int, shared: int) -> bool:
    """Return True when ``doc_id`` keeps the paragraphs it shares with ``other_id``.

    The shared text makes up ``shared/total`` of this document and ``shared/other_total``
    of the other; the larger share wins, ties go to the smaller id so that the decision
    does not depend on ingestion order.
    """
    mine = shared / max(total, 1)
    theirs = shared / max(other_total, 1)
    if mine != theirs:
        return mine > theirs
    return doc_id < other_id


def foreign_fingerprints(
    *,
    doc_id: str,
    own: list[Paragraph],
    others: Mapping[str, tuple[int, set[str]]],
) -> set[str]:
    """Return the fingerprints of this document's paragraphs that belong to other documents.

    ``others`` maps each other document sharing paragraphs with this one to its paragraph
    count and fingerprints.
    """
    mine = {p.fingerprint for p in own}
    foreign: set[str] = set()
    for other_id, (other_total, other_prints) in others.items():
        shared = mine & other_prints
        if shared and not owns_shared(
            doc_id=doc_id,
            total=len(own),
            other_id=other_id,
            other_total=other_total,
            shared=len(shared),
        ):
            foreign |= shared
    return foreign


def without_paragraphs(text: str, own: list[Paragraph], foreign: set[str]) -> str:
    """Return ``text`` with the paragraphs whose fingerprint is in ``foreign`` removed."""
    if not foreign:
        return text
    kept: list[str] = []
    cursor = 0
    for paragraph in own:
        if paragraph.fingerprint in foreign:
            kept.append(text[cursor : paragraph.start])
            cursor = paragraph.end
    kept.append(text[cursor:])
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
