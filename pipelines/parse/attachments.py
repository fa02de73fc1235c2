"""The attachments a notice page links to (附件1：重点任务分工表.docx): where they are and what they
are called. Pure: fetching them is the fetch stage's business.

A link is an attachment when its target's extension is one of a document format the parsers read
(.pdf .doc .docx .wps .xls .xlsx .ofd .zip, also behind a query string), or when its text or the
text just before it says 附件 and it does not point at another page. Links in the page's chrome
(header, navigation, footer, sidebar: 政府信息公开指南.pdf, 网站年度报表.xls) are not the notice's,
unless they say 附件. The title is the link text
with the 附件 label kept ("附件1：重点任务分工表"); a link whose text is only the file name or "下载"
takes the label before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from pipelines.parse.html import decode_html

EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd", ".zip")
_LABEL = re.compile(r"附\s*件\s*(\d+|[一二三四五六七八九十]+)?\s*[:：.、]?")
_PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jhtml", ".jsp", ".php", ".asp", ".aspx")
_GENERIC_TEXT = re.compile(r"^(?:下载|点击下载|附件下载|点击查看|查看|下载附件|点此下载)$")
_WS = re.compile(r"\s+")
# Page chrome by element name, or by a whole word of its class/id ("site-footer", "top_nav"; never
# "article-content"). Narrower than the HTML parser's chrome: a "related" block may hold 相关附件.
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME = re.compile(
    r"(?<![a-z])(?:nav|navbar|navi|navigation|menus?|footer|foot|header|head|top[-_]?bar|side[-_]?bar"
    r"|bread[-_]?crumbs?|crumbs?|copyright|banquan|toolbar|daohang)(?![a-z])",
    re.I,
)


# "附件" in the encodings Chinese portals serve; the extensions are ASCII in all of them.
_HINTS = tuple(e.encode() for e in EXTENSIONS) + tuple("附件".encode(c) for c in ("utf-8", "gb18030", "big5"))


def may_link_files(data: bytes) -> bool:
    """A quick look at the bytes: False when the page cannot link an attachment (no file extension
    and no 附件 anywhere in it), so most pages need not be parsed for links. UTF-16 pages are
    always looked at."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    lowered = data.lower()
    return any(hint in lowered for hint in _HINTS)


@dataclass(frozen=True)
class Attachment:
    url: str  # absolute
    title: str | None  # 附件1：重点任务分工表
    extension: str | None  # ".docx"; None when the URL does not say (a download script)


def attachment_links(data: bytes | str, base_url: str, content_type: str | None = None) -> list[Attachment]:
    """Attachments linked from the page, in page order, each URL once."""
    html = data if isinstance(data, str) else decode_html(data, content_type)[0]
    soup = BeautifulSoup(html, "lxml")
    out: list[Attachment] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(base_url, href)
        path = unquote(urlsplit(url).path).lower()
        ext = next((e for e in EXTENSIONS if path.endswith(e)), None)
        # A download script names the file in its query (download.jsp?file=fj1.docx).
        query = unquote(urlsplit(url).query).lower()
        if ext is None:
            ext = next((e for e in EXTENSIONS if re.search(re.escape(e) + r"(?:$|&)", query)), None)
        text = _WS.sub(" ", a.get_text(" ")).strip()
        before = _text_before(a)
        labelled = bool(_LABEL.match(text) or _LABEL.search(before[-12:]))
        if ext is None and (not labelled or path.endswith(_PAGE_SUFFIXES)):
            continue
        if not labelled and _in_chrome(a):
            continue
        if url in seen:
            continue
        seen.add(url)
        out.append(Attachment(url, _title(text, before, path), ext))
    return out


def _in_chrome(a) -> bool:
    for parent in a.parents:
        if parent.name in _CHROME_TAGS:
            return True
        classes = parent.get("class") or []
        attrs = " ".join([*(classes if isinstance(classes, list) else [classes]), str(parent.get("id") or "")])
        if _CHROME.search(attrs):
            return True
    return False


def _text_before(a) -> str:
    """The text right before the link in its block (the "附件：" label of a list of links)."""
    prev = a.previous_sibling
    parts: list[str] = []
    while prev is not None and sum(map(len, parts)) < 40:
        parts.insert(0, prev.get_text(" ") if hasattr(prev, "get_text") else str(prev))
        prev = prev.previous_sibling
    return _WS.sub(" ", "".join(parts)).strip()


def _title(text: str, before: str, path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if text and not _GENERIC_TEXT.match(text) and text.lower() != name:
        return text
    label = _LABEL.search(before)
    return before[label.start():].strip() or None if label else (text or None)
