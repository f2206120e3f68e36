"""File names and document ids for what admins send."""

from bot.uploads import sanitise_filename, text_doc_id


def test_upload_names_lose_folders_hidden_dots_and_odd_characters() -> None:
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\docs\\Báo cáo 2024.PDF") == "Báo_cáo_2024.pdf"
    assert sanitise_filename(".hidden.txt") == "hidden.txt"
    assert sanitise_filename("...") == "upload"


def test_text_documents_are_named_by_url_else_by_title_and_a_hash() -> None:
    assert text_doc_id(title="x", url="https://a.vn/b", text="t") == "https://a.vn/b"
    congress = text_doc_id(title="Đại hội Đảng lần thứ XIV", url=None, text="Nội dung")
    assert congress.startswith("text/dai-hoi-dang-lan-thu-xiv-")
    assert text_doc_id(title="越南", url=None, text="t").startswith("text/untitled-")


def test_titles_that_fold_to_one_slug_get_different_ids() -> None:
    accented = text_doc_id(title="Thông cáo báo chí", url=None, text="Thông cáo số 1")
    plain = text_doc_id(title="Thong cao bao chi", url=None, text="Thông cáo số 2")
    assert accented != plain
    assert accented.startswith("text/thong-cao-bao-chi-") and plain.startswith(
        "text/thong-cao-bao-chi-"
    )
    same = text_doc_id(title="Thông cáo báo chí", url=None, text="Thông cáo số 1")
    assert same == accented  # the same press release sent twice is the same document
