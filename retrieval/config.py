"""The knowledge base's configuration: where it lives and how it cuts and searches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from retrieval.fetching import FetchPolicy
from retrieval.search import FusionWeights


@dataclass(frozen=True)
class KnowledgeBaseConfig:
    """Where the knowledge base lives and how it cuts and searches documents."""

    data_dir: Path
    chroma_url: str | None = None
    database_url: str | None = None  # the registry in Postgres; None: DATA_DIR/vnpos.sqlite3
    collection: str = "vnpos"
    corpus_dir: Path | None = None
    max_file_bytes: int = 50_000_000
    url_timeout: float = 20.0
    url_deadline: float = 60.0
    url_allowlist: tuple[str, ...] = ()
    chunk_tokens: int = 220
    chunk_overlap: int = 40
    per_document: int = 3
    candidates: int = 40
    batch_chunks: int = 128
    fusion: FusionWeights = field(default_factory=FusionWeights)

    @property
    def fetch_policy(self) -> FetchPolicy:
        """Return the limits of URL downloads."""
        return FetchPolicy(
            max_bytes=self.max_file_bytes,
            timeout=self.url_timeout,
            deadline=self.url_deadline,
            allow=self.url_allowlist,
        )
