"""Tell the article from its page furniture: navigation, teasers, comment boxes, captions.

The rules are generic (lists of markers, and the shape of lines), not tuned to one site:
- everything from the first end-of-article marker on ("Tin liên quan", "Next Post",
  "BÌNH LUẬN", ...) is cut, once some article text has appeared;
- site chrome before the title (render dates, single menu words, breadcrumbs) is dropped;
- anywhere: date/byline stamps, "Theo dõi X trên", image placeholders and their captions,
  photo credits, "Nguồn: X" source lines, bracketed teasers, bullet-only lines, and a
  caption printed twice (both copies when it has no final period, else the repeat).
"""

from __future__ import annotations

import re
import unicodedata

from retrieval.sentences import unwrap, wrap_band

__all__ = ["DATE_RE", "TIME_RE", "clean_article", "is_date_only", "is_end_marker", "split_title"]

DATE_RE = re.compile(
    r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d"
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"(?<![\d/.])\d{1,2}[:h]\d\d(?::\d\d)?(?![\d/])", re.IGNORECASE)


def _phrases(text: str) -> frozenset[str]:
    """Return the "|"-separated phrases of ``text``, whitespace collapsed."""
    return frozenset(" ".join(phrase.split()) for phrase in text.split("|") if phrase.strip())


_END_MARKERS = _phrases(
    """next post|previous post|you may like|you may also like|related|related news
    |related posts|related articles|read more|see also|more news|comments|leave a comment
    |leave a reply|tags|share this|share this article|most read|latest news
    |tin cùng chuyên mục|cùng chuyên mục|bài cùng chuyên mục|tin liên quan|bài liên quan
    |bài viết liên quan|tin bài liên quan|tin tức liên quan|tin khác|các tin khác|tin mới
    |tin mới nhất|tin mới hơn|tin cũ hơn|tin đọc nhiều|đọc nhiều|đọc nhiều nhất|xem nhiều
    |xem nhiều nhất|xem thêm|tin nổi bật|có thể bạn quan tâm|bạn có thể quan tâm
    |có thể bạn muốn xem|ý kiến độc giả|ý kiến bạn đọc|ý kiến của bạn|gửi ý kiến|bình luận
    |gửi bình luận|viết bình luận|chia sẻ bài viết|chia sẻ|chia sẻ bài|đừng bỏ lỡ|mã bảo mật
    |kéo xuống để xem tiếp nội dung|từ khóa|từ khoá|tag|in bài viết|bản in|về đầu trang
    |trở lại đầu trang|tiêu điểm|theo dòng sự kiện"""
)
_END_PREFIX = re.compile(
    r"(?:xem thêm (?:trên|tại|các|bài|tin)|tin (?:cùng|liên quan|khác)|powered by"
    r"|bài (?:cùng|liên quan)|bình luận \(\d+\)|ý kiến (?:độc giả|bạn đọc)|bản quyền thuộc"
    r"|copyright|©)(?!\w)"
)
_CHROME = _phrases("trang chủ|đăng nhập|đăng ký|tìm kiếm|liên hệ|menu|home|login|search|rss")
_NOT_DATE_WORDS = re.compile(
    r"\b(?:thứ|hai|ba|tư|năm|sáu|bảy|bẩy|chủ|nhật|ngày|tháng|lúc|cập|nhật|đăng|gmt|utc|am|pm"
    r"|mon|tue|wed|thu|fri|sat|sun)\w*\b",
    re.IGNORECASE,
)
_DROP = re.compile(
    r"theo dõi\b.{0,60}\btrên\b.{0,30}"  # "Theo dõi ICTVietnam trên"
    r"|\(?(?:ảnh|nguồn ảnh|photo|đồ họa)(?: minh họa)?\s*[:：].{0,120}"  # credits
    r"|\(?ảnh minh họa\)?\.?"
    r"|(?:tin|bài|tin,? ảnh|bài,? ảnh|tin và ảnh|bài và ảnh|thực hiện)\s*:\s*[^.]{1,60}"
    r"|\(?nguồn\s*:\s*[^.]{1,80}\)?\.?",  # "Nguồn: Vietnam Plus"
    re.IGNORECASE,
)
# "[“Ngoại giao cây tre”: ...]" or ">> Title": a related-article teaser on its own line
_TEASER = re.compile(r"\[[^\[\]]{3,300}\]|(?:>>|»|=>)\s*.{3,300}")
_SOURCE_THEO = re.compile(r"\(?[Tt]heo\s+(\w)[^,.;:!?]{0,60}\)?\.?")  # "Theo TTXVN"
_SITE_HEADING = re.compile(r"(?:nổi bật|đọc nhiều|xem nhiều|tin mới)\s+(\w)", re.IGNORECASE)
_IMAGE = re.compile(r".{3,}\s[-–]\s*ảnh\s*\d+\.?", re.IGNORECASE)  # "Tiêu đề - Ảnh 1."
_TERMINAL = (".", "!", "?", ":", "…", '."', ".”", "?”", "!”", ".)", "./.")
_CAPTION_WORDS = 40
_PROSE_WORDS = 12


def _normal(line: str) -> str:
    """Return ``line`` lowercased, without edge punctuation or repeated spaces."""
    return " ".join(line.strip(" \t:：-–—|»>•·*#.").lower().split())


def is_end_marker(line: str) -> bool:
    """Return True for a short line announcing the end of the article ("Tin liên quan")."""
    words = line.split()
    if not words or len(words) > 10 or line.rstrip().endswith(_TERMINAL[:3]):
        return False
    normal = _normal(line)
    if normal in _END_MARKERS or _END_PREFIX.match(normal):
        return True
    site = _SITE_HEADING.match(line.strip())  # "Nổi bật Tạp chí X", not "Nổi bật là ..."
    return bool(site and site.group(1).isupper())


def is_date_only(line: str) -> bool:
    """Return True for a line that only states a date or time, such as a page-render date."""
    if not (DATE_RE.search(line) or TIME_RE.search(line)):
        return False
    rest = _NOT_DATE_WORDS.sub("", DATE_RE.sub("", TIME_RE.sub("", line)))
    return not any(c.isalpha() for c in rest)


def _is_stamp(line: str) -> bool:
    """Return True for a short line carrying a date and a time: a byline or a dateline."""
    return len(line.split()) <= 10 and bool(DATE_RE.search(line)) and bool(TIME_RE.search(line))


def _is_chrome(line: str) -> bool:
    """Return True for a line of site chrome that may precede the title."""
    if _normal(line) in _CHROME or is_date_only(line):
        return True
    if " " not in line.strip() and line.isascii() and not line.endswith("."):
        return True  # "Analytic", "Menu": one ASCII word
    return len(line.split()) <= 12 and bool(re.search(r"\s[>»/]\s", line))  # breadcrumb


def _is_furniture(line: str) -> bool:
    """Return True for a line that is never article prose, wherever it stands."""
    if not any(c.isalnum() for c in line):
        return True  # "•", "---", "|"
    if is_date_only(line) or _is_stamp(line) or _IMAGE.fullmatch(line):
        return True
    words = len(line.split())
    if (words <= 12 and _DROP.fullmatch(line)) or (words <= 50 and _TEASER.fullmatch(line)):
        return True
    source = _SOURCE_THEO.fullmatch(line) if words <= 6 else None
    return bool(source and source.group(1).isupper())


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    rows = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    # Text wrapped at a fixed width (a PDF's, a plain-text file's) breaks its sentences over
    # lines: join them. Elsewhere a line is a paragraph, a heading or a caption.
    if wrap_band(rows) is not None:
        rows = unwrap("\n".join(rows)).split("\n")
    return [row for row in rows if row]


def clean_article(text: str) -> str:
    """Return the article without its page furniture, paragraphs separated by a blank line.

    Args:
        text: The raw text of a page or document, one paragraph or element a line.

    Returns:
        The article's title and paragraphs; whitespace is collapsed.
    """
    kept: list[str] = []
    previous = ""  # the previous input line, kept or not
    prose_seen = after_image = False
    for line in _lines(text):
        repeated, previous = line == previous, line
        if is_end_marker(line):
            if prose_seen:
                break
            continue
        if not kept and _is_chrome(line):
            continue
        if repeated:
            short = len(line.split()) <= _CAPTION_WORDS and not line.endswith(_TERMINAL)
            if short and len(kept) > 1 and kept[-1] == line:
                kept.pop()  # a caption printed twice: drop both copies
            continue
        if _IMAGE.fullmatch(line):
            after_image = True
            continue
        if after_image and len(line.split()) <= _CAPTION_WORDS and not line.endswith(_TERMINAL):
            after_image = bool(_DROP.fullmatch(line))  # a credit may follow the caption
            continue  # the caption under an image placeholder
        if _is_furniture(line):
            continue
        after_image = False
        kept.append(line)
        prose_seen = prose_seen or len(line.split()) >= _PROSE_WORDS
    return "\n\n".join(kept)


def split_title(text: str) -> tuple[str | None, str]:
    """Split cleaned text into its title line, when the first paragraph looks like one.

    Args:
        text: Cleaned article text.

    Returns:
        The title (or None when the text starts with prose) and the remaining text.
    """
    first, _, rest = text.strip().partition("\n")
    first = first.strip()
    if not first or len(first.split()) > _CAPTION_WORDS or first.endswith((".", ";", ",")):
        return None, text.strip()
    return first, rest.strip()
