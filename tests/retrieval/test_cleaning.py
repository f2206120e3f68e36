from pathlib import Path

import pytest

from retrieval.cleaning import clean_article, is_date_only, is_end_marker, split_title

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"

# For each seed: the start of its last real article paragraph, and the furniture lines
# that stand between its title and that paragraph.
ARTICLE_END = {
    "000_7cf16ed7d5450c3a": "Ban Chỉ đạo Công tác thông tin đối ngoại nhiệm kỳ Đại hội XIII",
    "001_8bae1434a54b0515": "Được biết, ngày 5/10/2016",
    "002_cf28940d5c95010a": "Phát biểu kết luận Hội nghị, ông Nguyễn Trọng Nghĩa",
    "003_f689955a8045994b": "Để triển khai được những nhiệm vụ theo định hướng như trên",
    "004_c9927d77c9ac4b2d": "Mở rộng các kênh thông tin đối ngoại",
}
INNER_FURNITURE = {
    "000_7cf16ed7d5450c3a": [
        "[“Ngoại giao cây tre”: Hòa bình để phát triển là mục tiêu cao nhất]",
        "Nguồn: Vietnam Plus",
    ],
    "001_8bae1434a54b0515": [],
    "002_cf28940d5c95010a": [
        "Tuấn Trình - 20:13, 27/12/2022",
        "Toàn cảnh Hội nghị",
        "Trưởng Ban Tuyên giáo Trung ương Nguyễn Trọng Nghĩa phát biểu tại Hội nghị",
        "Ông Phạm Anh Tuấn, Cục trưởng Cục Thông tin Đối ngoại (Bộ TT&TT) phát biểu tại Hội nghị",
    ],
    "003_f689955a8045994b": [
        "Lan Phương| 20/08/2020 14:42",
        "Theo dõi ICTVietnam trên",
        "Hợp tác xây dựng nền tảng xuyên biên giới quảng bá hình ảnh Việt Nam - Ảnh 1.",
        "Hình ảnh Đại hội Đại biểu lần thứ V nhiệm kỳ 2020 - 2025 của Đảng bộ Bộ TT&TT",
        "Hợp tác xây dựng nền tảng xuyên biên giới quảng bá hình ảnh Việt Nam - Ảnh 2.",
        "Ảnh: Tổng cục Du lịch",
    ],
    "004_c9927d77c9ac4b2d": ["14/06/2022 - 14:54"],
}
# Text that must be gone: the page around the article, each quoted from the seed.
OUTER_FURNITURE = {
    "000_7cf16ed7d5450c3a": [
        "Next Post",
        "Khởi tranh giải golf",
        "Golfzon Vietnam Championship",
        "T4 Th7 5 , 2023",
        "You May Like",
    ],
    "001_8bae1434a54b0515": ["cùng chuyên mục", "Kéo xuống để xem tiếp nội dung", "infonet"],
    "002_cf28940d5c95010a": [
        "Analytic",
        "Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27",
        "•",
        "Ý kiến độc giả",
        "Mã bảo mật",
        "Tin cùng chuyên mục",
        "Tập trung 5 đột phá về dữ liệu số",
        "Tết nơi đầu sóng",
        "18/02/2026",
        "Hội đồng Hòa bình về Gaza",
        "kho báu văn hóa giữa đại ngàn Đăk Pne",
    ],
    "003_f689955a8045994b": [
        "Bài liên quan",
        "Nổi bật Tạp chí Thông tin & Truyền thông",
        "Triển lãm Quốc phòng quốc tế Việt Nam 2024",
        "AI như là một chiếc gương đen",
        "5 lý do để tăng cường bảo mật mạng",
        "Đừng bỏ lỡ",
        "POWERED BY ONECMS",
        "•",
    ],
    "004_c9927d77c9ac4b2d": ["Tin, ảnh: Quốc Hùng", "Chia sẻ bài viết", "BÌNH LUẬN"],
}


def _raw(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def _article_lines(stem: str) -> list[str]:
    """Return the seed's lines from its title to its last article paragraph, minus furniture."""
    lines = [" ".join(line.split()) for line in _raw(stem).splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if len(line.split()) >= 5 and "," not in line)
    end = next(i for i, line in enumerate(lines) if line.startswith(ARTICLE_END[stem]))
    article: list[str] = []
    for line in lines[start : end + 1]:
        if line not in INNER_FURNITURE[stem] and (not article or article[-1] != line):
            article.append(line)
    return article


@pytest.mark.parametrize("stem", sorted(ARTICLE_END))
def test_seed_keeps_every_article_paragraph_in_order(stem: str) -> None:
    cleaned = clean_article(_raw(stem)).split("\n\n")
    assert cleaned == _article_lines(stem)


@pytest.mark.parametrize("stem", sorted(ARTICLE_END))
def test_seed_loses_its_page_furniture(stem: str) -> None:
    cleaned = clean_article(_raw(stem))
    for furniture in INNER_FURNITURE[stem] + OUTER_FURNITURE[stem]:
        assert furniture not in cleaned.split("\n\n"), furniture
        if len(furniture) > 12:
            assert furniture not in cleaned, furniture
    assert cleaned.rstrip().split("\n\n")[-1].startswith(ARTICLE_END[stem])


def test_seed_000_keeps_quotes_headings_and_the_closing_note() -> None:
    cleaned = clean_article(_raw("000_7cf16ed7d5450c3a"))
    assert cleaned.startswith(
        "Thông tin đối ngoại: Tăng cường ứng dụng công nghệ truyền thông mới\n\n"
    )
    assert "Hội nghị diễn ra chiều 5/7 tại Trụ sở Thông tấn xã Việt Nam." in cleaned
    assert "\n\nLan tỏa thông tin tích cực về Việt Nam\n\n" in cleaned
    assert "\n\nTTXVN: Cơ quan thông tin đối ngoại chủ lực\n\n" in cleaned
    assert "để báo chí đảm bảo nguồn tài chính ổn định./." in cleaned
    assert "Phó Tổng Giám đốc Thông tấn xã Việt Nam Đoàn Thị Tuyết Nhung." in cleaned


def test_seed_001_keeps_its_single_caption_sentence_and_dates() -> None:
    cleaned = clean_article(_raw("001_8bae1434a54b0515"))
    assert "vừa diễn ra sáng nay, 10/11/2016, tại Hà Nội." in cleaned
    assert "Toàn cảnh Hội nghị diễn ra sáng 10/11/2016 tại trụ sở Thành ủy Hà Nội." in cleaned
    assert cleaned.endswith("tại TP. Tuy Hòa, Phú Yên.")


def test_seed_002_starts_at_the_title_not_the_render_date() -> None:
    cleaned = clean_article(_raw("002_cf28940d5c95010a"))
    assert cleaned.startswith("Đẩy mạnh Chuyển đổi số nhằm đưa thông tin đối ngoại ra toàn cầu\n\n")
    assert "\n\nToàn cảnh Hội nghị\n\n" not in cleaned
    assert "Chuyển đổi số chính là chìa khóa để thông tin tích cực" in cleaned
    assert cleaned.endswith("hướng tới đa dạng hóa, đa tầng, đa đối tượng phục vụ.")


def test_seed_003_drops_image_placeholders_and_keeps_the_subheading() -> None:
    cleaned = clean_article(_raw("003_f689955a8045994b"))
    title = "Hợp tác xây dựng nền tảng xuyên biên giới quảng bá hình ảnh Việt Nam"
    assert cleaned.count(title) == 1
    assert "\n\nNhững nhiệm vụ và giải pháp phát triển TTĐN\n\n" in cleaned
    assert "Hiện tại, Cục đang duy trì trang vmusic.vn hợp tác với tập đoàn Naver" in cleaned
    assert "Ảnh 1" not in cleaned
    assert "Ảnh 2" not in cleaned


def test_seed_004_keeps_one_copy_of_a_repeated_sentence() -> None:
    cleaned = clean_article(_raw("004_c9927d77c9ac4b2d"))
    repeated = (
        "Phó chủ tịch Liên hiệp Các tổ chức hữu nghị Việt Nam tỉnh Đỗ Minh Đức "
        "tham gia phát biểu thảo luận tại hội nghị."
    )
    assert cleaned.split("\n\n").count(repeated) == 1
    assert "BDK.VN - Ngày 14-6-2022, Liên hiệp Các tổ chức hữu nghị Việt Nam" in cleaned


@pytest.mark.parametrize("stem", sorted(ARTICLE_END))
def test_output_is_paragraphs_separated_by_one_blank_line(stem: str) -> None:
    cleaned = clean_article(_raw(stem))
    assert "\n\n\n" not in cleaned
    for paragraph in cleaned.split("\n\n"):
        assert paragraph == " ".join(paragraph.split())
        assert paragraph


PROSE = (
    "Bộ Ngoại giao cho biết Việt Nam luôn kiên định đường lối đối ngoại độc lập, tự chủ, "
    "hòa bình, hữu nghị, hợp tác và phát triển trong quan hệ với các nước."
)


def test_a_marker_before_any_article_text_is_dropped_not_cut() -> None:
    text = f"Tin mới\nTiêu đề bài viết về đối ngoại\n\n{PROSE}\n\nTin liên quan\nBài khác"
    assert clean_article(text) == f"Tiêu đề bài viết về đối ngoại\n\n{PROSE}"


def test_markers_are_whole_short_lines_only() -> None:
    sentence = "Xem thêm các tài liệu, đại biểu có thể truy cập cổng thông tin của Bộ."
    text = f"Tiêu đề bài viết\n{PROSE}\n{sentence}\nBình luận (3)\nGửi"
    assert clean_article(text) == f"Tiêu đề bài viết\n\n{PROSE}\n\n{sentence}"
    assert is_end_marker("  YOU MAY LIKE ")
    assert is_end_marker("Tin cùng chuyên mục:")
    assert not is_end_marker("Nổi bật là việc tập trung đổi mới")


def test_a_caption_printed_twice_is_dropped_and_the_title_survives_repeating() -> None:
    text = (
        "Tiêu đề bài viết\nTiêu đề bài viết\n"
        f"{PROSE}\nĐại biểu dự hội nghị\n\nĐại biểu dự hội nghị\nKết thúc bài viết ở đây."
    )
    assert clean_article(text) == f"Tiêu đề bài viết\n\n{PROSE}\n\nKết thúc bài viết ở đây."


def test_source_lines_credits_and_teasers_go_but_prose_starting_alike_stays() -> None:
    kept = "Theo Bộ trưởng, việc này cần làm ngay trong năm nay để bảo đảm tiến độ chung."
    text = "\n".join(
        [
            "Tiêu đề bài viết",
            PROSE,
            "(Ảnh minh họa)",
            ">> Bộ trưởng tiếp đại sứ các nước",
            kept,
            "Theo TTXVN",
            "Bài và ảnh: Hồng Nhung",
        ]
    )
    assert clean_article(text) == f"Tiêu đề bài viết\n\n{PROSE}\n\n{kept}"


def test_header_chrome_and_breadcrumbs_before_the_title_are_dropped() -> None:
    text = "Menu\nTrang chủ\nThời sự > Chính trị\nThứ Hai, 03/07/2023 08:15\nTiêu đề bài\n" + PROSE
    assert clean_article(text) == f"Tiêu đề bài\n\n{PROSE}"


def test_date_only_lines() -> None:
    assert is_date_only("Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27")
    assert is_date_only("14/06/2022 - 14:54")
    assert is_date_only("Cập nhật: 20:13 (GMT+7)")
    assert not is_date_only("Hội nghị diễn ra ngày 18/8/2020 tại Hà Nội.")
    assert not is_date_only("Năm 2022")


def test_split_title() -> None:
    assert split_title("Tiêu đề\n\nĐoạn văn.") == ("Tiêu đề", "Đoạn văn.")
    assert split_title(f"{PROSE}\n\nKhác") == (None, f"{PROSE}\n\nKhác")
    assert split_title("") == (None, "")


def test_windows_newlines_and_nbsp_are_normalised() -> None:
    text = "Tiêu\u00a0đề  bài\r\n\r\n" + PROSE + "\r\n"
    assert clean_article(text) == f"Tiêu đề bài\n\n{PROSE}"


def test_hard_wrapped_lines_of_one_sentence_are_joined_and_list_items_stay_apart() -> None:
    wrapped = (
        "Article 32.\n"
        "1. Every one enjoys the right of ownership with regard to his lawful income, savings,\n"
        "housing, chattel, means of production funds in enterprises or other economic\n"
        "organizations.\n"
        "Right to establish a business\n"
        "2. In cases made absolutely necessary by reason of national defence, security and\n"
        "the national interest, in case of emergency, and protection against natural\n"
        "calamity, the State can make a forcible purchase of or can requisition pieces of\n"
        "property of individuals or organizations against compensation, taking into\n"
        "account current market prices.\n"
        "Người có quyền lợi, nghĩa vụ liên quan trong vụ án hình sự gồm những người sau\n"
        "a) Người bị hại\n"
        "đ) Người làm chứng\n"
    )
    assert clean_article(wrapped).split("\n\n") == [
        "Article 32.",
        "1. Every one enjoys the right of ownership with regard to his lawful income, savings, "
        "housing, chattel, means of production funds in enterprises or other economic "
        "organizations.",
        "Right to establish a business",
        "2. In cases made absolutely necessary by reason of national defence, security and the "
        "national interest, in case of emergency, and protection against natural calamity, the "
        "State can make a forcible purchase of or can requisition pieces of property of "
        "individuals or organizations against compensation, taking into account current market "
        "prices.",
        "Người có quyền lợi, nghĩa vụ liên quan trong vụ án hình sự gồm những người sau",
        "a) Người bị hại",
        "đ) Người làm chứng",
    ]


def test_text_not_wrapped_at_a_width_keeps_each_line_a_paragraph() -> None:
    # A web article: a caption or a heading without a full stop, then a paragraph.
    text = f"Toàn cảnh Hội nghị\n2 nhiệm vụ trọng tâm được đặt ra cho năm 2023.\n{PROSE}"
    assert clean_article(text).split("\n\n") == [
        "Toàn cảnh Hội nghị",
        "2 nhiệm vụ trọng tâm được đặt ra cho năm 2023.",
        PROSE,
    ]


def test_in_hard_wrapped_text_a_full_line_continues_into_a_capitalised_one() -> None:
    wrapped = (
        "Article 32.\n"
        "1. Every one enjoys the right of ownership with regard to his lawful income, savings,\n"
        "housing, chattel, means of production funds in enterprises or other economic\n"
        "organizations.\n"
        "3. In cases made absolutely necessary by reason of national defence, security and\n"
        "the national interest, in case of emergency, and protection against natural\n"
        "calamity, the State can make a forcible purchase of or can requisition pieces of\n"
        "property of individuals or organizations against compensation, taking into\n"
        "account current market prices.\n"
        "Article 80.\n"
        "1. The deputy to the National Assembly has the right to interpellate the State\n"
        "President, the Chairman of the National Assembly, the Prime Minister, Cabinet\n"
        "Ministers and other members of the Government, the President of the Supreme\n"
        "People's Court, and the Head of the Supreme People's Procuracy, and Head of\n"
        "the State Audit.\n"
        "3. The deputy to the National Assembly shall popularize and mobilize the people to\n"
        "implement the Constitution and the laws.\n"
        "Legislative oversight of the executive\n"
        "Article 81.\n"
        "Every one enjoys freedom of enterprise in branches and trades not banned by the\n"
        "law.\n"
    )
    paragraphs = clean_article(wrapped).split("\n\n")[3:]
    assert paragraphs[1].startswith("1. The deputy") and paragraphs[1].endswith("State Audit.")
    assert "the State President, the Chairman" in paragraphs[1]
    assert paragraphs[2:] == [
        "3. The deputy to the National Assembly shall popularize and mobilize the people to "
        "implement the Constitution and the laws.",
        "Legislative oversight of the executive",
        "Article 81.",
        "Every one enjoys freedom of enterprise in branches and trades not banned by the law.",
    ]
