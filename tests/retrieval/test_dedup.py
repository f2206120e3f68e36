from retrieval.dedup import foreign_fingerprints, owns_shared, paragraphs, without_paragraphs

ARTICLE = "\n\n".join(
    f"Đoạn {i} của bài báo gốc nói về thông tin đối ngoại và hội nghị giao ban năm 2016."
    for i in range(5)
)
PAGE = (
    "Bài trang chủ về hội nghị thông tin đối ngoại năm 2023 tại Hà Nội với nhiều đại biểu.\n\n"
    "Một đoạn khác của trang chủ nói về Thông tấn xã Việt Nam và các hãng thông tấn.\n\n" + ARTICLE
)


def test_the_article_pasted_into_a_page_belongs_to_the_article() -> None:
    article, page = paragraphs(ARTICLE), paragraphs(PAGE)
    page_prints = {p.fingerprint for p in page}
    article_prints = {p.fingerprint for p in article}
    assert (
        foreign_fingerprints(
            doc_id="article", own=article, others={"page": (len(page), page_prints)}
        )
        == set()
    )
    foreign = foreign_fingerprints(
        doc_id="page", own=page, others={"article": (len(article), article_prints)}
    )
    assert foreign == article_prints
    remaining = without_paragraphs(PAGE, page, foreign)
    assert "Bài trang chủ" in remaining and "bài báo gốc" not in remaining


def test_identical_documents_keep_the_text_in_exactly_one() -> None:
    assert owns_shared(doc_id="a", total=3, other_id="b", other_total=3, shared=3)
    assert not owns_shared(doc_id="b", total=3, other_id="a", other_total=3, shared=3)


def test_case_and_punctuation_do_not_hide_a_duplicate() -> None:
    a = paragraphs("Thông tin đối ngoại cần đổi mới tư duy và phương thức triển khai, ông nói.")
    b = paragraphs("THÔNG TIN ĐỐI NGOẠI cần đổi mới tư duy và phương thức triển khai ông nói")
    assert a[0].fingerprint == b[0].fingerprint


def test_short_lines_are_not_compared() -> None:
    assert paragraphs("Tin, ảnh: Quốc Hùng\n\nBÌNH LUẬN") == []
