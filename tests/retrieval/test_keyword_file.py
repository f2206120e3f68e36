from pathlib import Path

from retrieval.keyword_file import load_index, save_index
from retrieval.keyword_index import KeywordIndex


def _index() -> KeywordIndex:
    index = KeywordIndex()
    index.reset(
        [
            ("a", "Thông tấn xã Việt Nam đăng tải thông tin đối ngoại."),
            ("b", "Cục Thông tin đối ngoại hợp tác với tập đoàn Naver."),
            ("c", "Giải golf ứng dụng công nghệ mô phỏng."),
        ]
    )
    index.remove(["c"])
    index.commit()
    return index


def test_a_saved_index_searches_like_the_original(tmp_path: Path) -> None:
    index = _index()
    save_index(index, tmp_path / "kw.npz", generation=7, extra={"documents": {"d": ["a"]}})
    saved = load_index(tmp_path / "kw.npz")
    assert saved is not None
    assert saved.generation == 7 and saved.extra == {"documents": {"d": ["a"]}}
    for query in ["Naver", "thong tin doi ngoai", "golf mô phỏng"]:
        assert saved.index.search(query, k=3) == index.search(query, k=3)
    assert saved.index.ids == {"a", "b"}
    saved.index.add([("d", "Naver mở văn phòng.")])
    saved.index.commit()
    assert {c for c, _ in saved.index.search("Naver", k=3)} == {"b", "d"}


def test_an_unreadable_file_is_ignored_so_the_index_is_rebuilt(tmp_path: Path, caplog) -> None:
    broken = tmp_path / "kw.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert load_index(broken) is None
    assert "rebuilding" in caplog.text
    assert load_index(tmp_path / "missing.npz") is None
