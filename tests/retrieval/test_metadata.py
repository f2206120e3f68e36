import shutil
from datetime import date
from pathlib import Path

import pytest

from retrieval.cleaning import clean_article
from retrieval.errors import LoadError
from retrieval.language import detect_language
from retrieval.loaders import LoadedDocument, Source, discover, load
from retrieval.metadata import build_meta, find_published, find_publisher, parse_date
from retrieval.types import DocumentMeta

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"
TITLES = {
    "000_7cf16ed7d5450c3a": "Thông tin đối ngoại: Tăng cường ứng dụng công nghệ truyền thông mới",
    "001_8bae1434a54b0515": "Chưa tận dụng hiệu quả CNTT hiện đại để tuyên truyền đối ngoại",
    "002_cf28940d5c95010a": "Đẩy mạnh Chuyển đổi số nhằm đưa thông tin đối ngoại ra toàn cầu",
    "003_f689955a8045994b": "Hợp tác xây dựng nền tảng xuyên biên giới quảng bá hình ảnh Việt Nam",
    "004_c9927d77c9ac4b2d": (
        "Tọa đàm trực tuyến về nhiệm vụ và giải pháp nâng cao hiệu quả công tác thông tin đối ngoại"
    ),
}


def _meta(source: Source) -> DocumentMeta:
    loaded = load(source)
    return build_meta(loaded, clean_article(loaded.text), loaded.text)


def _loaded(text: str, **declared: str) -> LoadedDocument:
    return LoadedDocument("doc", "corpus/doc.txt", text, dict(declared), is_html=False)


def test_seed_sidecars_give_the_facts() -> None:
    metas = {Path(s.doc_id).name: _meta(s) for s in discover([str(SEEDS)])}
    assert {stem: m.title for stem, m in metas.items()} == TITLES
    assert {stem: m.published for stem, m in metas.items()} == {
        "000_7cf16ed7d5450c3a": date(2023, 7, 5),
        "001_8bae1434a54b0515": date(2016, 11, 10),
        "002_cf28940d5c95010a": date(2022, 12, 27),
        "003_f689955a8045994b": date(2020, 8, 20),
        "004_c9927d77c9ac4b2d": date(2022, 6, 14),
    }
    assert {stem: m.publisher for stem, m in metas.items()} == {
        "000_7cf16ed7d5450c3a": "VietnamPlus",
        "001_8bae1434a54b0515": "Infonet",
        "002_cf28940d5c95010a": None,
        "003_f689955a8045994b": "Tạp chí Thông tin & Truyền thông",
        "004_c9927d77c9ac4b2d": "Báo Đồng Khởi",
    }
    assert all(m.language == "vi" and m.url is None for m in metas.values())
    assert metas["000_7cf16ed7d5450c3a"].doc_id == "000_7cf16ed7d5450c3a"


def test_seeds_without_sidecars_are_inferred_the_same_way(tmp_path: Path) -> None:
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    metas = {s.doc_id: _meta(s) for s in discover([str(tmp_path)])}
    assert {stem: m.title for stem, m in metas.items()} == TITLES
    assert {stem: m.published for stem, m in metas.items()} == {
        "000_7cf16ed7d5450c3a": None,  # no date line: "chiều 5/7" has no year
        "001_8bae1434a54b0515": date(2016, 11, 10),  # "sáng nay, 10/11/2016"
        "002_cf28940d5c95010a": date(2022, 12, 27),  # not the 2019 page-render date
        "003_f689955a8045994b": date(2020, 8, 20),
        "004_c9927d77c9ac4b2d": date(2022, 6, 14),
    }
    assert metas["000_7cf16ed7d5450c3a"].publisher == "Vietnam Plus"  # "Nguồn: Vietnam Plus"
    assert metas["004_c9927d77c9ac4b2d"].publisher is None  # "BDK.VN" is not declared
    assert all(m.language == "vi" for m in metas.values())


def test_declared_values_win_over_inferred_ones() -> None:
    text = "Tiêu đề trong văn bản\n\nTuấn Trình - 20:13, 27/12/2022\n\nNguồn: TTXVN"
    loaded = _loaded(
        text,
        title="Tiêu đề khai báo",
        publisher="Báo Mẫu",
        published="2021-01-02T08:00:00+07:00",
        url="https://example.org/a",
        language="EN-us",
    )
    meta = build_meta(loaded, clean_article(text), text)
    assert meta == DocumentMeta(
        doc_id="doc",
        source="corpus/doc.txt",
        title="Tiêu đề khai báo",
        publisher="Báo Mẫu",
        published=date(2021, 1, 2),
        url="https://example.org/a",
        language="en",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published", "05/07/2023", "published must be an ISO date like 2023-07-05"),
        ("published", "2023-02-30", "published must be an ISO date"),
        ("url", "example.org/a", "url must start with http:// or https://"),
        ("language", "Vietnamese!", "language must be a code like 'vi'"),
    ],
)
def test_bad_declared_values_name_the_file_and_the_field(
    field: str, value: str, message: str
) -> None:
    loaded = _loaded("Tiêu đề\n\nNội dung.", **{field: value})
    with pytest.raises(LoadError) as caught:
        build_meta(loaded, loaded.text, loaded.text)
    assert str(caught.value).startswith(f"corpus/doc.txt: {message}")
    assert repr(value) in str(caught.value)


def test_a_bad_date_in_a_sidecar_fails_the_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tiêu đề\n\nNội dung bài viết.")
    (tmp_path / "a.meta.yaml").write_text("published: hôm qua\n")
    with pytest.raises(LoadError, match=r"a\.txt: published must be an ISO date.*'hôm qua'"):
        _meta(discover([str(tmp_path)])[0])


def test_published_prefers_a_byline_and_never_a_render_date() -> None:
    render = "Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27"
    assert find_published(f"{render}\nTiêu đề\nTác giả - 20:13, 27/12/2022") == date(2022, 12, 27)
    assert find_published(f"{render}\nTiêu đề\nNội dung không ghi ngày.") is None
    assert find_published("Tiêu đề\n14/06/2022 - 14:54\nNội dung") == date(2022, 6, 14)
    assert find_published("Tiêu đề\nCập nhật lúc 08:30 ngày 05/07/2023") == date(2023, 7, 5)
    assert find_published("Tiêu đề\nHội nghị diễn ra chiều nay (5/7/2023) tại Hà Nội.") == date(
        2023, 7, 5
    )
    assert find_published("Tiêu đề\nTTXVN - Ngày 3/2/2021, Bộ Ngoại giao họp báo.") == date(
        2021, 2, 3
    )
    # A date inside the story is an event, not the publication: no guess.
    assert find_published("Tiêu đề\nKết luận số 57 ban hành ngày 15/6/2023.") is None


def test_parse_date() -> None:
    assert parse_date("ngày 5 tháng 7 năm 2023") == date(2023, 7, 5)
    assert parse_date("20:13, 27/12/2022") == date(2022, 12, 27)
    assert parse_date("14-6-2022") == date(2022, 6, 14)
    assert parse_date("2020-08-20") == date(2020, 8, 20)
    assert parse_date("31/02/2020") is None
    assert parse_date("01/01/2999") is None
    assert parse_date("không có ngày") is None


def test_publisher_from_source_lines_but_not_from_prose_or_teasers() -> None:
    prose = "Theo Tổng Giám đốc, thông tin đối ngoại của Thông tấn xã Việt Nam được đăng tải rộng."
    assert find_publisher(f"Tiêu đề\n{prose}\n(Theo TTXVN)") == "TTXVN"
    assert find_publisher(f"Tiêu đề\n{prose}\nNguồn: Báo Nhân Dân") == "Báo Nhân Dân"
    assert find_publisher(f"Tiêu đề\nTheo dõi ICTVietnam trên\n{prose}") is None
    assert find_publisher(f"Tiêu đề\n{prose}\nTin liên quan\nNguồn: Báo Khác") is None
    assert find_publisher(f"Tiêu đề\n{prose}\nTheo đó") is None


def test_title_falls_back_to_the_start_of_prose_or_the_doc_id() -> None:
    prose = "Đây là một đoạn văn dài " * 20 + "kết thúc."
    meta = build_meta(_loaded(prose), prose, prose)
    assert meta.title.endswith("…") and len(meta.title) <= 121
    assert build_meta(_loaded("x"), "", "x").title == "doc"


def test_a_url_source_is_its_own_url() -> None:
    loaded = LoadedDocument("https://example.org/a", "https://example.org/a", "T\n\nB", {}, True)
    assert build_meta(loaded, "T\n\nB", "T\n\nB").url == "https://example.org/a"


def test_language_detection_is_restricted_and_tolerates_short_text() -> None:
    assert (
        detect_language(TITLES["002_cf28940d5c95010a"] + ". " + TITLES["000_7cf16ed7d5450c3a"])
        == "vi"
    )
    english = "Vietnam's foreign information work helps readers abroad understand its policies."
    assert detect_language(english) == "en"
    french = "Le Vietnam renforce sa coopération internationale dans le domaine de l'information."
    assert detect_language(french) == "fr"
    assert (
        detect_language("Российская делегация посетила Ханой для переговоров о сотрудничестве.")
        == "ru"
    )
    assert detect_language("越南外交部发言人就南海问题表明立场并呼吁各方保持克制。") == "zh"
    assert detect_language("OK?", default="vi") == "vi"
    assert detect_language("OK?") == "en"
    assert detect_language("thong tin doi ngoai cua Viet Nam la gi") == "vi"
