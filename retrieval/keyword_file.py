"""The keyword index on disk, so that a start-up reads postings instead of re-tokenising.

One ``.npz`` file, written to a temporary name and renamed into place (a reader never
sees half a file), stamped with the registry generation it reflects. A file that cannot
be read, or that another version of this code wrote, is ignored: the index is rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.keyword_index import KeywordIndex
from retrieval.keyword_segments import Segment
from retrieval.keyword_tokens import Vocabulary

FORMAT = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedIndex:
    """An index read back, the generation it reflects, and what its owner saved with it."""

    index: KeywordIndex
    generation: int
    extra: dict[str, Any]


def save_index(
    index: KeywordIndex, path: Path, *, generation: int, extra: dict[str, Any] | None = None
) -> None:
    """Write ``index`` (committed state) to ``path``, stamped with ``generation``."""
    segments = index.segments
    header = {
        "format": FORMAT,
        "generation": generation,
        "chunk_ids": index.chunk_ids,
        "extra": extra or {},
    }
    arrays = {
        "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        "words": np.frombuffer("\n".join(index.vocabulary.words).encode(), dtype=np.uint8),
        "alive": index.alive[: len(index.chunk_ids)],
        "lengths": index.lengths[: len(index.chunk_ids)],
        "sizes": np.asarray([[len(s.keys), s.postings] for s in segments], dtype=np.int64),
    }
    for name in ("keys", "starts", "slots", "counts"):
        parts = [getattr(s, name) for s in segments]
        arrays[name] = np.concatenate(parts) if parts else np.empty(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with partial.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]
    os.replace(partial, path)


def load_index(path: Path) -> SavedIndex | None:
    """Return the index saved at ``path`` and its generation; None when unusable."""
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            header = json.loads(data["header"].tobytes())
            if header.get("format") != FORMAT:
                return None
            index = _rebuilt(data, header["chunk_ids"])
            return SavedIndex(index, int(header["generation"]), dict(header["extra"]))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        log.warning("unreadable keyword index at %s; rebuilding it", path, exc_info=True)
        return None


def _rebuilt(data: np.lib.npyio.NpzFile, chunk_ids: list[str]) -> KeywordIndex:
    text = data["words"].tobytes().decode()
    index = KeywordIndex()
    index.vocabulary = Vocabulary(text.split("\n") if text else [])
    alive, lengths = data["alive"].astype(bool), data["lengths"].astype(np.float32)
    index.chunk_ids = list(chunk_ids)
    index.columns = (alive, lengths)
    index.restore_slots()
    segments: list[Segment] = []
    key_at = post_at = 0
    keys, starts, slots, counts = data["keys"], data["starts"], data["slots"], data["counts"]
    for n_keys, n_postings in data["sizes"].tolist():
        seg_slots = slots[post_at : post_at + n_postings].astype(np.int32)
        segments.append(
            Segment(
                keys=keys[key_at : key_at + n_keys].astype(np.int64),
                starts=starts[key_at + len(segments) : key_at + len(segments) + n_keys + 1],
                slots=seg_slots,
                counts=counts[post_at : post_at + n_postings].astype(np.uint16),
                documents=np.unique(seg_slots).astype(np.int32),
            )
        )
        key_at += n_keys
        post_at += n_postings
    index.segments = tuple(segments)
    return index
