"""HTML notice pages → ParsedNotice: decode, find the article body generically, read metadata.

Built for the thousands of provincial portal templates the pipeline has never seen: the body is
found by content-container hints and text density, never by one site's class names.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from datetime import date

import html as html_lib

import charset_normalizer
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse.metadata import (
    as_notice_title,
    clean_title,
    date_line,
    find_doc_numbers,
    find_signature,
    header_before_letter,
    issuer_from_title,
    label_field,
    opens_letter,
    parse_cn_date,
    plausible_title,
    split_label_value,
    split_label_values,
    title_in_head,
)
from pipelines.textnorm import is_cjk, to_simplified, without_mirror_pinyin
from pipelines.textquality import readable_problem

# --- decoding -------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: every GB label means GBK, and gb18030 is its superset (GBK pages carry characters
# outside GB2312 all the time); "big5" means Big5-HKSCS.
_GB_LABELS = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936",
              "csgb2312", "chinese", "iso-ir-58", "csiso58gb231280", "gb18030", "euc-cn", "euccn"}
_BIG5_LABELS = {"big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "big5hkscs"}
_UTF8_LABELS = {"utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"}
# A meta tag that says UTF-16 was read by an ASCII-compatible prescan, so it lies (WHATWG).
_UTF16_LABELS = {"utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2"}
# Single-byte Western labels are server defaults (Tomcat sends ISO-8859-1), never a Chinese page's
# real encoding: they are ignored when the bytes are not plain ASCII.
_WEAK_CODECS = {"cp1252", "latin_1", "iso8859-1", "ascii"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']\s*([\w.:-]+)", re.I)
_PRESCAN_BYTES = 8192  # Chinese portals put long <head>s before the meta tag
# A declared codec that fails on at most this share of non-ASCII characters is right and the
# bytes are damaged (a truncated download, one stray byte), not a lying label.
_DAMAGE_RATE = 0.01


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, codec_used). Order: BOM, HTTP Content-Type charset, <meta charset> /
    http-equiv, then byte sniffing (valid UTF-8? else gb18030).

    GB labels decode as gb18030. A label that lies is detected: bytes that are valid UTF-8 with
    non-ASCII characters are UTF-8 whatever the label says, and a label whose codec fails on the
    bytes gives way to the next label or to sniffing. A decoding that succeeds but is not
    readable Chinese (Big5 bytes labelled gb2312 decode without error, to rare and private-use
    characters) gives way to the other plausible codecs: UTF-8, GB18030, Big5 and
    charset-normalizer's guess, the first readable one winning. Never raises: errors="replace"
    is the last resort.
    """
    text, codec = _decode_as_declared(data, content_type)
    if data.isascii() or readable_problem(_visible_text(text)) is None:
        return text, codec
    for other in _other_codecs(data, codec):
        try:
            candidate = data.decode(other)
        except (UnicodeDecodeError, LookupError):
            continue
        if readable_problem(_visible_text(candidate)) is None:
            return candidate, other
    return text, codec


def _visible_text(html: str) -> str:
    """Roughly what a reader sees: tags, scripts and styles removed (for judging a decoding)."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]*>", " ", html)


def _other_codecs(data: bytes, tried: str) -> list[str]:
    guesses = ["utf-8", "gb18030", "big5hkscs"]
    try:
        best = charset_normalizer.from_bytes(data[:200_000]).best()
    except Exception:  # a detector failure leaves the fixed list
        best = None
    if best is not None and best.encoding:
        guesses.insert(0, _codec_for_label(best.encoding) or best.encoding)
    return [c for c in dict.fromkeys(guesses) if c != tried]


def _decode_as_declared(data: bytes, content_type: str | None) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    non_ascii = not data.isascii()
    labels = _declared_codecs(data, content_type, non_ascii)
    if non_ascii and _is_utf8(data):
        return data.decode("utf-8"), "utf-8"
    for codec in labels:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    for codec in labels:  # every label failed: keep one that fails only on a few damaged bytes
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= _DAMAGE_RATE * _count_non_ascii(text):
            return text, codec
    if not non_ascii:
        return data.decode("ascii"), labels[0] if labels else "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    candidates = [*labels, "utf-8", "gb18030"]
    decoded = [(data.decode(c, errors="replace"), c) for c in candidates]
    return min(decoded, key=lambda tc: tc[0].count("\ufffd"))  # first of the best on ties


def _declared_codecs(data: bytes, content_type: str | None, non_ascii: bool) -> list[str]:
    """Python codecs named by the HTTP header, then the page's own declaration, deduplicated."""
    raw: list[str] = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        raw.append(m.group(1))
    head = data[:_PRESCAN_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        raw.extend(m.group(1).decode("ascii", "replace") for m in pattern.finditer(head))
    out: list[str] = []
    for label in raw:
        codec = _codec_for_label(label)
        if codec and codec not in out and not (non_ascii and codec in _WEAK_CODECS):
            out.append(codec)
    return out


def _codec_for_label(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in _BIG5_LABELS:
        return "big5hkscs"
    if label in _UTF8_LABELS or label in _UTF16_LABELS:
        return "utf-8"
    if label in {"iso-8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252"}:
        return "cp1252"  # WHATWG decodes these as windows-1252
    try:
        name = codecs.lookup(label).name
        # a page whose <meta> could be read as ASCII is not in UTF-32, EBCDIC…: the label lies
        return name if "<meta".encode(name) == b"<meta" else "utf-8"
    except (LookupError, UnicodeError):
        return None  # unknown label: as if absent


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _count_non_ascii(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127)


# --- page cleaning --------------------------------------------------------------------------------

_JUNK_TAGS = ("script", "style", "noscript", "iframe", "button", "input", "select", "textarea", "svg",
              "canvas", "object", "embed", "template", "link", "meta", "head")
# Chrome by element name; still subject to the text-share guard (ASP.NET pages wrap everything in
# one <form>, some templates misuse <header>).
_CHROME_TAGS = {"nav", "header", "footer", "form", "aside"}
# class/id words of page chrome, matched as whole words of the class/id string ("top-bar",
# "breadcrumb"), so "article-content" or "pages_content" never match. Generic utility words
# (position, print) are left out: they also name wrappers of the article.
_CHROME = re.compile(
    r"(?<![a-z])(?:nav|navbar|navi|navigation|menus?|submenu|crumbs?|bread[-_]?crumbs?"
    r"|share|bdshare|sharebox|fenxiang|related|relate|xgwj|xgxx|footer|foot|header|head|top[-_]?bar"
    r"|side[-_]?bar|pager|pagination|page[-_]?nav|copyright|banquan|search|login"
    r"|toolbar|tools?|qrcode|ewm|comments?|banner|ads?|advert|logo|skip|go[-_]?top|back[-_]?top"
    r"|daohang|weizhi|dqwz|friend[-_]?links?|links)(?![a-z])",
    re.I,
)
# Phrases only page chrome uses (footers, breadcrumbs, share and print bars): found in a small
# element, they mark it as chrome whatever its class; template-less table layouts need this.
_CHROME_TEXT = re.compile(
    "版权所有|ICP备|ICP证|网站标识码|公网安备|当前位置|您现在的位置|您的位置|分享到|打印本页|关闭窗口"
    "|【字体|网站地图|浏览次数|阅读次数|访问次数|上一篇|下一篇|返回顶部|Copyright|©",
    re.I,
)
_CHROME_TEXT_MAX = 200  # text mass above which an element is not a footer line
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Containers that portals' CMSs (TRS, Ucap, Hanweb…) use for the article text.
_CONTENT_HINT = re.compile(
    r"content|article|trs_editor|custom_unionstyle|zoom|xxgk|detail|zhengwen|wenzhang"
    r"|(?<![a-z])(?:zw|text|con|main[-_]?txt)(?![a-z])",  # short words only as whole words ("icon")
    re.I,
)
# Headings and the title/source/date line under them: siblings of the body that may be left out.
_HEADING_HINT = re.compile(r"title|meta|info|source|time|date|author|font|attr|property|summary|biaoti", re.I)
_CONTAINERS = {"body", "div", "section", "article", "main", "table", "tbody", "tr", "td", "th", "center",
               "ul", "ol", "li", "dl", "dd", "blockquote", "font", "span"}
_PROTECT_SHARE = 0.3  # chrome rules never remove an element holding this share of the page's text


def _attr_text(tag: Tag) -> str:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, str(tag.get("id") or "")])


def _drop_junk(soup: BeautifulSoup) -> None:
    """Drop scripts, styles, form controls and comments, in place: never text a reader sees."""
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()


def _drop_chrome(soup: BeautifulSoup, info_blocks: list[Tag], prose: dict[int, float]) -> None:
    """Drop page chrome (hidden elements included) and the info tables, in place, sparing every
    element that holds the article: ``prose`` (from ``_prose_scores``) tells which ones do."""
    page_prose = prose.get(id(soup), 0.0)

    def holds_body(tag: Tag) -> bool:
        # a layout table or an ASP.NET <form> may hold the info row *and* the article
        return page_prose >= _MIN_PROSE and prose.get(id(tag), 0.0) >= _BODY_PROSE_SHARE * page_prose

    for tag in info_blocks:
        if not tag.decomposed and not holds_body(tag):
            tag.decompose()
    scores = _scores(soup)
    total = scores.get(id(soup.body or soup), 0.0) or 1.0
    for tag in list(soup.find_all(True)):
        if tag.decomposed or tag.name in ("html", "body"):
            continue  # already removed with an ancestor
        score = scores.get(id(tag), 0.0)
        chrome = (
            tag.name in _CHROME_TAGS
            or _CHROME.search(_attr_text(tag))
            or _HIDDEN.search(str(tag.get("style") or ""))
            or (score <= _CHROME_TEXT_MAX and _CHROME_TEXT.search(tag.get_text()))
        )
        if chrome and score < _PROTECT_SHARE * total and not _holds_content(tag) and not holds_body(tag):
            tag.decompose()


def _holds_content(tag: Tag) -> bool:
    """A content container inside a chrome-looking wrapper (class="main-head-content") stays."""
    for el in tag.find_all(True):
        attrs = _attr_text(el)
        if _CONTENT_HINT.search(attrs) and not _CHROME.search(attrs):
            return True
    return False


# --- scoring and body detection -------------------------------------------------------------------

def _char_weight(text: str) -> float:
    """Text mass: CJK characters count fully, other visible characters (digits, Latin) a third."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    other = sum(1 for ch in text if not ch.isspace()) - cjk
    return cjk + other / 3


def _plain_strings(root: Tag):
    for node in root.descendants:
        if isinstance(node, NavigableString) and not isinstance(
            node, (Comment, Declaration, Doctype, ProcessingInstruction)
        ):
            yield node


def _walk_strings(root: Tag):
    """Yield (text, path) for every plain string under ``root``, where ``path`` is the list of
    enclosing elements from ``root`` down (live: copy it to keep it), and whether a link encloses
    it. One iterative pass: no per-string climb through bs4's parent search."""
    path: list[Tag] = []
    links = 0
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            path.pop()
            if node.name == "a":
                links -= 1
            continue
        if isinstance(node, Tag):
            path.append(node)
            if node.name == "a":
                links += 1
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(
            node, (Comment, Declaration, Doctype, ProcessingInstruction)
        ):
            yield str(node), path, links > 0


def _scores(soup: BeautifulSoup) -> dict[int, float]:
    """id(tag) → text mass of its subtree, link text left out (menus and link lists score 0)."""
    scores: dict[int, float] = {}
    for text, path, in_link in _walk_strings(soup):
        weight = _char_weight(text)
        if not weight or in_link:
            continue
        for parent in path:
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight
    return scores


# Prose: running sentences, what an article is made of and page chrome is not. A block (a <p>, a
# cell, a <div>'s own text) is prose when it has enough CJK characters and sentence punctuation;
# link text never is (menus, related-article lists).
_PROSE_PUNCT = re.compile(r"[，。；！？]|[,;](?=\S)")
_PROSE_MIN_CJK = 15
_MIN_PROSE = 40  # prose mass below which a page is not judged by its prose (a one-line notice)
_BODY_PROSE_SHARE = 0.5  # an element holding this share of the page's prose holds the article
_FOUND_PROSE_SHARE = 0.2  # a body holding less than this share of the page's prose was missed


def _prose_scores(soup: BeautifulSoup) -> dict[int, float]:
    """id(tag) → CJK characters of prose in its subtree (see ``_PROSE_PUNCT``)."""
    blocks: dict[int, tuple[list[Tag], list[str]]] = {}  # block → (its path, its texts)
    for text, path, in_link in _walk_strings(soup):
        if in_link:
            continue
        depth = next((k for k in range(len(path) - 1, 0, -1) if path[k].name in _BLOCK_TAGS), 0)
        entry = blocks.get(id(path[depth]))
        if entry is None:
            entry = blocks[id(path[depth])] = (path[: depth + 1], [])
        entry[1].append(text)
    scores: dict[int, float] = {}
    for block_path, texts in blocks.values():
        text = "".join(texts)
        cjk = sum(1 for ch in text if is_cjk(ch))
        if cjk < _PROSE_MIN_CJK or not _PROSE_PUNCT.search(text):
            continue
        for el in block_path:
            scores[id(el)] = scores.get(id(el), 0.0) + cjk
    return scores


def _find_body(soup: BeautifulSoup) -> Tag | None:
    """Descend from <body> into the child that holds (nearly) all of the text.

    A step down is taken when the text left behind in siblings is at most 3% (15% for a child
    that looks like a content container); headings and title/date lines don't count as left
    behind. Paragraph-level elements are never entered: that would drop the signature lines.
    """
    scores = _scores(soup)
    node = soup.body or soup
    while True:
        score = scores.get(id(node), 0.0)
        children = [c for c in node.children if isinstance(c, Tag) and c.name in _CONTAINERS]
        if not score or not children:
            return node
        best = max(children, key=lambda c: scores.get(id(c), 0.0))
        left_behind = sum(
            scores.get(id(c), 0.0)
            for c in node.children
            if isinstance(c, Tag) and c is not best and not _is_heading(c)
        ) + _loose_text(node, scores)
        allowed = 0.15 if _CONTENT_HINT.search(_attr_text(best)) else 0.03
        if left_behind > allowed * score:
            return node
        node = best


def _is_heading(tag: Tag) -> bool:
    """A heading or title/date line. A wrapper whose only child element is one counts as one:
    in table layouts the title row is ``<tr><td class="bt_title">``, the hint is on the cell."""
    while True:
        if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6") or _HEADING_HINT.search(_attr_text(tag)):
            return True
        children = [c for c in tag.children if isinstance(c, Tag)]
        loose = any(isinstance(c, NavigableString) and c.strip(_STRIP) for c in tag.children)
        if len(children) != 1 or loose:
            return False
        tag = children[0]


def _loose_text(node: Tag, scores: dict[int, float]) -> float:
    """Text directly inside ``node`` (not in a child tag)."""
    child_sum = sum(scores.get(id(c), 0.0) for c in node.children if isinstance(c, Tag))
    return max(0.0, scores.get(id(node), 0.0) - child_sum)


# --- paragraphs -----------------------------------------------------------------------------------

_BREAK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "tbody", "thead", "tfoot", "h1", "h2",
               "h3", "h4", "h5", "h6", "section", "article", "main", "blockquote", "dl", "dt", "dd", "pre",
               "center", "hr", "address", "figure", "figcaption", "caption", "fieldset", "body", "html"}
_CELL_TAGS = {"td", "th"}
_BLOCK_TAGS = tuple((_BREAK_TAGS - {"br", "hr"}) | _CELL_TAGS)  # what holds one run of text
_BREAK = object()
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
_STRIP = " \t\n\r\f\v\u3000\xa0\u200b\ufeff"


def _tokens(node: Tag, in_pre: bool = False, link: Tag | None = None):
    """Text pieces (text, enclosing <a> or None) and _BREAK markers of ``node``'s subtree."""
    for child in node.children:
        if isinstance(child, Tag):
            if child.name in _BREAK_TAGS:
                yield _BREAK
            elif child.name in _CELL_TAGS:
                yield " ", None  # cells of one row stay one line, separated by a space
            inner_link = child if child.name == "a" else link
            yield from _tokens(child, in_pre or child.name == "pre", inner_link)
            if child.name in _BREAK_TAGS:
                yield _BREAK
        elif isinstance(child, NavigableString) and not isinstance(
            child, (Comment, Declaration, Doctype, ProcessingInstruction)
        ):
            text = str(child)
            if not in_pre:
                yield text, link
                continue
            for i, line in enumerate(text.split("\n")):
                if i:
                    yield _BREAK
                yield line, link


_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._%/+\-]")


def _collapse_ws(text: str) -> str:
    """HTML whitespace rendering: runs become one space, and a source line break between two
    CJK characters disappears (Chinese is set solid; CSS Text segment-break rules).

    A source line break inside a Latin/number token that Chinese sets solid on both sides
    ("到2\n020年") disappears too: editors that hard-wrap the source at a fixed width cut such
    tokens anywhere, and "2 020" is never what the text says.
    """
    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if "\n" in m.group() and before and after:
            if is_cjk(before) and is_cjk(after):
                return ""
            if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
                if _glued_to_cjk(text, m.start(), -1) and _glued_to_cjk(text, m.end(), 1):
                    return ""
        return " "

    return _HTML_WS.sub(repl, text)


def _glued_to_cjk(text: str, edge: int, step: int) -> bool:
    """Whether the Latin/number token next to ``edge`` (leftwards for step -1, rightwards for +1)
    touches a CJK character at its far end, with no space in between."""
    i = edge - 1 if step < 0 else edge
    while 0 <= i < len(text) and _TOKEN_CHARS.match(text[i]):
        i += step
    return 0 <= i < len(text) and is_cjk(text[i])


@dataclass
class _Line:
    text: str
    menu: bool  # nothing but two or more links: a breadcrumb or menu row


def _paragraphs(root: Tag) -> list[str]:
    """One line per <p>/<div>/<br>…, stripped (incl. U+3000, &nbsp;), empty ones dropped, and
    menu rows at the edges of the body (breadcrumbs, "上一篇 下一篇") trimmed."""
    lines: list[_Line] = []
    buf: list[tuple[str, Tag | None]] = []

    def flush() -> None:
        line = _collapse_ws("".join(t for t, _ in buf)).strip(_STRIP)
        if line:
            links = {id(a) for t, a in buf if a is not None and t.strip(_STRIP)}
            loose = any(a is None and t.strip(_STRIP) for t, a in buf)
            lines.append(_Line(line, menu=len(links) >= 2 and not loose))
        buf.clear()

    for tok in _tokens(root):
        if tok is _BREAK:
            flush()
        else:
            buf.append(tok)
    flush()
    start, end = 0, len(lines)
    while start < end and lines[start].menu:
        start += 1
    while end > start and lines[end - 1].menu:
        end -= 1
    return [line.text for line in lines[start:end]]


# --- metadata -------------------------------------------------------------------------------------

_META_NAMES = {
    "articletitle": "title", "dc.title": "title", "og:title": "title",
    "contentsource": "issuer", "dc.creator": "issuer",
    "pubdate": "publish_date", "publishdate": "publish_date", "firstpublishedtime": "publish_date",
    "dc.date": "publish_date", "article:published_time": "publish_date", "publish_date": "publish_date",
    "dc.date.created": "signed_date",
    "wenhao": "doc_number", "filenumber": "doc_number", "docnumber": "doc_number",
}
_TITLE_CLASS = re.compile(r"(?<![a-z])(?:title|biaoti|bt)(?![a-z])|article[-_]?title|detail[-_]?title", re.I)
_SITE_WORDS = re.compile(r"网站|门户|政府网|首页|官网|网$")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|\s-\s|\s—\s|--)\s*")
_SHORT_ELEMENTS = ("td", "th", "li", "span", "div", "p", "dd", "dt", "label", "b", "strong", "em", "font")
_MAX_LABEL_TEXT = 100


@dataclass
class _Meta:
    """Candidate values per field, strongest source first: label pairs (info table) > <meta> >
    page labels (来源：, the heading over the body) > the body text > the <title> element."""

    table: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    text: dict[str, str | date] = field(default_factory=dict)
    fallback: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | date | None:
        for tier in (self.table, self.meta, self.labels, self.text, self.fallback):
            value = tier.get(name)
            if not value:
                continue
            if name == "title":  # a site's or column's name is no title (政府信息公开, 法规资料库)
                value = clean_title(str(value))
                if not plausible_title(value):
                    continue
            if name == "issuer":
                value = _issuer_value(str(value))
                if value is None:
                    continue
            return value
        return None


def _issuer_value(text: str) -> str | None:
    """An issuer as a label gives it: joint issuers that the page separates by spaces or commas
    are written with 、 (工业和信息化部 国家发展和改革委员会); a value with no Han character (a
    separator, a placeholder) is none."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    return re.sub(r"(?<=[\u4e00-\u9fff])\s*[\s,，;；]\s*(?=[\u4e00-\u9fff])", "、", text.strip())


def _text_of(tag: Tag) -> str:
    return _collapse_ws(tag.get_text(" ")).strip(_STRIP)


def _read_meta_tags(soup: BeautifulSoup, meta: _Meta) -> None:
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = str(tag.get("content") or "").strip(_STRIP)
        key = _META_NAMES.get(name)
        if key and content:
            meta.meta.setdefault(key, content)
    if soup.title and (title := _title_from_title_tag(soup.title.get_text())):
        meta.fallback["title"] = title  # often cut short or only the column name


def _is_heading_tag(tag: Tag) -> bool:
    return tag.name in ("h1", "h2", "h3") or bool(_TITLE_CLASS.search(_attr_text(tag)))


def _headings_before(body: Tag) -> list[str]:
    """The article's headings, nearest first: h1–h3 or title-classed elements before the body
    (the title, and on some pages the 文号 set under it as a heading of its own)."""
    texts = (_text_of(tag) for tag in body.find_all_previous(_is_heading_tag, limit=5))
    return [t for t in texts if 5 <= len(t) <= 200 and not _SITE_WORDS.search(t)]


_TIME_HINT = re.compile(r"time|date|riqi|shijian", re.I)


def _read_head(body: Tag, meta: _Meta) -> None:
    """What the article's head states above the body: its title heading, a 文号 set as a heading
    of its own, and the date line portals put under the title (<div class="pubtime">2023-01-05
    10:00 区人民政府办公室</div>, "…门户网站 发布时间: 2019-02-20") as its publish date."""
    for heading in _headings_before(body):
        if _only_doc_number(heading):  # the head's 发文字号 line
            meta.labels.setdefault("doc_number", find_doc_numbers(heading)[0][0])
        elif plausible_title(clean_title(heading)):
            meta.labels.setdefault("title", heading)
    # Only between the title and the body: a date with no title over it is page chrome (a
    # reprinting site's own date).
    between: list[Tag] = []
    for tag in body.find_all_previous(limit=40):
        if _is_title_heading(tag):
            break
        between.append(tag)
    else:
        return
    for tag in between:
        text = _text_of(tag)
        if _TIME_HINT.search(_attr_text(tag)) and len(text) <= _MAX_LABEL_TEXT and (dated := parse_cn_date(text)):
            meta.labels.setdefault("publish_date", dated.isoformat())
            break


def _is_title_heading(tag: Tag) -> bool:
    return _is_heading_tag(tag) and plausible_title(clean_title(_text_of(tag)))


def _only_doc_number(text: str) -> bool:
    """Whether ``text`` is one 文号 and nothing else (a mirror's pinyin aside: 31號(hào))."""
    hits = find_doc_numbers(text)
    return bool(hits) and without_mirror_pinyin(text)[0].strip(_STRIP) == without_mirror_pinyin(hits[0][0])[0]


def _title_from_title_tag(text: str) -> str | None:
    """The article part of "标题_某某省人民政府门户网站": the longest segment not naming the site."""
    parts = [p.strip(_STRIP) for p in _TITLE_SEPARATORS.split(text)]
    parts = [p for p in parts if p and not _SITE_WORDS.search(p)]
    return max(parts, key=len) if parts else None


def _read_label_pairs(soup: BeautifulSoup, meta: _Meta) -> list[Tag]:
    """Fill ``meta.table`` from label/value pairs (info tables, <dl>, "文号：…" list items) and
    ``meta.labels`` from weaker page labels (来源：…). Returns the info tables/lists found, which
    are page furniture rather than body."""
    blocks: list[Tag] = []
    for row in soup.find_all("tr"):
        cells = row.find_all(["th", "td"], recursive=False)
        found = _pairs_from_cells(cells, meta)
        if found and (table := row.find_parent("table")) is not None and table not in blocks:
            blocks.append(table)
    for dl in soup.find_all("dl"):
        if _pairs_from_cells(dl.find_all(["dt", "dd"], recursive=False), meta):
            blocks.append(dl)
    for el in soup.find_all(_SHORT_ELEMENTS):
        text = _text_of(el)
        if len(text) > _MAX_LABEL_TEXT or el.find(["p", "div", "li", "tr"]) is not None:
            continue
        pairs = split_label_values(text)
        for key, value in pairs:
            if key == "source":
                meta.labels.setdefault("issuer", value)
            else:
                meta.table.setdefault(key, value)
        if pairs and el.name == "li" and (lst := el.find_parent(["ul", "ol"])) is not None and lst not in blocks:
            blocks.append(lst)
    return [b for b in blocks if _is_info_block(b)]


# A label cell or item: "文　　号：", "主题分类：综合政务" (any short label, known or not).
_LABEL_LIKE = re.compile(r"^[^：:，。,；;]{1,10}[：:]")
_INFO_SHARE = 0.75  # an info table holds at least this share of its text in label/value rows


def _is_info_block(block: Tag) -> bool:
    """Whether a table/list that yielded a label pair is an info table: its rows (items) are
    label/value pairs and it holds little else. Old layouts put the "发布日期：…" row in the same
    <table> as the article's cell; that table is layout, not metadata, and must stay."""
    if block.name == "dl":
        units = block.find_all(["dt", "dd"], recursive=False)
    elif block.name == "table":
        rows = [r for r in block.find_all("tr") if r.find_parent("table") is block]
        units = [r for r in rows if any(_is_label_unit(c) for c in r.find_all(["th", "td"], recursive=False))]
    else:  # <ul>/<ol>
        units = [li for li in block.find_all("li", recursive=False) if _is_label_unit(li)]
    total = _char_weight(_text_of(block))
    return sum(_char_weight(_text_of(u)) for u in units) >= _INFO_SHARE * total


def _is_label_unit(el: Tag) -> bool:
    text = _text_of(el)
    return len(text) <= _MAX_LABEL_TEXT and (label_field(text) is not None or bool(_LABEL_LIKE.match(text)))


def _pairs_from_cells(cells: list[Tag], meta: _Meta) -> bool:
    """Cells alternate label, value (or hold "label：value"); record known fields."""
    found = False
    for i, cell in enumerate(cells):
        text = _text_of(cell)
        key = label_field(text)
        if key and i + 1 < len(cells):
            value = _text_of(cells[i + 1])
        elif (pair := split_label_value(text)) is not None:
            key, value = pair
        else:
            continue
        if key == "source":
            meta.labels.setdefault("issuer", value)
        elif value:
            meta.table.setdefault(key, value)
            found = True
    return found


_HAN_OR_BRACKET = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff（）()〔〕\\[\\]【】《》]")
_RUN_IN_LABEL = re.compile(r"(发布日期|发布时间|成文日期|文号|索引号|来源)\s*[:：]")
_RULE = re.compile(r"[━─═—_\-=]{5,}")


def _read_text(paragraphs: list[str], meta: _Meta) -> None:
    """Metadata the body states itself: a 文号 line in the header, the signature and its date.

    The page's own 文号 stands above the letter (the 主送 line, the first sentence, the signature).
    One standing alone after it heads a document the notice forwards or issues (转发/印发): that
    is the other document's 文号, never this page's."""
    prev = None
    for line in paragraphs[:12]:  # a head of title lines (up to 4, some pages repeat them), 文号
        if opens_letter(line, prev):
            break
        if _only_doc_number(line):  # a 文号 alone on its line
            meta.text["doc_number"] = find_doc_numbers(line)[0][0]
            break
        prev = line
    if "doc_number" not in meta.text:
        # A 文号 run into a scraped header ("…通知发布日期:2016-05-04粤府〔2016〕34号━━━") stands
        # free; cited documents stand in brackets or inside a sentence ("根据国发〔2016〕18号文件").
        # The run-in header is the first paragraph, or the one under a heading the page repeats.
        for line in paragraphs[:2]:
            header = header_before_letter(line[:300])
            for written, start, end in find_doc_numbers(header):
                before, after = header[start - 1 : start], header[end : end + 1]
                if not _HAN_OR_BRACKET.match(before) and not _HAN_OR_BRACKET.match(after):
                    meta.text.setdefault("doc_number", written)
            if "doc_number" in meta.text or opens_letter(line):
                break
    if own := title_in_head(paragraphs):
        meta.text["title"] = own
    issuer, signed = find_signature(paragraphs)
    if issuer:
        meta.text["issuer"] = issuer
    if signed:
        meta.text["signed_date"] = signed
    for line in paragraphs[:3]:
        for m in _RUN_IN_LABEL.finditer(line):
            if m.group(1) in ("发布日期", "发布时间") and (d := parse_cn_date(line[m.end() : m.end() + 20])):
                meta.text.setdefault("publish_date", d)


def _compact(text: str) -> str:
    return re.sub(r"[\s《》〈〉“”\"'()（）]", "", to_simplified(text))


def _own_title_over(title: str | None, own: str | date | None) -> str | None:
    """The notice's own title (its head's 关于…的通知) over the title of the plan it issues,
    which pages often show as the heading (印发《X》的通知 under the heading X), over a heading
    that is no notice's title (the site's, a column's) and over a heading cut short."""
    if not isinstance(own, str) or not own:
        return title
    if title is None or as_notice_title(title) is None:
        return own  # the page's heading is the plan's or the site's, not a notice's title
    if _compact(title) in _compact(own) and len(_compact(title)) < len(_compact(own)):
        return own
    return title


def _signed_issuer(issuer: str | None, meta: _Meta) -> str | None:
    """The issuer, as the signature names it where the page's label is weaker: a signature over
    a 来源 label (often the uploading office), and over a label that names the same body by its
    level only (区人民政府办公室 under the signature 蔡甸区人民政府办公室)."""
    signed = meta.text.get("issuer")
    if not isinstance(signed, str) or not signed or issuer == signed:
        return issuer
    if issuer is None or ("issuer" not in meta.table and "issuer" not in meta.meta):
        return signed  # the label was only 来源：
    if issuer[0] in "省市区县州" and to_simplified(signed).endswith(to_simplified(issuer)):
        return signed
    return issuer


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_cn_date(value)


def _run_in_header_warning(paragraphs: list[str], title: str | None) -> str | None:
    """Scraped pages sometimes run the page header (title, 发布日期:, 文号, a rule line) into the
    body. It is kept, since it is what the page says; a warning lets later stages know."""
    hits = []
    for i, line in enumerate(paragraphs, 1):
        marks = bool(_RUN_IN_LABEL.search(line)) + bool(_RULE.search(line))
        if title and len(line) > len(title) + 20 and title in line:
            marks += 1
        if marks >= 2:
            hits.append(i)
    if not hits:
        return None
    shown = ", ".join(map(str, hits[:10])) + (" …" if len(hits) > 10 else "")
    return f"page header (title, labels, rule line) run into the body text in paragraph(s) {shown}; kept as is"


# --- entry point ----------------------------------------------------------------------------------

_MIN_BODY = 20  # text mass below which there is no notice: an error page, a list of links
_ERROR_PAGE = re.compile(
    r"(?<!\d)404(?!\d)|页面不存在|找不到(?:该|您要的)?页面|页面找不到|无法访问|访问的页面|不存在或已|已被删除"
    r"|Not Found|出错了|错误页",
    re.I,
)


def parse_html(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """Parse one notice page. ``url`` is only used in error messages."""
    text, codec = decode_html(data, content_type)
    soup = BeautifulSoup(text, "lxml")
    flattened = 0
    if _max_depth(soup) > _MAX_DEPTH:
        # Walks over the tree (and its recursion) would cost O(n × depth) on a hostile page
        # (100,000 nested <div>): flatten what lies deeper than any real page nests.
        markup, flattened = _flattened_markup(soup)
        soup = BeautifulSoup(markup, "lxml")
    page_chars = _visible_chars(soup)
    meta = _Meta()
    _read_meta_tags(soup, meta)
    _drop_junk(soup)
    info_blocks = _read_label_pairs(soup, meta)
    prose = _prose_scores(soup)
    _drop_chrome(soup, info_blocks, prose)
    body = _find_body(soup)
    paragraphs = _paragraphs(body) if body is not None else []
    _check_body(soup, body, paragraphs, page_chars, prose.get(id(soup), 0.0), url)
    _read_text(paragraphs, meta)
    if body is not None:
        _read_head(body, meta)

    title = _own_title_over(_str_or_none(meta.get("title")), meta.text.get("title"))
    issuer = _signed_issuer(_str_or_none(meta.get("issuer")), meta)
    if issuer is None:
        # GB/T 9704 titles name their issuer before 关于 (国务院办公厅关于印发…的通知); one named by
        # its level only (省人民政府关于…) says no place, so it is not taken.
        named = issuer_from_title(title)
        issuer = named if named and named[0] not in "省市区县州" else None
    notice = ParsedNotice(
        format="html",
        paragraphs=[Paragraph(p) for p in paragraphs],
        title=title,
        issuer=issuer,
        doc_number=_str_or_none(meta.get("doc_number")),
        signed_date=_as_date(meta.get("signed_date")),
        publish_date=_as_date(meta.get("publish_date")),
        encoding=codec,
    )
    if flattened:
        notice.warnings.append(f"{flattened} elements nested deeper than {_MAX_DEPTH} levels were flattened")
    if "\ufffd" in text:
        notice.warnings.append(f"{text.count(chr(0xFFFD))} undecodable byte sequence(s) replaced ({codec})")
    if warning := _run_in_header_warning(paragraphs, notice.title):
        notice.warnings.append(warning)
    return notice


_MAX_DEPTH = 100  # real pages nest 10–40 levels; a page nested deeper is flattened below this


def _max_depth(soup: BeautifulSoup) -> int:
    deepest = 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:  # iterative: the tree may be deeper than Python's recursion limit
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in node.contents if isinstance(c, Tag))
    return deepest


def _flattened_markup(soup: BeautifulSoup) -> tuple[str, int]:
    """The page re-serialised with every element nested deeper than ``_MAX_DEPTH`` left out (its
    content stays, a block keeps a line break), in one O(n) pass. (Unwrapping in bs4 costs
    O(subtree) per element; lxml's own parser drops the text of deep trees.)"""
    out: list[str] = []
    dropped = 0
    stack: list[tuple[object, int, bool]] = [(soup, 0, False)]
    while stack:
        node, depth, closing = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
                out.append(html_lib.escape(str(node), quote=False))
            continue
        kept = depth <= _MAX_DEPTH and node is not soup
        block = node.name in _BREAK_TAGS or node.name in _CELL_TAGS
        if closing:
            if kept:
                out.append(f"</{node.name}>")
            elif block and out[-1:] != ["<br>"]:
                out.append("<br>")
            continue
        if kept:
            attrs = "".join(
                f' {k}="{html_lib.escape(" ".join(v) if isinstance(v, list) else str(v))}"' for k, v in node.attrs.items()
            )
            out.append(f"<{node.name}{attrs}>")
        elif node is not soup:
            dropped += 1
            if block and out[-1:] != ["<br>"]:  # one break for a run of dropped blocks
                out.append("<br>")
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in reversed(node.contents))
    return "".join(out), dropped


def _visible_chars(soup: BeautifulSoup) -> int:
    """Non-whitespace characters a reader would see (script and style text left out)."""
    hidden = ("script", "style", "noscript", "template", "title")
    return sum(
        len(re.sub(r"\s+", "", str(s))) for s in _plain_strings(soup) if s.parent is None or s.parent.name not in hidden
    )


def _check_body(
    soup: BeautifulSoup, body: Tag | None, paragraphs: list[str], page_chars: int, page_prose: float,
    url: str | None,
) -> None:
    """Raise ParseError when no body was found, or when what was found is not the article: an
    error page, or a body that holds a small part of the prose the page shows (the article was
    lost or missed; returning nav and footer lines as the notice would be a silent failure)."""
    where = f" ({url})" if url else ""
    mass = _scores(soup).get(id(body), 0.0) if body is not None else 0.0
    body_text = "".join(paragraphs)
    if mass < _MIN_BODY:
        raise ParseError(f"no article body found{where}: page has {page_chars} characters of text")
    if len(body_text) < 200 and _ERROR_PAGE.search(body_text):
        raise ParseError(f"no article body found{where}: looks like an error page: {body_text[:80]!r}")
    found = _prose_scores(soup).get(id(body), 0.0) if body is not None else 0.0
    if page_prose >= _MIN_PROSE and found < _FOUND_PROSE_SHARE * page_prose:
        raise ParseError(
            f"article body not detected{where}: the text found holds {found:.0f} of the page's "
            f"{page_prose:.0f} characters of prose"
        )


def _str_or_none(value: str | date | None) -> str | None:
    return value if isinstance(value, str) and value else None


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface (pipelines.parse.registry): the notice, with the task tables of
    its page whose rows are found in its body (pipelines.parse.html_tables) and those its body
    gives one cell a line (pipelines.parse.line_tables)."""
    from pipelines.parse.html_tables import body_task_tables
    from pipelines.parse.line_tables import line_tables

    notice = parse_html(data, content_type, url=url)
    notice.tables = body_task_tables(data, content_type, notice, source=url)
    held = set().union(*(t.body_paragraphs() for t in notice.tables))
    for table in line_tables(notice.paragraphs, first_index=len(notice.tables)):
        # a table the page gives one cell a line and no <table> markup (pipelines.parse.line_tables)
        if not table.body_paragraphs() & held:
            notice.tables.append(replace(table, index=len(notice.tables), source=url))
    return notice
