import pytest

from retrieval.keyword_index import MAX_SEGMENTS, KeywordIndex
from retrieval.keyword_tokens import fold_accents, tokenize


def _index() -> KeywordIndex:
    index = KeywordIndex()
    index.add(
        [
            ("a", "Thông tấn xã Việt Nam đăng tải thông tin đối ngoại trên hơn 40 hãng thông tấn."),
            ("b", "Cục Thông tin đối ngoại hợp tác với tập đoàn Naver trên trang vmusic.vn."),
            ("c", "Giải golf ứng dụng công nghệ mô phỏng đầu tiên tại Việt Nam."),
        ]
    )
    index.commit()
    return index


def test_tokens_include_syllable_bigrams_and_folded_forms() -> None:
    tokens = tokenize("Thông tin đối ngoại")
    assert "thông_tin" in tokens and "~doi" in tokens and "ngoại" in tokens
    assert fold_accents("Đối ngoại") == "Doi ngoai"


def test_finds_the_passage_with_the_rare_term() -> None:
    assert _index().search("Naver vmusic.vn", k=3)[0][0] == "b"


def test_query_without_diacritics_matches_accented_text() -> None:
    assert _index().search("giai golf mo phong", k=3)[0][0] == "c"


def test_english_words_do_not_match_folded_vietnamese_syllables() -> None:
    index = KeywordIndex()
    index.add([("vi", "Các cơ quan cần tăng cường thông tin."), ("en", "Agencies can do more.")])
    index.commit()
    hits = index.search("can", k=2, vietnamese=False)
    assert [chunk_id for chunk_id, _ in hits] == ["en"]


def test_removed_chunks_are_not_found_after_commit() -> None:
    index = _index()
    index.remove(["b"])
    index.commit()
    assert all(chunk_id != "b" for chunk_id, _ in index.search("Naver", k=3))
    assert len(index) == 2


def test_allowed_restricts_results() -> None:
    hits = _index().search("Việt Nam", k=3, allowed=["c"])
    assert [chunk_id for chunk_id, _ in hits] == ["c"]


def test_a_query_without_words_finds_nothing() -> None:
    assert _index().search("® !!", k=3) == []


def test_empty_index_finds_nothing() -> None:
    assert KeywordIndex().search("anything", k=5) == []


def _news_like(n: int) -> list[tuple[str, str]]:
    topics = ["thông tin đối ngoại", "biển Đông", "chuyển đổi số", "báo chí", "hợp tác quốc tế"]
    return [
        (f"c{i}", f"Bài {i} về {topics[i % 5]} và {topics[(i * 3) % 5]} năm {2000 + i % 23}.")
        for i in range(n)
    ]


def test_an_index_changed_chunk_by_chunk_ranks_like_one_built_at_once() -> None:
    chunks = _news_like(300)
    whole = KeywordIndex()
    whole.reset(chunks)
    grown = KeywordIndex()
    for chunk in chunks:
        grown.add([chunk])
        grown.commit()
    for chunk_id, text in chunks[:120]:
        grown.remove([chunk_id])
        grown.commit()
        grown.add([(chunk_id, text)])
        grown.commit()
    assert len(grown.segments) <= MAX_SEGMENTS
    for query in ["biển Đông năm 2005", "chuyen doi so", "Bài 17 báo chí"]:
        expected = whole.search(query, k=300)
        assert expected
        assert dict(grown.search(query, k=300)) == pytest.approx(dict(expected))


def test_re_adding_a_chunk_replaces_its_text() -> None:
    index = _index()
    index.add([("b", "Giải bóng đá tại Hà Nội.")])
    index.commit()
    assert index.search("Naver", k=3) == []
    assert index.search("bóng đá", k=3)[0][0] == "b"
    assert len(index) == 3


def test_a_chunk_that_matches_only_common_words_holds_little_of_the_question() -> None:
    index = _index()
    on_topic = "Cục Thông tin đối ngoại hợp tác với tập đoàn nào?"
    off_topic = "Cách làm bánh mì tại Việt Nam như thế nào?"
    held = {
        question: dict(index.search(question, k=3))[best] / index.query_weight(question)
        for question, best in ((on_topic, "b"), (off_topic, "c"))
    }
    assert held[on_topic] > 2 * held[off_topic]
    assert held[off_topic] > 0 and held[on_topic] <= 1
