"""File names and document ids for what admins send."""

from bot.uploads import sanitise_filename, text_doc_id


def test_upload_names_lose_folders_hidden_dots_and_odd_characters() -> None:
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\docs\\Báo cáo 2024.PDF") == "Báo_cáo_2024.pdf"
    assert sanitise_filename(".hidden.txt") == "hidden.txt"
    assert sanitise_filename("...") == "upload"


def test_text_documents_are_named_by_url_else_by_title() -> None:
    assert text_doc_id(title="x", url="https://a.vn/b") == "https://a.vn/b"
    assert (
        text_doc_id(title="Đại hội Đảng lần thứ XIV", url=None) == "text/dai-hoi-dang-lan-thu-xiv"
    )
    assert text_doc_id(title="越南", url=None).startswith("text/")
