"""Official editions: found without a declaration, aligned by sentence, one family in search."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.knowledge_base import KnowledgeBase
from tests.editions import HARVEST_EN, REPORT_VI, STATEMENT_EN, STATEMENT_VI, TOURISM_VI, write

MakeKb = Callable[..., KnowledgeBase]


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "statement-vi", STATEMENT_VI)
    write(folder, "tourism-vi", TOURISM_VI)
    write(folder, "harvest-en", HARVEST_EN)
    return folder


def test_an_english_edition_is_linked_to_its_vietnamese_original_without_a_declaration(
    tmp_path: Path, make_kb: MakeKb
) -> None:
    folder = _corpus(tmp_path)
    knowledge_base = make_kb(corpus_dir=folder)
    assert knowledge_base.ingest([str(folder)]).ok
    # The edition arrives later, as a press office publishes it.
    write(folder, "statement-en", STATEMENT_EN)
    assert knowledge_base.ingest([str(folder / "statement-en.txt")]).ok

    editions = knowledge_base.editions()
    assert editions.family("statement-en") == ["statement-vi", "statement-en"]
    assert editions.root("harvest-en") == "harvest-en"
    assert editions.root("tourism-vi") == "tourism-vi"
    listed = {d.meta.doc_id: d.edition_of for d in knowledge_base.documents()}
    assert listed == {
        "statement-en": "statement-vi",
        "statement-vi": None,
        "tourism-vi": None,
        "harvest-en": None,
    }

    # Sentence by sentence: each English sentence maps to the Vietnamese one it translates.
    english = knowledge_base.document_text("statement-en") or ""
    vietnamese = knowledge_base.document_text("statement-vi") or ""
    for needle, expected in [
        ("47 cooperation agreements", "47 thỏa thuận"),
        ("peaceful means", "biện pháp hòa bình"),
        ("Vietnamese fishermen", "ngư dân Việt Nam"),
    ]:
        start = english.index(needle)
        span = editions.to_original("statement-en", (start, start + len(needle)))
        assert span is not None
        original = vietnamese[span[0] : span[1]]
        assert expected in original and "\n" not in original.strip()


def test_the_editions_of_one_text_count_as_one_document_in_search(
    tmp_path: Path, make_kb: MakeKb
) -> None:
    folder = _corpus(tmp_path)
    write(folder, "statement-en", STATEMENT_EN)
    knowledge_base = make_kb(corpus_dir=folder, per_document=1)
    assert knowledge_base.ingest([str(folder)]).ok

    hits = knowledge_base.search("How many search and rescue agreements did Viet Nam sign?", k=4)
    family = [h for h in hits if h.chunk.doc_id in ("statement-vi", "statement-en")]
    assert len(family) == 1
    assert {h.chunk.doc_id for h in hits} >= {"tourism-vi", "harvest-en"}


def test_a_declared_original_that_is_not_indexed_is_a_warning_and_links_when_it_arrives(
    tmp_path: Path, make_kb: MakeKb
) -> None:
    folder = tmp_path / "corpus"
    write(folder, "statement-en", STATEMENT_EN, translation_of="statement-vi")
    knowledge_base = make_kb(corpus_dir=folder)
    report = knowledge_base.ingest([str(folder)])
    assert report.ok and report.added == ["statement-en"]
    assert report.warnings == [
        "statement-en: translation_of names 'statement-vi', which is not indexed; "
        "the editions are linked when it is ingested"
    ]
    assert knowledge_base.editions().root("statement-en") == "statement-en"

    write(folder, "statement-vi", STATEMENT_VI)
    assert knowledge_base.ingest([str(folder / "statement-vi.txt")]).warnings == []
    edition = knowledge_base.editions().edition("statement-en")
    assert edition is not None and edition.how == "declared" and edition.pairs
    assert knowledge_base.editions().root("statement-en") == "statement-vi"


def test_deleting_an_original_unlinks_its_detected_edition(tmp_path: Path, make_kb: MakeKb) -> None:
    folder = _corpus(tmp_path)
    write(folder, "statement-en", STATEMENT_EN)
    knowledge_base = make_kb(corpus_dir=folder)
    assert knowledge_base.ingest([str(folder)]).ok
    assert knowledge_base.editions().root("statement-en") == "statement-vi"

    assert knowledge_base.delete("statement-vi")
    assert knowledge_base.editions().root("statement-en") == "statement-en"
    assert {d.meta.doc_id: d.edition_of for d in knowledge_base.documents()}["statement-en"] is None


def test_another_outlets_report_of_the_same_event_is_not_an_edition(
    tmp_path: Path, make_kb: MakeKb
) -> None:
    folder = tmp_path / "corpus"
    write(folder, "report-vi", REPORT_VI, url="https://baomoi.example/hop-bao-12-3.html")
    write(folder, "statement-en", STATEMENT_EN, url="https://en.mofa.example/briefing-12-3")
    write(folder, "statement-vi", STATEMENT_VI, url="https://mofa.example/hop-bao-12-3")
    knowledge_base = make_kb(corpus_dir=folder)
    assert knowledge_base.ingest([str(folder / "report-vi.txt")]).ok
    assert knowledge_base.ingest([str(folder / "statement-en.txt")]).ok
    # Its sentences read alike across languages, but it is published elsewhere.
    assert len(knowledge_base.editions()) == 0

    assert knowledge_base.ingest([str(folder / "statement-vi.txt")]).ok
    assert knowledge_base.editions().family("statement-vi") == ["statement-vi", "statement-en"]
