import os
import socket
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import pytest

from bench.bombs import docx_bomb, pdf_bomb, pdf_file
from retrieval import extractors
from retrieval.errors import LoadError
from retrieval.fetching import FetchPolicy
from retrieval.glossary import is_glossary
from retrieval.loaders import Source, discover, load, load_bytes

VIETNAMESE = "Thông tin đối ngoại: Việt Nam tăng cường hợp tác quốc tế, hòa bình và hữu nghị."

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Hội nghị - Báo Mẫu</title>
<meta property="og:title" content="Hội nghị thông tin đối ngoại năm 2023">
<meta property="og:site_name" content="Báo Mẫu">
<meta property="article:published_time" content="2023-07-05T16:30:00+07:00">
<link rel="canonical" href="https://example.org/hoi-nghi">
<script>var tracking = "SCRIPT_IN_HEAD";</script><style>.nav { color: red } /* STYLE_TEXT */</style>
</head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li></ul></nav>
<script>document.write("SCRIPT_IN_BODY")</script>
<article><h1>Hội nghị thông tin đối ngoại năm 2023</h1>
<p>Chiều 5/7, Ban Chỉ đạo Công tác thông tin đối ngoại tổ chức Hội nghị sơ kết hoạt động
6 tháng đầu năm 2023 tại Hà Nội với sự tham dự của nhiều cơ quan báo chí.</p>
<p>Các lực lượng làm công tác thông tin đối ngoại cần tiếp tục tăng cường ứng dụng công nghệ
truyền thông mới trong thông tin đối ngoại và đấu tranh dư luận.</p>
<p>Hội nghị cũng đánh giá cao vai trò của Thông tấn xã Việt Nam trong việc lan tỏa thông tin
tích cực về Việt Nam ra thế giới.</p></article>
<aside><h3>Tin liên quan</h3><ul><li><a href="/a">Bài khác số một</a></li></ul></aside>
<div class="comments"><h3>Bình luận</h3><p>Độc giả A: COMMENT_TEXT rất hay</p></div>
<footer>Bản quyền thuộc về Báo Mẫu FOOTER_TEXT</footer>
</body></html>"""


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with their vowel marks, tones as combining marks.

    (Plain NFD text cannot be encoded: cp1258 has "ô" but no combining circumflex.)
    """
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def make_pdf(*lines: str, pages: Sequence[Sequence[str]] = ()) -> bytes:
    """Return a minimal valid PDF showing ``lines`` (or each of ``pages``) in Helvetica."""
    pages = pages or [lines]
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids.encode(), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for n, page in enumerate(pages):
        shown = " 0 -16 Td ".join(f"({line}) Tj" for line in page)
        content = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode("latin-1")
        objects += [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * n),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        ]
    return pdf_file(objects)


def _load(path: Path) -> str:
    return load(Source(str(path), path.parent)).text


# The tests' own web servers listen on loopback, which only an allowlist lets through.
LOOPBACK = FetchPolicy(allow=("127.0.0.1",))


def _error(path: Path | str, *, max_bytes: int = 50_000_000, timeout: float = 20.0) -> str:
    source = Source(str(path)) if isinstance(path, str) else Source(str(path), path.parent)
    policy = FetchPolicy(max_bytes=max_bytes, timeout=timeout, allow=LOOPBACK.allow)
    with pytest.raises(LoadError) as caught:
        load(source, policy)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


# --- discovery and ids -------------------------------------------------------------


def test_discover_walks_directories_sorted_and_skips_sidecars_hidden_and_unsupported(
    tmp_path: Path,
) -> None:
    for name in [
        "b/z.md",
        "b/a.txt",
        "a.html",
        "a.meta.yaml",
        "c.pdf",
        "notes.xlsx",
        ".hidden.txt",
        ".git/x.txt",
        "d.DOCX",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    sources = discover([str(tmp_path)])
    assert [s.doc_id for s in sources] == ["a", "b/a", "b/z", "c", "d"]
    assert all(s.root == tmp_path for s in sources)


def test_discover_ids_for_single_files_urls_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / "000_7cf16ed7d5450c3a.txt"
    seed.write_text("x")
    url = "https://example.org/bai-viet?id=1"
    sources = discover([str(seed), url, str(tmp_path / "missing.txt"), str(seed)])
    assert [s.doc_id for s in sources] == ["000_7cf16ed7d5450c3a", url, "missing"]
    assert sources[1].root is None and sources[1].is_url
    assert discover([str(tmp_path)])[0].doc_id == "seeds/000_7cf16ed7d5450c3a"


def test_the_seed_corpus_loads_with_sidecar_metadata() -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    found = discover([str(corpus)])
    assert [s.doc_id for s in found if is_glossary(s.location)] == ["glossary/starter.glossary"]
    sources = [s for s in found if not is_glossary(s.location)]
    assert [Path(s.doc_id).name for s in sources][:1] == ["000_7cf16ed7d5450c3a"]
    loaded = [load(s) for s in sources]
    assert all(d.declared["language"] == "vi" and d.declared["published"] for d in loaded)
    assert all(not d.is_html and d.declared["title"] in d.text for d in loaded)


# --- text files, decoding, metadata ------------------------------------------------------


def test_front_matter_is_declared_and_removed_and_the_sidecar_wins(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "---\ntitle: Từ front matter\npublished: 2023-07-05\nauthor: x\n---\nThân bài.\n"
    )
    loaded = load(Source(str(doc), tmp_path))
    assert loaded.text == "Thân bài.\n"
    assert loaded.declared == {"title": "Từ front matter", "published": "2023-07-05"}
    (tmp_path / "doc.meta.yaml").write_text("title: Từ sidecar\nurl: https://example.org/a\n")
    loaded = load(Source(str(doc), tmp_path))
    assert loaded.declared["title"] == "Từ sidecar"
    assert loaded.declared["url"] == "https://example.org/a"
    assert loaded.declared["published"] == "2023-07-05"


def test_a_broken_sidecar_names_itself(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(VIETNAMESE)
    (tmp_path / "doc.meta.yaml").write_text("title: [unclosed\n")
    with pytest.raises(LoadError, match=r"doc\.meta\.yaml: the metadata is not valid YAML"):
        load(Source(str(doc), tmp_path))
    (tmp_path / "doc.meta.yaml").write_text("- a list\n")
    with pytest.raises(LoadError, match=r"doc\.meta\.yaml: the metadata must be a mapping"):
        load(Source(str(doc), tmp_path))


@pytest.mark.parametrize(
    "encoded",
    [
        VIETNAMESE.encode("utf-8"),
        VIETNAMESE.encode("utf-8-sig"),
        VIETNAMESE.encode("utf-16"),  # with a byte-order mark
        VIETNAMESE.encode("utf-16-le"),  # found by its NUL pattern
        VIETNAMESE.encode("utf-16-be"),
        to_cp1258(VIETNAMESE),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be", "windows-1258"],
)
def test_text_encodings_decode_to_the_same_nfc_text(tmp_path: Path, encoded: bytes) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes(encoded)
    assert _load(doc) == VIETNAMESE


def test_windows_1258_mixing_precomposed_letters_and_combining_tones(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    # "Đà" as cp1258's precomposed bytes D0 E0; "ẵ" as "ă" E3 plus the combining tilde DE.
    doc.write_bytes("Đà".encode("cp1258") + to_cp1258(" Nẵng\r\nhội nghị"))
    assert _load(doc) == "Đà Nẵng\nhội nghị"


def test_binary_junk_named_txt_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(4096))
    assert "not text" in _error(junk)
    junk.write_bytes(b"\x00\x01\x02\x03ABCD" * 100)
    assert "not text" in _error(junk)


def test_legacy_bytes_that_are_not_vietnamese_are_refused(tmp_path: Path) -> None:
    doc = tmp_path / "latin.txt"
    doc.write_bytes("Größe ÿ Œuvre ½ ¾ ß ø Þ".encode("cp1252"))
    assert "not text" in _error(doc)


def test_missing_empty_blank_unsupported_and_oversized_files(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.txt").endswith("file not found")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert _error(empty).endswith("the file is empty")
    blank = tmp_path / "blank.md"
    blank.write_text("---\ntitle: x\n---\n  \n\n")
    assert "no text could be extracted" in _error(blank)
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK")
    assert "unsupported file type '.xlsx'" in _error(sheet)
    big = tmp_path / "big.txt"
    big.write_text(VIETNAMESE * 10)
    assert _error(big, max_bytes=100).endswith("is over the 100 bytes limit")
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(2_100_000)  # sparse: the size is checked before reading
    assert _error(huge, max_bytes=1_000_000).endswith("2.1 MB is over the 1.0 MB limit")


# --- PDF and DOCX ---------------------------------------------------------------


def test_a_real_pdf_gives_its_text(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(
        make_pdf(
            "Foreign information report 2023",
            "The foreign information work in the first half",
            "of the year reached readers abroad.",
            "A new paragraph starts here.",
        )
    )
    loaded = load(Source(str(pdf), tmp_path))
    assert loaded.text.split("\n") == [
        "Foreign information report 2023",
        "The foreign information work in the first half of the year reached readers abroad.",
        "A new paragraph starts here.",
    ]
    assert loaded.doc_id == "report"


def test_page_headers_and_footers_are_left_out_and_numbered_headings_kept(
    tmp_path: Path,
) -> None:
    pages = [
        [
            "Viet Nam 1992 (rev. 2013)",
            f"Article {n}.",
            "Subsection 2",
            f"The State guarantees right number {n} of every citizen.",
            "1. Everyone has the right to work.",
            f"Chapter {n}" if n % 2 else f"The duty number {n} falls on the State.",
            f"Page {n} example.org",
            "PDF generated: 27 Apr 2022, 10:51",
        ]
        for n in range(1, 6)
    ]
    pdf = tmp_path / "constitution.pdf"
    pdf.write_bytes(make_pdf(pages=pages))
    text = _load(pdf)
    for running_head in ("Viet Nam 1992", "example.org", "PDF generated"):
        assert running_head not in text
    for n in range(1, 6):
        assert f"Article {n}.\nSubsection 2\nThe State guarantees right number {n} of" in text
    assert text.count("1. Everyone has the right to work.") == 5
    assert "Chapter 5" in text

    copied = tmp_path / "constitution.txt"
    copied.write_text("\n\n".join("\n".join(page) for page in pages), encoding="utf-8")
    assert _load(copied) == text


def test_corrupt_and_truncated_pdfs_are_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n garbage \x00\xff")
    assert "not a readable PDF" in _error(pdf)
    pdf.write_bytes(os.urandom(2000))
    assert "not a readable PDF" in _error(pdf)


def test_a_pdf_without_text_says_so(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(make_pdf(""))
    assert "no text could be extracted (a scanned PDF needs OCR first)" in _error(pdf)


def test_a_docx_gives_headings_paragraphs_tables_and_its_title(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Báo cáo thông tin đối ngoại"
    document.add_heading("Phần I. Kết quả", level=1)
    document.add_paragraph(VIETNAMESE)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Chỉ tiêu"
    table.rows[0].cells[1].text = "Đạt 95%"
    path = tmp_path / "report.docx"
    document.save(str(path))
    loaded = load(Source(str(path), tmp_path))
    assert loaded.text.split("\n\n") == ["Phần I. Kết quả", VIETNAMESE, "Chỉ tiêu", "Đạt 95%"]
    assert loaded.declared == {"title": "Báo cáo thông tin đối ngoại"}


def test_a_corrupt_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    assert "not a readable DOCX" in _error(path)
    path.write_text("plain text pretending to be Word")
    assert "not a readable DOCX" in _error(path)


def test_a_docx_bomb_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "bomb.docx", xml_mb=170)
    assert bomb.stat().st_size < 2_000_000
    message = _error(bomb)
    assert "MB of XML, over the 25.0 MB limit (a compression bomb" in message


def test_a_pdf_whose_stream_inflates_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = pdf_bomb(tmp_path / "bomb.pdf", inflated_mb=100)
    assert bomb.stat().st_size < 1_000_000
    assert "inflates past the 25.0 MB limit" in _error(bomb)


# --- HTML -------------------------------------------------------------------------


def test_html_is_reduced_to_the_article_with_its_head_metadata(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    loaded = load(Source(str(page), tmp_path))
    assert loaded.is_html
    assert "tích cực về Việt Nam ra thế giới." in loaded.text
    assert "Các lực lượng làm công tác thông tin đối ngoại" in loaded.text
    for junk in ["SCRIPT_IN", "STYLE_TEXT", "COMMENT_TEXT", "FOOTER_TEXT", "Trang chủ"]:
        assert junk not in loaded.text
    assert loaded.declared == {
        "title": "Hội nghị thông tin đối ngoại năm 2023",
        "publisher": "Báo Mẫu",
        "published": "2023-07-05",
        "url": "https://example.org/hoi-nghi",
    }


def test_an_html_title_comes_from_the_articles_heading_not_the_site_suffix(tmp_path: Path) -> None:
    page = ARTICLE_HTML.replace(
        '<meta property="og:title" content="Hội nghị thông tin đối ngoại năm 2023">\n', ""
    )
    path = tmp_path / "hoi-nghi.html"
    path.write_text(page, encoding="utf-8")
    loaded = load(Source(str(path), tmp_path))
    assert loaded.declared["title"] == "Hội nghị thông tin đối ngoại năm 2023"


def test_html_fallback_keeps_blocks_and_drops_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractors.trafilatura, "extract", lambda *a, **k: None)
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<script>var SCRIPT_TEXT=1</script><noscript>NOSCRIPT</noscript>"
        "<div>Dòng một</div><p>Dòng   hai</p><ul><li>Dòng ba</li></ul></body></html>"
    )
    assert extractors.html_text(html) == "Dòng một\nDòng hai\nDòng ba"


def test_load_bytes_serves_uploads(tmp_path: Path) -> None:
    loaded = load_bytes(VIETNAMESE.encode("utf-16"), name="upload.TXT", ext=".TXT", doc_id="u")
    assert (loaded.doc_id, loaded.source, loaded.text) == ("u", "upload.TXT", VIETNAMESE)
    with pytest.raises(LoadError, match=r"^upload\.exe: unsupported file type '\.exe'"):
        load_bytes(b"MZ", name="upload.exe", ext=".exe", doc_id="u")


# --- URLs (loopback only) ---------------------------------------------------------------


_ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/article": (200, "text/html; charset=utf-8", ARTICLE_HTML.encode()),
    "/plain": (200, "text/plain; charset=windows-1258", to_cp1258("Hà Nội")),
    "/missing": (404, "text/html", b"<h1>Not found</h1>"),
    "/binary": (200, "application/octet-stream", b"\x00" * 100),
    "/big": (200, "text/plain", b"x" * 200_000),
    "/empty": (200, "text/plain", b""),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        status, kind, body = _ROUTES[self.path]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if self.path != "/big":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep loopback requests direct even where the environment names a proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_loads_after_redirects_with_its_url_declared(server: str) -> None:
    loaded = load(Source(f"{server}/redirect"), LOOPBACK)
    assert loaded.doc_id == loaded.source == f"{server}/redirect"
    assert loaded.is_html and "tích cực về Việt Nam ra thế giới." in loaded.text
    assert loaded.declared["url"] == "https://example.org/hoi-nghi"  # the canonical link
    assert load(Source(f"{server}/plain"), LOOPBACK).text == "Hà Nội"


def test_url_errors_name_the_url_and_the_reason(server: str) -> None:
    assert _error(f"{server}/missing").endswith("the server answered HTTP 404")
    assert "unsupported content type 'application/octet-stream'" in _error(f"{server}/binary")
    assert _error(f"{server}/big", max_bytes=50_000).endswith("over the 50.0 kB limit")
    assert _error(f"{server}/empty").endswith("the response is empty")


def test_an_unreachable_url(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "could not connect" in _error(f"http://127.0.0.1:{port}/x", timeout=2.0)


def test_a_url_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
        assert _error(url, timeout=0.5).endswith("no answer within 0.5 s (timed out)")
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        listener.close()
