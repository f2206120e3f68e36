"""Glossary files: parsed row by row, ingested like documents, found in quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.glossary import Glossary, GlossaryError, parse_glossary, read_glossary
from tests.conftest import CORPUS

STARTER = CORPUS / "glossary" / "starter.glossary.csv"
HEADER = "term,aliases,en,fr,source\n"


def test_a_malformed_row_is_named_by_file_and_row_and_the_rest_is_loaded() -> None:
    data = (
        HEADER
        + "Bộ Chính trị,,Politburo,Bureau politique,en.dangcongsan.vn\n"
        + "Bộ Ngoại giao,,Ministry of Foreign Affairs\n"  # two columns short
        + ",,Orphan,Orphelin,somewhere\n"  # no term
        + "Thứ trưởng,,,,mofa.gov.vn\n"  # no translation
        + "Thông tấn xã Việt Nam,TTXVN,Vietnam News Agency,,vnanet.vn\n"
    ).encode()
    parsed = parse_glossary(data, name="terms.glossary.csv")
    assert [e.term for e in parsed.entries] == ["Bộ Chính trị", "Thông tấn xã Việt Nam"]
    assert parsed.entries[1].aliases == ("TTXVN",)
    assert parsed.problems == [
        "terms.glossary.csv row 3: expected 5 columns, got 3; the row was skipped",
        "terms.glossary.csv row 4: the term is empty; the row was skipped",
        "terms.glossary.csv row 5: no translation for 'Thứ trưởng'; the row was skipped",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"term,english,source\nX,Y,Z\n", "header must name 'term', 'source' and language codes"),
        (b"\xff\xfeterm", "not UTF-8"),
        (b"", "got nothing"),
    ],
)
def test_an_unreadable_glossary_says_what_was_expected(data: bytes, expected: str) -> None:
    with pytest.raises(GlossaryError, match=expected) as raised:
        parse_glossary(data, name="bad.glossary.csv")
    assert str(raised.value).startswith("bad.glossary.csv: ")


def test_the_longest_spelling_wins_and_capitalised_terms_need_their_capital() -> None:
    glossary = Glossary(read_glossary(STARTER).entries)
    text = (
        "Trưởng Ban Tuyên giáo Trung ương phát biểu kết luận Hội nghị về Kết luận 57 "
        "của Bộ Chính trị; TTXVN đưa tin."
    )
    terms = [g.term for g in glossary.glosses([text], "en")]
    assert terms == [
        "Trưởng Ban Tuyên giáo Trung ương",
        "Kết luận",
        "Bộ Chính trị",
        "Thông tấn xã Việt Nam",
    ]
    assert "Ban Tuyên giáo Trung ương" not in terms  # inside the longer title


def test_a_term_glued_to_the_word_before_it_is_still_found() -> None:
    glossary = Glossary(read_glossary(STARTER).entries)
    glued = "phát biểu chỉ đạo củaTổng Bí thư Nguyễn Phú Trọng"
    assert [g.translation for g in glossary.glosses([glued], "en")] == ["General Secretary"]
    assert glossary.glosses(["XTổng Bí thư", "tổng bí thư"], "en") == []


def test_a_language_without_the_term_falls_back_to_english_and_says_so() -> None:
    glossary = Glossary(read_glossary(STARTER).entries)
    (gloss,) = glossary.glosses(["ông Tổng Giám đốc"], "zh")
    assert (gloss.term, gloss.translation, gloss.language) == (
        "Tổng Giám đốc",
        "General Director",
        "en",
    )
    assert glossary.glosses(["Bộ Ngoại giao"], "de")[0].translation == "Ministry of Foreign Affairs"


def test_every_starter_entry_has_english_and_a_source() -> None:
    parsed = read_glossary(STARTER)
    assert parsed.problems == []
    assert len(parsed.entries) >= 20
    assert all(e.translations.get("en") and e.source for e in parsed.entries)


def test_ingesting_a_glossary_stores_its_terms_and_reingesting_replaces_them(
    tmp_path: Path, make_kb
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = folder / "terms.glossary.csv"
    path.write_text(HEADER + "Bộ Chính trị,,Politburo,Bureau politique,src\nbroken row\n")
    knowledge_base = make_kb(corpus_dir=folder)
    report = knowledge_base.ingest([str(folder)])
    assert report.ok and report.glossary_terms == 1
    assert report.warnings == [f"{path} row 3: expected 5 columns, got 1; the row was skipped"]
    assert "1 glossary terms" in report.summary()
    assert [
        g.translation for g in knowledge_base.glossaries.glossary().glosses(["Bộ Chính trị"], "fr")
    ] == ["Bureau politique"]
    path.write_text(HEADER + "Bộ Ngoại giao,,Ministry of Foreign Affairs,,src\n")
    assert knowledge_base.ingest([str(path)]).glossary_terms == 1
    glossary = knowledge_base.glossaries.glossary()
    assert [e.term for e in glossary.entries] == ["Bộ Ngoại giao"]
    assert knowledge_base.documents() == []


def test_an_unreadable_glossary_fails_its_file_only(tmp_path: Path, make_kb) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bad.glossary.csv").write_bytes(b"term;en\nx;y\n")
    (folder / "note.txt").write_text("Bộ Chính trị họp phiên thường kỳ tháng Mười.\n")
    report = make_kb(corpus_dir=folder).ingest([str(folder)])
    assert report.added == ["note"]
    assert [reason for _, reason in report.failed] == [
        f"{folder / 'bad.glossary.csv'}: the header must name 'term', 'source' and language "
        "codes (optionally 'aliases'); got term;en"
    ]
