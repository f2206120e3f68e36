"""Shared fixtures: the real embedding model, real Chroma, and no network but loopback."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

# Before anything imports huggingface_hub: the hub must never be asked for anything.
os.environ["HF_HUB_OFFLINE"] = "1"

import pytest

from retrieval.embedder import load_embedder
from retrieval.embedding import Embedder
from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("VNPOS_SHARED_DIR", REPO.parent / "shared"))
MODEL_CACHE = Path(os.environ.get("VNPOS_TEST_MODEL_CACHE", REPO / "data" / "models"))

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = str(address[0])
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise OSError(f"tests may not reach {host}: network access is disabled")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled multilingual-e5-small, built once into data/models."""
    return load_embedder("bundled", MODEL_CACHE)


@pytest.fixture
def make_kb(tmp_path: Path, embedder: Embedder) -> Iterator[object]:
    """Open fresh knowledge bases in temporary data dirs (embedded Chroma)."""
    opened: list[KnowledgeBase] = []

    def _make(name: str = "kb", **overrides: object) -> KnowledgeBase:
        config = KnowledgeBaseConfig(data_dir=tmp_path / name, **overrides)  # type: ignore[arg-type]
        knowledge_base = KnowledgeBase.open(config, embedder)
        opened.append(knowledge_base)
        return knowledge_base

    yield _make
    for knowledge_base in opened:
        knowledge_base.close()


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data dir holding the shipped corpus/, ingested once for the session."""
    data_dir = tmp_path_factory.mktemp("seeded")
    knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=data_dir), embedder)
    report = knowledge_base.ingest([str(CORPUS)])
    knowledge_base.close()
    assert report.ok, report.failed
    return data_dir


@pytest.fixture(scope="session")
def seeded_kb(seeded_data_dir: Path, embedder: Embedder) -> Iterator[KnowledgeBase]:
    """The shipped corpus, ready to search (shared: tests must not modify it)."""
    knowledge_base = KnowledgeBase.open(KnowledgeBaseConfig(data_dir=seeded_data_dir), embedder)
    yield knowledge_base
    knowledge_base.close()


def copy_corpus(target: Path) -> Path:
    """Copy corpus/ to ``target`` so a test can change it."""
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway Postgres 15 for the session (its ``postgres`` database's URL)."""
    from tests.servers import postgres_process

    with postgres_process() as running:
        yield running.url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind: a SQLite file, then a fresh Postgres database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite3'}"
    from tests.servers import fresh_database

    return fresh_database(request.getfixturevalue("postgres_server"))
