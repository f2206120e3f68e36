"""Server mode: the same knowledge base against a real `chroma run` process."""

from pathlib import Path

import pytest

from retrieval.knowledge_base import KnowledgeBase, KnowledgeBaseConfig
from tests.conftest import CORPUS
from tests.servers import chroma_server

pytestmark = pytest.mark.server


def test_ingest_search_and_delete_through_a_chroma_server(tmp_path: Path, embedder) -> None:
    with chroma_server(tmp_path / "chroma-server") as url:
        config = KnowledgeBaseConfig(data_dir=tmp_path / "app", chroma_url=url)
        kb = KnowledgeBase.open(config, embedder)
        report = kb.ingest([str(CORPUS)])
        assert len(report.added) == 5
        assert not (tmp_path / "app" / "chroma").exists(), "server mode must not embed Chroma"
        hits = kb.search("Naver vmusic.vn", k=3)
        assert hits[0].chunk.doc_id == "seeds/003_f689955a8045994b"
        assert hits[0].keyword > 0
        assert kb.delete("seeds/003_f689955a8045994b")
        assert all(h.chunk.doc_id != "seeds/003_f689955a8045994b" for h in kb.search("Naver", k=10))
        kb.close()
        # A second app process opening the same server and data dir sees the same state.
        again = KnowledgeBase.open(config, embedder)
        assert again.chunk_count() == sum(d.chunks for d in again.documents())
        assert again.search("Naver vmusic.vn", k=10)[0].chunk.doc_id != "seeds/003_f689955a8045994b"
        again.close()


def test_a_bad_chroma_url_is_a_clear_error(tmp_path: Path, embedder) -> None:
    from retrieval.errors import StoreError

    with pytest.raises(StoreError, match="http://host:port"):
        KnowledgeBase.open(
            KnowledgeBaseConfig(data_dir=tmp_path, chroma_url="chroma:8000"), embedder
        )


def test_the_keyword_index_follows_changes_made_by_another_process(
    tmp_path: Path, embedder
) -> None:
    with chroma_server(tmp_path / "chroma-server") as url:
        config = KnowledgeBaseConfig(data_dir=tmp_path / "app", chroma_url=url)
        reader = KnowledgeBase.open(config, embedder)
        writer = KnowledgeBase.open(config, embedder)
        writer.ingest([str(CORPUS / "seeds" / "003_f689955a8045994b.txt")])
        hits = reader.search("vmusic.vn Naver", k=1)
        assert hits and hits[0].keyword > 0
        assert writer.delete("003_f689955a8045994b")
        assert reader.search("vmusic.vn Naver", k=5) == []
        reader.close()
        writer.close()


def test_a_text_changed_by_another_process_is_read_fresh_at_the_next_search(
    tmp_path: Path, embedder
) -> None:
    document = tmp_path / "notice.md"
    document.write_text("# Notice\n\nThe press briefing is held on Mondays at 9:00.\n")
    with chroma_server(tmp_path / "chroma-server") as url:
        config = KnowledgeBaseConfig(data_dir=tmp_path / "app", chroma_url=url)
        reader = KnowledgeBase.open(config, embedder)
        writer = KnowledgeBase.open(config, embedder)
        writer.ingest([str(document)])
        [hit] = reader.search("When is the press briefing?", k=1)
        assert "Mondays" in (reader.document_text(hit.chunk.doc_id) or "")
        document.write_text("# Notice\n\nThe press briefing is now held on Thursdays at 15:00.\n")
        assert writer.ingest([str(document)]).updated
        [hit] = reader.search("When is the press briefing?", k=1)
        text = reader.document_text(hit.chunk.doc_id) or ""
        assert "Thursdays" in text and "Mondays" not in text
        assert writer.delete(hit.chunk.doc_id)
        assert reader.search("When is the press briefing?", k=1) == []
        assert reader.document_text(hit.chunk.doc_id) is None
        reader.close()
        writer.close()
