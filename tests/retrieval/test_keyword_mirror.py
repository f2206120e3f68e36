"""The keyword index saved beside the store: a restart catches up instead of rebuilding."""

import logging
from pathlib import Path

import pytest

from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.conftest import CORPUS
from tests.servers import chroma_server

NAVER = CORPUS / "seeds" / "003_f689955a8045994b.txt"
GOLF = CORPUS / "seeds" / "004_c9927d77c9ac4b2d.txt"


def _keyword_docs(kb: KnowledgeBase, query: str) -> set[str]:
    return {h.chunk.doc_id.rsplit("/", 1)[-1] for h in kb.search(query, k=5, mode="keyword")}


def test_a_restart_reads_the_saved_index_and_applies_later_changes(
    tmp_path: Path, embedder, caplog
) -> None:
    config = KnowledgeBaseConfig(data_dir=tmp_path / "kb")
    first = KnowledgeBase.open(config, embedder)
    first.ingest([str(NAVER)])
    first.close()
    assert (tmp_path / "kb" / "keyword" / "vnpos.npz").exists()
    second = KnowledgeBase.open(config, embedder)
    second.ingest([str(GOLF)])
    assert second.delete("003_f689955a8045994b")
    second.close()

    with caplog.at_level(logging.INFO, logger="retrieval.keyword_mirror"):
        third = KnowledgeBase.open(config, embedder)
    try:
        assert "keyword index built" not in caplog.text
        assert _keyword_docs(third, "Tọa đàm trực tuyến BDK.VN") == {"004_c9927d77c9ac4b2d"}
        assert _keyword_docs(third, "Naver vmusic.vn") == set()
    finally:
        third.close()


def test_a_damaged_saved_index_is_rebuilt_from_the_store(tmp_path: Path, embedder) -> None:
    config = KnowledgeBaseConfig(data_dir=tmp_path / "kb")
    kb = KnowledgeBase.open(config, embedder)
    kb.ingest([str(NAVER)])
    kb.close()
    (tmp_path / "kb" / "keyword" / "vnpos.npz").write_bytes(b"not an index")
    again = KnowledgeBase.open(config, embedder)
    try:
        assert _keyword_docs(again, "Naver vmusic.vn") == {"003_f689955a8045994b"}
    finally:
        again.close()


@pytest.mark.server
def test_a_change_log_that_no_longer_reaches_back_rebuilds_in_the_background(
    tmp_path: Path, embedder, monkeypatch
) -> None:
    monkeypatch.setattr("retrieval.registry._CHANGES_KEPT", 1)
    with chroma_server(tmp_path / "chroma-server") as url:
        config = KnowledgeBaseConfig(data_dir=tmp_path / "app", chroma_url=url)
        reader = KnowledgeBase.open(config, embedder)
        writer = KnowledgeBase.open(config, embedder)
        try:
            writer.ingest([str(NAVER)])
            writer.ingest([str(GOLF)])
            reader.search("Tọa đàm trực tuyến BDK.VN", k=5)  # starts the rebuild, answers at once
            rebuild = reader._keyword._rebuilding
            assert rebuild is not None
            rebuild.join(timeout=60)
            assert _keyword_docs(reader, "Tọa đàm trực tuyến BDK.VN") == {"004_c9927d77c9ac4b2d"}
            assert _keyword_docs(reader, "Naver vmusic.vn") == {"003_f689955a8045994b"}
        finally:
            reader.close()
            writer.close()
