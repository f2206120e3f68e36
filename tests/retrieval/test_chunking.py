import itertools

from retrieval.chunking import chunk_document, count_tokens
from retrieval.sentences import split_sentences
from retrieval.types import Document, DocumentMeta
from tests.conftest import CORPUS


def _document(text: str) -> Document:
    return Document(DocumentMeta("doc", "doc.txt", "Title"), text, "0123456789abcdef")


def test_chunks_are_verbatim_spans_of_the_text() -> None:
    text = (CORPUS / "seeds" / "000_7cf16ed7d5450c3a.txt").read_text()
    chunks = chunk_document(_document(text), max_tokens=120, overlap=30)
    assert len(chunks) > 5
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert count_tokens(chunk.text) <= 120


def test_chunks_end_at_sentence_boundaries_and_overlap() -> None:
    sentences = [f"Câu số {i} nói về thông tin đối ngoại của Việt Nam." for i in range(60)]
    text = " ".join(sentences)
    chunks = chunk_document(_document(text), max_tokens=80, overlap=25)
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text.startswith("Câu số") and chunk.text.endswith(".")
    for previous, following in itertools.pairwise(chunks):
        assert following.start < previous.end, "consecutive chunks should overlap"


def test_a_new_paragraph_starts_a_new_chunk_once_the_chunk_is_half_full() -> None:
    first = "Đoạn một có nội dung dài. " * 12
    second = "Đoạn hai bắt đầu ở đây. " * 3
    text = first.strip() + "\n\n" + second.strip()
    chunks = chunk_document(_document(text), max_tokens=200, overlap=20)
    assert [c.text.split()[1] for c in chunks] == ["một", "hai"]


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    text = " ".join(["từ"] * 900)
    chunks = chunk_document(_document(text), max_tokens=100, overlap=10)
    assert len(chunks) > 5
    assert all(count_tokens(c.text) <= 110 for c in chunks)
    assert all(not c.text.startswith(" ") and text[c.start : c.end] == c.text for c in chunks)


def test_chunk_ids_change_with_the_indexed_text() -> None:
    a = chunk_document(_document("Một câu."))
    b = chunk_document(_document("Một câu khác."))
    assert a[0].chunk_id != b[0].chunk_id
    assert a[0].chunk_id == chunk_document(_document("Một câu."))[0].chunk_id
    assert a[0].chunk_id.startswith("doc#")


def test_chinese_without_line_breaks_is_cut_at_its_full_stops_within_the_limit() -> None:
    sentence = "越南外交部发言人表示，越南坚决反对任何侵犯其主权的行为，并呼吁各方遵守国际法。"
    text = sentence * 36
    assert len(text) >= 1400 and "\n" not in text
    chunks = chunk_document(_document(text), max_tokens=220, overlap=40)
    assert len(chunks) > 3
    for chunk in chunks:
        assert count_tokens(chunk.text) <= 220
        assert chunk.text.startswith("越南外交部") and chunk.text.endswith("。")
        assert text[chunk.start : chunk.end] == chunk.text


def test_chinese_without_any_punctuation_is_cut_between_characters_within_the_limit() -> None:
    text = "越南坚决反对任何侵犯其主权的行为并呼吁各方遵守国际法" * 56
    chunks = chunk_document(_document(text), max_tokens=220, overlap=40)
    assert len(chunks) > 3
    assert all(count_tokens(c.text) <= 220 for c in chunks)
    assert "".join(c.text for c in chunks) == text


def test_every_quotable_sentence_lies_whole_in_a_chunk() -> None:
    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        text = path.read_text()
        chunks = chunk_document(_document(text), max_tokens=120, overlap=30)
        for sentence in split_sentences("doc", text):
            if count_tokens(sentence.text) <= 120:
                assert any(c.start <= sentence.start and sentence.end <= c.end for c in chunks), (
                    f"{path.name}: {sentence.text[:60]!r} is cut across chunks"
                )
