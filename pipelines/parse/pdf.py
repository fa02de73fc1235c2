"""Read a policy notice out of a PDF: body paragraphs with their pages, and the header metadata.

Works from pdfplumber's character boxes, not from its text extraction: lines are rebuilt from
baselines, paragraphs from geometry (first-line indents, short last lines, headings, font size),
and page furniture (page numbers, running headers and footers) is dropped by position + pattern.
GB/T 9704 documents get their red header read: the "XX文件" banner names the issuer, the 文号
line stays as the first paragraph, the title block becomes ``title``.

A page whose glyphs pdfminer cannot decode (``(cid:NNN)``: a font without a ToUnicode map whose
character collection pdfminer takes only from CIDSystemInfo) is read again with pdfium, which also
takes the collection from a predefined CMap such as GBK-EUC-H; its characters go through the same
line and paragraph reconstruction.
"""
from __future__ import annotations

import ctypes
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import median

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse.metadata import find_doc_number, parse_cn_date
from pipelines.textnorm import is_cjk, join_wrapped_lines

# --- thresholds, in units of the body font size ("em") unless noted ------------------------------
_INDENT_EM = 1.5  # first-line indent is 2 em in GB/T 9704; line-start punctuation shifts ≤ 0.5 em
_SHORT_EM = 2.0  # a line ending this far before the right margin ends its paragraph
_WORD_GAP_EM = 0.25  # gap between two Latin glyphs that means a word space without a space glyph
_LAYOUT_GAP_EM = 2.0  # gap that separates columns/cells (joint signatures, tables): kept as a space
_LARGE = 1.15  # a line this many times the body size is a heading/title line
_BANNER = 1.6  # the red-header banner is set much larger than the title (GB/T 9704: 小标宋, ~2x)
_MARGIN_BAND = 0.12  # share of the page height at top and bottom where page furniture lives
_PARA_GAP = 1.7  # a vertical step this many times the usual line pitch is a blank line
_DEDUPE_TOL = 1.0  # points; fake bold repeats a glyph offset by a fraction of a point
_MARGIN_SHARE = 0.2  # share of the lines that start at the left margin, at the least
_SMALL = 0.85  # a line this many times the body size or less is set small (running header, note)
# share of a page's glyphs pdfminer could not decode above which the page is read with pdfium. Not a
# majority: PDF writers split one face into several subset fonts (the corpus' body face comes in 4-6,
# holding about 49 %, 31-38 %, 9-13 %, 2-5 % of the glyphs) and a missing ToUnicode map hits one
# font dictionary. A stray symbol (bullet, ①, logo glyph) is a few glyphs of a 400-600-glyph page.
_FALLBACK_SHARE = 0.1

_PAGE_NUMBER = re.compile(
    r"[-—–―－‐~～·\s]*\d{1,4}[-—–―－‐~～·\s]*"  # 3, — 3 —, - 3 -, —3—
    r"|(?:共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共26页
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3/26
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?"
)
_HEADING = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]"
    r"|[一二三四五六七八九十百]+[、.．]"
    r"|[（(][一二三四五六七八九十百]+[)）]"
    r"|\d{1,3}[、.．](?!\d)"
    r"|[（(]\d{1,3}[)）]"
    r"|[\u2460-\u2473\u2474-\u2487])"  # ① ⑴
)
_SENTENCE_END = "。；;：:！!？?）)”"
_NO_LINE_START = set("，。、；：？！）》〉」』】〕”’,.;:?!)%")  # kinsoku: pushed down with the char before
# a Latin/number token glued to CJK or punctuation on its left, and the rest of it after a wrap
_TOKEN_END = re.compile(r"(?:^|[^A-Za-z0-9_{}.\s])[A-Za-z0-9_{}.]*[A-Za-z0-9]$")
_TOKEN_START = re.compile(r"[A-Za-z0-9]")
_LATIN_RUN = re.compile(r"[A-Za-z0-9_{}.,%+\-/]+")
_DATE_ONLY = re.compile(r"[（(]?\s*[\d〇零○Ｏ０-９一二三四五六七八九十]{1,4}\s*年[^。，,；]{1,8}日\s*[)）]?")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|xlsx?|txt|rtf)\s*$|^microsoft|^untitled|^无标题", re.I)
_SENTENCE_PUNCT = re.compile(r"[。，,；;：:！？]")
_TITLE_WORDS = re.compile(r"关于|《|》|通知|意见|办法|决定|方案|规定|报告|批复|[。，,；;：:]")
_ORG_SUFFIX = re.compile(r"(政府|委员会|办公厅|办公室|委|厅|局|部|院|署|会|中心|集团|公司|银行)$")


@dataclass
class _Line:
    """One visual line: its text as built from glyphs, its box, and its dominant font."""

    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    red: bool
    space_before: bool = False  # a space glyph before the first glyph (matters at a wrap)
    space_after: bool = False
    table_row: tuple[int, int] | None = None  # a row of a ruled table (piece, row): one paragraph of its own


@dataclass
class _Layout:
    """What is usual in this document: body font size, margins per page parity, line pitch."""

    size: float
    left: dict[int, float]  # page parity → left margin (mirrored margins differ by parity)
    right: dict[int, float]
    pitch: float

    def left_of(self, line: _Line) -> float:
        return self.left[line.page % 2]

    def right_of(self, line: _Line) -> float:
        return self.right[line.page % 2]


# --- public ------------------------------------------------------------------------------------


def parse_pdf(data: bytes, url: str | None = None) -> ParsedNotice:
    """Parse a PDF notice's bytes. ``url`` only makes error messages point at the source.

    Raises ParseError for bytes that are not a readable PDF and for PDFs without a text layer.
    """
    where = f" ({url})" if url else ""
    if not data:
        raise ParseError(f"empty file{where}")
    if b"%PDF-" not in data[:1024]:
        raise ParseError(f"not a PDF{where}: starts with {data[:16]!r}")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(f"unreadable PDF{where}: {_why_unopenable(exc, data)}") from exc
    with pdf:
        try:
            page_count = len(pdf.pages)
            meta = dict(pdf.metadata or {})
        except Exception as exc:
            raise ParseError(f"unreadable PDF{where}: {_why_unopenable(exc, data)}") from exc
        if page_count == 0:
            raise ParseError(f"PDF has no pages{where}")
        ocr: dict[int, float] = {}
        pieces: list = []
        lines, heights, warnings = _read_pages(pdf, where, data, ocr, pieces)
    notice = _assemble(lines, heights, page_count, meta, warnings)
    notice.ocr_pages = ocr
    if pieces:
        from pipelines.parse.pdf_tables import body_tables

        notice.tables = body_tables(pieces, notice.paragraphs, source=url)
    return notice


# --- reading pages -----------------------------------------------------------------------------


def _read_pages(
    pdf: pdfplumber.PDF, where: str, data: bytes, ocr: dict[int, float] | None = None, pieces: list | None = None
) -> tuple[list[_Line], dict[int, float], list[str]]:
    """Lines of every page, page heights, and quality warnings; ParseError if there is no text.
    Pages read by OCR are put in ``ocr`` with their mean confidence; ruled tables in ``pieces``
    (pipelines.parse.pdf_tables.Piece), each of their rows one line."""
    ocr = {} if ocr is None else ocr
    pieces = [] if pieces is None else pieces
    not_ocred: list[str] = []  # why scanned pages were not read by OCR
    lines: list[_Line] = []
    heights: dict[int, float] = {}
    warnings: list[str] = []
    bad = total = 0
    with_images = 0
    failed = 0
    fallback = _Pdfium(data)
    switched: dict[int, tuple[int, int, int]] = {}  # page → (glyphs, undecodable by pdfminer, by pdfium)
    tried: list[int] = []  # pages where pdfium decoded no more than pdfminer
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                chars = _visible_chars(page)
                has_images = bool(page.images)
                image_dpi = _image_dpi(page.images) if has_images else 0.0
                page_pieces = _ruled_tables(page, number) if (page.rects or page.lines) else []
            except Exception as exc:  # one broken content stream should not lose the other pages
                failed += 1
                warnings.append(f"page {number} could not be read: {_describe(exc)}")
                continue
            finally:
                page.close()  # drop pdfplumber's per-page object cache: memory stays flat on long PDFs
            heights[number] = float(page.height)
            with_images += has_images
            glyphs = [c for c in chars if not c["text"].isspace()]
            undecodable = _count_undecodable(glyphs)
            if glyphs and undecodable > _FALLBACK_SHARE * len(glyphs):
                other = fallback.chars(number - 1, page) or []
                other_glyphs = [c for c in other if not c["text"].isspace()]
                left = _count_undecodable(other_glyphs)
                if other_glyphs and left < undecodable:
                    switched[number] = (len(glyphs), undecodable, left)
                    chars, glyphs, undecodable = other, other_glyphs, left
                else:
                    tried.append(number)
            row_lines: list[_Line] = []
            if page_pieces and number not in switched:
                chars, row_lines = _table_rows(chars, page_pieces, len(pieces))
                pieces.extend(page_pieces)
                glyphs = [c for c in chars if not c["text"].isspace()]
                undecodable = _count_undecodable(glyphs)
            if not glyphs and row_lines:
                lines.extend(row_lines)
                continue
            if not glyphs:
                if has_images:
                    read = _ocr_page(data, number, image_dpi)
                    if isinstance(read, str):
                        warnings += [f"page {number} has no text layer (scanned?)", f"page {number} not read by OCR: {read}"]
                        not_ocred.append(read)
                        continue
                    ocr_lines, confidence = read
                    ocr[number] = confidence
                    warnings.append(
                        f"page {number} has no text layer: read by OCR ({len(ocr_lines)} lines, mean confidence "
                        f"{confidence:.2f}); check its text against the page"
                    )
                    total += sum(len(ln.text) for ln in ocr_lines)
                    lines.extend(ocr_lines)
                continue
            total += len(glyphs)
            bad += undecodable
            if row_lines:  # in reading order among the page's other lines
                lines.extend(sorted(_build_lines(chars, number) + row_lines, key=lambda ln: ln.top))
            else:
                lines.extend(_build_lines(chars, number))
    finally:
        fallback.close()
    n = len(pdf.pages)
    if failed == n:
        raise ParseError(f"unreadable PDF{where}: no page could be read ({warnings[0]})")
    if not lines:
        if with_images == n:
            why = "; ".join(dict.fromkeys(not_ocred))
            raise ParseError(f"no text layer: {n} pages, all images — scanned PDF needs OCR{where}" + (f" ({why})" if why else ""))
        raise ParseError(f"no text layer: {n} pages, no text found ({with_images} with images){where}")
    if switched:
        glyph_count, before, after = (sum(v) for v in zip(*switched.values()))
        warnings.insert(
            0,
            f"{_pages(switched)} read with pdfium: pdfminer could not decode {before} of their {glyph_count} "
            f"characters (a font without a ToUnicode map); {after} remained undecodable",
        )
    if bad:
        either = f"; pdfium could not decode them either on {_pages(tried)}" if tried else ""
        warnings.insert(
            0,
            f"{bad} of {total} characters ({bad / total:.1%}) could not be decoded ((cid:NNN) glyphs or "
            f"U+FFFD): a font without a ToUnicode map, the text is incomplete{either}",
        )
    return lines, heights, warnings


# --- ruled tables ------------------------------------------------------------------------------


def _ruled_tables(page: Page, number: int) -> list:
    from pipelines.parse.pdf_tables import page_pieces

    return page_pieces(page, number)


def _table_rows(chars: list[dict], page_pieces: list, first: int) -> tuple[list[dict], list[_Line]]:
    """The page's glyphs outside its ruled tables, and one line per table row (its cells' text,
    as pdfplumber reads each cell, joined by spaces)."""
    from pipelines.parse.pdf_tables import row_text

    def inside(c: dict, box: tuple) -> bool:
        x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return box[0] <= x <= box[2] and box[1] <= y <= box[3]

    rows: list[_Line] = []
    for k, piece in enumerate(page_pieces):
        in_table = [c for c in chars if inside(c, piece.bbox)]
        size = median([c["size"] for c in in_table]) if in_table else 10.0
        for r, (cells, box) in enumerate(zip(piece.rows, piece.row_boxes)):
            text = row_text(cells)
            if text:
                rows.append(_Line(piece.page, text, box[0], box[2], box[1], box[3], size, red=False, table_row=(first + k, r)))
    outside = [c for c in chars if not any(inside(c, p.bbox) for p in page_pieces)]
    return outside, rows


# --- scanned pages -----------------------------------------------------------------------------

_OCR_MIN_DPI = 100  # a page image coarser than this holds no legible text: not worth OCR's seconds


def _image_dpi(images: list[dict]) -> float:
    """The resolution of the page's sharpest image, in pixels per inch as placed on the page."""
    best = 0.0
    for im in images:
        width_pt = float(im.get("x1", 0)) - float(im.get("x0", 0))
        src = im.get("srcsize") or (0, 0)
        if width_pt > 0 and src[0]:
            best = max(best, float(src[0]) / (width_pt / 72))
    return best


def _ocr_page(data: bytes, number: int, image_dpi: float) -> tuple[list[_Line], float] | str:
    """A scanned page's lines read by OCR (in page coordinates) and their mean confidence, or why not."""
    if image_dpi < _OCR_MIN_DPI:
        return f"its image is {image_dpi:.0f} dpi, too coarse to OCR"
    from pipelines import ocr

    try:
        read = ocr.ocr_pdf_page(data, number)
    except ParseError as exc:  # OCR not installed here
        return str(exc)
    scale = 72 / ocr.RENDER_DPI
    lines = []
    for ln in read:
        x0, top, x1, bottom = (v * scale for v in ln.box)
        em = sum(0.5 if " " <= ch <= "~" else 1.0 for ch in ln.text) or 1.0
        lines.append(_Line(number, ln.text, x0, x1, top, bottom, size=(x1 - x0) / em, red=False))
    if not lines:
        return "OCR read no text on it"
    return lines, sum(ln.confidence for ln in read) / len(read)


def _count_undecodable(glyphs: list[dict]) -> int:
    return sum(1 for c in glyphs if c["text"].startswith("(cid:") or "\ufffd" in c["text"])


def _pages(numbers) -> str:
    numbers = sorted(numbers)
    return f"page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _visible_chars(page: Page) -> list[dict]:
    """Upright glyphs inside the page box, fake-bold duplicates removed.

    Rotated glyphs are watermarks or stamps in these documents, not body text.
    """
    return _visible(page.chars, page.bbox)


def _visible(chars: list[dict], bbox: tuple) -> list[dict]:
    x0, top, x1, bottom = bbox
    chars = [
        c for c in chars
        if c["upright"] and c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom
    ]
    return _dedupe(chars)


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop glyphs repeated at (almost) the same spot: fake bold draws each glyph 2-4 times.

    Same rule as ``page.dedupe_chars()`` (same text, font and size within 1 pt), done with a grid
    in linear time: pdfplumber restores the order with ``list.index``, quadratic per page
    (it cost 1.4 s on the 57-page sample, more than reading it).
    """
    seen: dict[tuple, list[tuple[float, float]]] = defaultdict(list)
    out = []
    for c in chars:
        x, y = c["x0"], c["top"]
        key = (c["text"], c["fontname"], round(c["size"], 1))
        gx, gy = int(x // _DEDUPE_TOL), int(y // _DEDUPE_TOL)
        if any(
            abs(px - x) <= _DEDUPE_TOL and abs(py - y) <= _DEDUPE_TOL
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for px, py in seen.get((key, gx + dx, gy + dy), ())
        ):
            continue
        seen[(key, gx, gy)].append((x, y))
        out.append(c)
    return out


def _build_lines(chars: list[dict], page: int) -> list[_Line]:
    """Group glyphs into lines by baseline (tolerance: half the font size), left to right."""
    groups: list[list[dict]] = []
    ref = -math.inf
    for c in sorted(chars, key=lambda c: c["bottom"]):
        if groups and c["bottom"] - ref <= 0.5 * c["size"]:
            groups[-1].append(c)
        else:
            groups.append([c])
            ref = c["bottom"]
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        line = _make_line(group, page)
        if line:
            lines.append(line)
    return lines


def _make_line(chars: list[dict], page: int) -> _Line | None:
    glyphs = [c for c in chars if not c["text"].isspace()]
    if not glyphs:
        return None
    size = Counter(round(c["size"], 1) for c in glyphs).most_common(1)[0][0]
    return _Line(
        page=page,
        text=_line_text(chars, size),
        x0=glyphs[0]["x0"],
        x1=glyphs[-1]["x1"],
        top=min(c["top"] for c in glyphs),
        bottom=max(c["bottom"] for c in glyphs),
        size=size,
        red=sum(_is_red(c.get("non_stroking_color")) for c in glyphs) > len(glyphs) / 2,
        space_before=chars[0]["text"].isspace(),
        space_after=chars[-1]["text"].isspace(),
    )


def _line_text(chars: list[dict], size: float) -> str:
    """The glyphs' text with spaces only where the page has them.

    A space glyph is kept unless it stands between two CJK characters (Chinese is set solid; such
    spaces are justification filler). Without a space glyph, a gap becomes a space between Latin
    words, or between anything when it is wide enough to separate columns. Gaps between CJK and
    Latin/digits stay closed: word processors draw that spacing without a character.
    """
    out: list[str] = []
    prev = None  # last non-space glyph
    pending_space = False
    for c in chars:
        t = c["text"]
        if t.isspace():
            pending_space = prev is not None
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            both_cjk = is_cjk(prev["text"][-1]) and is_cjk(t[0])
            either_cjk = is_cjk(prev["text"][-1]) or is_cjk(t[0])
            if gap >= _LAYOUT_GAP_EM * size:
                out.append(" ")
            elif pending_space and not both_cjk:
                out.append(" ")
            elif not either_cjk and gap > _WORD_GAP_EM * size:
                out.append(" ")
        out.append(t)
        prev, pending_space = c, False
    return "".join(out)


def _is_red(color: object) -> bool:
    """Red in DeviceRGB (r, g, b) or DeviceCMYK (c, m, y, k): the colour of GB/T 9704 banners."""
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 3:
        r, g, b = color
        return r > 0.6 and g < 0.35 and b < 0.35
    if len(color) == 4:
        c, m, y, k = color
        return m > 0.6 and y > 0.5 and c < 0.3 and k < 0.3
    return False


# --- pdfium, for pages pdfminer cannot decode ---------------------------------------------------


class _Pdfium:
    """pdfium's reading of the same bytes, opened on the first page that needs it (few PDFs do).

    pdfium is not thread-safe: parse one PDF at a time per process (the pipeline does).
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._doc: pdfium.PdfDocument | None = None
        self._failed = False

    def chars(self, index: int, page: Page) -> list[dict] | None:
        """The visible characters of page ``index`` (0-based) as pdfplumber records, or None if
        pdfium cannot read it (then the page keeps pdfminer's characters)."""
        if self._failed:
            return None
        try:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(self._data)
            pg = self._doc[index]
            try:
                textpage = pg.get_textpage()
                try:
                    chars = _pdfium_chars(textpage, page)
                finally:
                    textpage.close()
            finally:
                pg.close()
        except Exception:  # pdfium's errors on a file pdfminer could open: keep pdfminer's reading
            self._failed = self._doc is None
            return None
        return _visible(chars, page.bbox)

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()


def _pdfium_chars(textpage: pdfium.PdfTextPage, page: Page) -> list[dict]:
    """pdfium's characters in pdfplumber's record: text, x0, x1, top, bottom (from the top of the
    page, pdfplumber's page space), size, fontname, upright, non_stroking_color (RGB 0-1).

    pdfium gives boxes in PDF user space, origin bottom left, page rotation not applied; pdfminer
    applies the rotation (``ctm`` below) and pdfplumber flips y. The box is rebuilt the way
    pdfminer builds it: from the origin, ``size`` high, its bottom at the font's descent, its right
    edge at the advance (pdfium's loose box); pdfium's own loose box is as high as the font's
    ascent-descent span, up to 1 pt off pdfminer's. ``FPDFText_GetFontSize`` is the ``Tf`` operand
    alone: ``size`` scales it by the character's matrix, as pdfminer does (``1 Tf 16 0 0 16 Tm``).

    Characters pdfium cannot map to Unicode come out as ``(cid:N)``, N being the code pdfium passed
    through as their "Unicode": the same notation as pdfminer's, so they count as undecodable.
    pdfium flags them (``FPDFText_HasUnicodeMapError``), but its bidi pass drops the flag on the
    runs it reorders (codes that land in Hebrew, Arabic, Syriac… and the neutral characters around
    them; it also mirrors brackets and decomposes characters there): measured, 35 of 818 glyphs of
    an Identity-H page without a character collection. So a font whose glyphs on the page are
    mostly flagged is one pdfium cannot decode, and all its glyphs count as undecodable; a font
    with a few flagged glyphs (gaps in its ToUnicode map) keeps the others.
    """
    ctm = _rotation_ctm(page)
    mb_x0, mb_top = page.mediabox[0], page.mediabox[1]
    height = page.height
    tp = textpage.raw
    fonts: dict[int, tuple[str, float]] = {}
    matrix, box = pdfium_c.FS_MATRIX(), pdfium_c.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    out: list[dict] = []
    codes: list[tuple[int, int]] = []  # (font, code) of each record
    flagged: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # font → [flagged, glyphs]
    count = pdfium_c.FPDFText_CountChars(tp)
    i = 0
    while i < count:
        index, i = i, i + 1
        if pdfium_c.FPDFText_IsGenerated(tp, index) == 1:  # spaces and line breaks pdfium adds
            continue
        code = pdfium_c.FPDFText_GetUnicode(tp, index)
        if 0xD800 <= code < 0xDC00 and i < count:  # a UTF-16 surrogate pair (16-bit wchar_t builds)
            low = pdfium_c.FPDFText_GetUnicode(tp, i)
            if 0xDC00 <= low < 0xE000:
                code, i = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), i + 1
        if not (
            pdfium_c.FPDFText_GetMatrix(tp, index, matrix)
            and pdfium_c.FPDFText_GetCharOrigin(tp, index, ox, oy)
            and pdfium_c.FPDFText_GetLooseCharBox(tp, index, box)
        ):
            continue
        if pdfium_c.FPDFText_IsHyphen(tp, index) == 1:
            text = "-"  # pdfium replaces a line-end hyphen with U+0002
        elif pdfium_c.FPDFText_HasUnicodeMapError(tp, index) == 1 or not _is_text(code):
            text = f"(cid:{code})"
        else:
            text = chr(code)
        font, fontname, descent = _pdfium_font(tp, index, fonts)
        codes.append((font, code))
        if not text.isspace():
            flagged[font][0] += text.startswith("(cid:")
            flagged[font][1] += 1
        # the character's matrix in pdfminer's device space (page rotation applied), tested as
        # pdfminer tests it for ``upright``
        m_a, m_b, m_c, m_d = _times(matrix, ctm)
        size = pdfium_c.FPDFText_GetFontSize(tp, index) * math.hypot(m_c, m_d)
        x0, y0 = _apply(ctm, ox.value, oy.value)  # upright: the origin is the left edge
        x1 = max(_apply(ctm, box.left, oy.value)[0], _apply(ctm, box.right, oy.value)[0])
        bottom = y0 + descent * size
        colour = None
        if pdfium_c.FPDFText_GetFillColor(tp, index, r, g, b, a):
            colour = (r.value / 255, g.value / 255, b.value / 255)
        out.append({
            "text": text,
            "x0": x0 + mb_x0,
            "x1": x1 + mb_x0,
            "top": height - (bottom + size) + mb_top,
            "bottom": height - bottom + mb_top,
            "size": size,
            "fontname": fontname,
            "upright": m_a * m_d > 0 and m_b * m_c <= 0,
            "non_stroking_color": colour,
        })
    undecodable = {font for font, (bad, n) in flagged.items() if bad > n / 2}
    for c, (font, code) in zip(out, codes):
        if font in undecodable and not c["text"].isspace():
            c["text"] = f"(cid:{code})"
    return out


def _is_text(code: int) -> bool:
    """Whether pdfium's "Unicode" can be text: not a control character, a lone surrogate or a
    noncharacter, which are codes passed through (and could not be stored as UTF-8)."""
    if not 0 < code <= 0x10FFFF or code in (0xFFFE, 0xFFFF):
        return False
    ch = chr(code)
    return ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")


def _pdfium_font(tp, index: int, cache: dict[int, tuple[str, float]]) -> tuple[int, str, float]:
    """The font of character ``index`` of raw text page ``tp``: an id, its name and its descent per
    unit of size (negative), cached per font."""
    obj = pdfium_c.FPDFText_GetTextObject(tp, index)
    font = pdfium_c.FPDFTextObj_GetFont(obj) if obj else None
    if not font:
        return 0, "", 0.0
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    if key not in cache:
        n = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
        buf = ctypes.create_string_buffer(n)
        pdfium_c.FPDFFont_GetBaseFontName(font, buf, n)
        descent = ctypes.c_float()
        if not pdfium_c.FPDFFont_GetDescent(font, 1.0, descent):
            descent.value = 0.0  # pdfminer's default without a Descent
        cache[key] = (buf.value.decode("utf-8", "replace"), descent.value)
    return (key, *cache[key])


def _rotation_ctm(page: Page) -> tuple[float, float, float, float, float, float]:
    """pdfminer's page matrix: user space to its device space (``PDFPageInterpreter.process_page``)."""
    x0, y0, x1, y1 = page.page_obj.mediabox
    return {
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }.get(page.rotation, (1, 0, 0, 1, -x0, -y0))


def _times(m: pdfium_c.FS_MATRIX, ctm: tuple) -> tuple[float, float, float, float]:
    a, b, c, d = ctm[:4]
    return (m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


# --- the whole document ------------------------------------------------------------------------


def _assemble(
    lines: list[_Line], heights: dict[int, float], page_count: int, meta: dict, warnings: list[str]
) -> ParsedNotice:
    lines = _strip_furniture(lines, heights, page_count)
    if not lines:
        raise ParseError(f"no body text: {page_count} pages hold only page numbers and running headers")
    layout = _measure(lines)
    header = _read_header(lines, layout)
    title, title_is_printed = _choose_title(header.title, _meta_str(meta, "Title"), bool(header.banner_lines))
    drop = set(header.banner_lines) | (set(header.title_lines) if title_is_printed else set())
    paragraphs = _paragraphs([ln for i, ln in enumerate(lines) if i not in drop], layout)
    issuer = header.banner or _plausible_issuer(_meta_str(meta, "Author"))
    doc_number = find_doc_number(header.doc_number_line) if header.doc_number_line else None
    return ParsedNotice(
        format="pdf",
        paragraphs=paragraphs,
        title=title,
        issuer=issuer,
        doc_number=doc_number,
        signed_date=_signed_date(paragraphs),
        page_count=page_count,
        warnings=warnings,
    )


def _strip_furniture(lines: list[_Line], heights: dict[int, float], page_count: int) -> list[_Line]:
    """Drop page numbers and running headers/footers: lines in the top/bottom margin band that
    look like a page number, or whose text (digits masked) recurs there on most pages."""

    def in_band(ln: _Line) -> bool:
        h = heights[ln.page]
        return ln.top < _MARGIN_BAND * h or ln.bottom > (1 - _MARGIN_BAND) * h

    first_last: set[int] = set()
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, ln in enumerate(lines):
        by_page[ln.page].append(i)
    for idx in by_page.values():
        first_last.update((idx[0], idx[-1]))

    pages_of: dict[tuple[str, int], set[int]] = defaultdict(set)
    for ln in lines:
        if in_band(ln):
            pages_of[_furniture_key(ln)].add(ln.page)
    recurring = {k for k, pages in pages_of.items() if _is_running(len(pages), page_count)}

    kept = []
    for i, ln in enumerate(lines):
        if ln.table_row is not None:  # a table's repeated header is no running header
            kept.append(ln)
            continue
        # a bare number only in the margin band; "— 3 —", "第3页", "3/26" also as a page's first/last line
        decorated = not ln.text.strip().isdigit()
        edge = in_band(ln) or (i in first_last and decorated)
        if edge and _PAGE_NUMBER.fullmatch(ln.text):
            continue
        if in_band(ln) and _furniture_key(ln) in recurring:
            continue
        kept.append(ln)
    return kept


def _is_running(pages: int, page_count: int) -> bool:
    """Whether a margin-band line found on ``pages`` pages is a running header/footer: it is on
    most pages of a long document, or on every page of a short one (2 pages are enough: body
    text does not repeat itself at the same height of the margin band)."""
    return pages >= 2 and (pages == page_count or pages >= max(3, 0.5 * page_count))


def _furniture_key(ln: _Line) -> tuple[str, int]:
    """Same text up to digits (page numbers, dates) at the same height."""
    return re.sub(r"\d+", "#", ln.text.replace(" ", "")), round(ln.top / 6)


def _measure(lines: list[_Line]) -> _Layout:
    """Body font size, margins per page parity and line pitch, from the body-size lines."""
    size = Counter(ln.size for ln in lines).most_common(1)[0][0]
    body = [ln for ln in lines if abs(ln.size - size) < 0.1 * size]
    left_all = _margin([ln.x0 for ln in body])
    right_all = _high([ln.x1 for ln in body])
    left, right = {}, {}
    for parity in (0, 1):
        group = [ln for ln in body if ln.page % 2 == parity]
        enough = len(group) >= 8
        left[parity] = _margin([ln.x0 for ln in group]) if enough else left_all
        right[parity] = _high([ln.x1 for ln in group]) if enough else right_all
    steps = [
        b.top - a.top for a, b in zip(body, body[1:]) if a.page == b.page and 0 < b.top - a.top < 4 * size
    ]
    pitch = median(steps) if steps else 1.5 * size
    return _Layout(size=size, left=left, right=right, pitch=pitch)


def _margin(starts: list[float]) -> float:
    """The left margin: the leftmost line start (at 1-pt resolution) shared by a substantial part
    of the lines. Not the most common start: where paragraphs are short (lists of one- and
    two-line items) indented first lines are as many as continuation lines, or more, and taking
    the indent for the margin would merge every paragraph. Centred and signature lines start
    further right; nothing but odd lines starts left of the margin."""
    counts = Counter(round(x) for x in starts)
    floor = max(2, _MARGIN_SHARE * len(starts))
    shared = [x for x, n in counts.items() if n >= floor]
    return min(shared) if shared else counts.most_common(1)[0][0]


def _high(values: list[float]) -> float:
    """The 95th percentile: where full lines end, robust to a few lines sticking out."""
    s = sorted(values)
    return s[min(len(s) - 1, int(0.95 * len(s)))]


# --- header ------------------------------------------------------------------------------------


@dataclass
class _Header:
    banner: str | None  # issuer named by the "XX文件" banner
    banner_lines: list[int]  # indices into the document's lines; never body text
    doc_number_line: str | None  # kept in the body
    title: str | None  # the printed title block, joined
    title_lines: list[int]  # not body text when the printed title is taken as the title


def _read_header(lines: list[_Line], layout: _Layout) -> _Header:
    """Banner, 文号 line and title block at the top of page 1, before the first body paragraph.

    The banner is large (GB/T 9704: ~2x body) or red; the title block is the run of large lines
    after it. Without a banner the title block is only a candidate: the printed heading of a
    republished notice is often a press headline, so it stays in the body unless it is chosen.
    """
    top = [i for i, ln in enumerate(lines) if ln.page == 1]
    start = _banner_start(lines, top, layout)
    pos = start
    while pos < len(top) and _is_banner(lines[top[pos]], layout):
        pos += 1
    banner_lines = top[start:pos]
    above_banner = top[:start] if banner_lines else []  # 份号, 密级, 紧急程度: 版头, not body
    doc_line = None
    title_idx: list[int] = []
    for i in top[pos:]:
        ln = lines[i]
        if ln.size >= _LARGE * layout.size:
            if title_idx and abs(ln.size - lines[title_idx[-1]].size) > 0.1 * ln.size:
                break
            title_idx.append(i)
        elif title_idx:
            break
        elif doc_line is None and _is_doc_number_line(ln.text):
            doc_line = ln.text
        else:
            break  # body text: the header is over
    return _Header(
        banner=_banner_issuer([lines[i].text for i in banner_lines]),
        banner_lines=above_banner + banner_lines,
        doc_number_line=doc_line,
        title=_join([lines[i] for i in title_idx]) if title_idx else None,  # wraps as in the body
        title_lines=title_idx,
    )


def _banner_start(lines: list[_Line], top: list[int], layout: _Layout) -> int:
    """Position in ``top`` where the banner starts: 0, or after up to three short marks that
    GB/T 9704 puts above it (份号 000001, 密级 机密★1年, 紧急程度 特急); len(top) if no banner.

    Lines set smaller than the body are passed over whatever their length: above a banner they
    are a running header ("广西壮族自治区人民政府公报"), which a 1-page PDF cannot show to repeat.
    """
    marks = 0
    for pos, i in enumerate(top):
        ln = lines[i]
        if _is_banner(ln, layout):
            return pos
        if ln.size <= _SMALL * layout.size:
            continue
        marks += 1
        if marks > 3 or len(ln.text) > 12 or _SENTENCE_PUNCT.search(ln.text):
            break
    return len(top)


def _is_banner(ln: _Line, layout: _Layout) -> bool:
    """An issuer name set large or red at the top: "广东省人民政府文件", "XX办公厅". Titles are
    large too, but a title says what the document is (关于…的通知, 《…》意见); a banner never does."""
    text = ln.text.replace(" ", "")
    large = ln.size >= _BANNER * layout.size
    if not (ln.size > layout.size and (large or ln.red or text.endswith("文件"))):
        return False
    return not _TITLE_WORDS.search(text) and not find_doc_number(text)


def _banner_issuer(parts: list[str]) -> str | None:
    """"广东省人民政府文件" → 广东省人民政府; stacked joint banners are joined with a space."""
    names = [re.sub(r"\s+", "", p) for p in parts]
    names = [re.sub(r"文件$", "", n) for n in names]
    names = [n for n in names if n]
    return " ".join(names) or None


def _is_doc_number_line(text: str) -> bool:
    """A line that is (mostly) a 文号, possibly with 签发人 beside it — not a sentence citing one."""
    number = find_doc_number(text)
    if not number:
        return False
    rest = re.sub(r"\s+", "", text.replace(number, "", 1))
    return not rest or rest.startswith("签发人") or (len(rest) <= 8 and not _SENTENCE_PUNCT.search(rest))


def _choose_title(printed: str | None, meta_title: str | None, has_banner: bool) -> tuple[str | None, bool]:
    """The title and whether it is the printed one. Under a red header the printed title block is
    the title; otherwise the PDF's Title property when it is a real title (not "Microsoft Word -
    x.doc"), since a portal's printed heading may be a headline about the document."""
    if has_banner and printed:
        return printed, True
    meta = meta_title if meta_title and _plausible_title(meta_title) else None
    if meta:
        same = printed is not None and re.sub(r"\s+", "", printed) == re.sub(r"\s+", "", meta)
        return (printed, True) if same else (meta, False)
    return printed, printed is not None


def _plausible_title(s: str) -> bool:
    return sum(is_cjk(ch) for ch in s) >= 4 and not _FILE_NAME.search(s.strip())


def _plausible_issuer(author: str | None) -> str | None:
    """The PDF Author when it names organisations (often it is a user name or "Administrator")."""
    if not author:
        return None
    parts = author.split()
    if parts and all(_ORG_SUFFIX.search(p) and all(is_cjk(ch) for ch in p) for p in parts):
        return " ".join(parts)
    return None


def _meta_str(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    if not isinstance(value, str):  # undecodable metadata comes back as bytes
        return None
    return value.strip() or None


# --- paragraphs --------------------------------------------------------------------------------


def _paragraphs(lines: list[_Line], layout: _Layout) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    current: list[_Line] = []
    for prev, line in zip([None, *lines], lines):
        if prev is not None and _starts_paragraph(prev, line, layout):
            paragraphs.append(_paragraph(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(_paragraph(current))
    return [p for p in paragraphs if p.text]


def _paragraph(lines: list[_Line]) -> Paragraph:
    text = _collapse(_join(lines))
    # Where the paragraph turns the page: the length of the text its earlier pages' lines make.
    # Joining is left to right, so that text is a prefix of the paragraph's (up to a space).
    breaks = []
    for i in range(1, len(lines)):
        if lines[i].page != lines[i - 1].page:
            at = len(_collapse(_join(lines[:i])))
            while at < len(text) and text[at] == " ":
                at += 1
            breaks.append(min(at, len(text)))
    return Paragraph(text=text, page=lines[0].page, page_breaks=tuple(breaks))


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _join(lines: list[_Line]) -> str:
    """Rejoin a paragraph's lines: ``join_wrapped_lines``, after fixing the two wraps it cannot see.

    A space glyph at the wrap is the text's own ("已建 " + "LNG"): kept unless between CJK. A
    Latin/number token cut by the wrap ("〔2" + "016〕", "在C" + "EPA") is closed up: CJK layout
    breaks such tokens anywhere. A wrap after a space-separated Latin word ("the State" +
    "Council") keeps join_wrapped_lines' space. Cost: "（Hong" + "Kong）" becomes HongKong.
    """
    segments = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        left, right = segments[-1], line.text
        spaced = prev.space_after or line.space_before
        if spaced and not (is_cjk(left[-1]) and is_cjk(right[0])):
            segments[-1] = f"{left} {right}"
        elif not spaced and _TOKEN_END.search(left) and _TOKEN_START.match(right):
            segments[-1] = left + right
        else:
            segments.append(right)
    return join_wrapped_lines(segments)


def _starts_paragraph(prev: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether ``line`` begins a new paragraph after ``prev`` (possibly on the previous page)."""
    if line.table_row is not None or prev.table_row is not None:
        return True  # a table row is a paragraph of its own
    em = layout.size
    if line.page == prev.page and line.top - prev.top > _PARA_GAP * max(layout.pitch, prev.size):
        return True  # blank line
    if abs(line.size - prev.size) > 0.1 * max(line.size, prev.size):
        return True  # heading or title in another size
    if line.size >= _LARGE * em and prev.size >= _LARGE * em:
        return False  # a wrapped heading/title: centred lines, each one short
    if line.x0 > layout.left_of(line) + _INDENT_EM * em:
        return True  # first-line indent, or a centred line
    room = layout.right_of(prev) - prev.x1
    if room > max(_SHORT_EM * em, _first_token_width(line) + em):
        return True  # the previous line stopped early although the next word would have fit
    if _HEADING.match(line.text) and prev.text.rstrip()[-1:] in _SENTENCE_END:
        return True  # an unindented heading after a finished sentence
    return False


def _first_token_width(line: _Line) -> float:
    """Rough width of what cannot be split off the start of ``line``: a Latin/number run
    (PM_{2.5}, 2020) or one character, plus punctuation that may not start a line."""
    text = line.text
    m = _LATIN_RUN.match(text)
    n_half = len(m.group()) if m else 0
    n_full = 0 if m else 1
    rest = text[len(m.group()) if m else 1 :]
    while rest and rest[0] in _NO_LINE_START:
        n_full += 1
        rest = rest[1:]
    return (0.5 * n_half + n_full) * line.size


def _signed_date(paragraphs: list[Paragraph]) -> date | None:
    """成文日期: the first paragraph that is nothing but a date (the line under the signature)."""
    for p in paragraphs:
        if _DATE_ONLY.fullmatch(p.text):
            found = parse_cn_date(p.text)
            if found:
                return found
    return None


# pdfminer's terse messages for a broken file structure, said so a reader of the log understands
_PDFMINER_REASONS = {
    "No /Root object!": "its catalogue (/Root) cannot be found: the trailer or cross-reference table is damaged",
    "Unexpected EOF": "the file ends too early (truncated download?)",
}


def _why_unopenable(exc: BaseException, data: bytes) -> str:
    """Why a file that starts like a PDF cannot be opened. Whatever pdfminer raised (syntax
    errors, KeyError, zlib errors…), the file is corrupt or truncated, unless it is encrypted;
    a file that does not end with the %%EOF marker was cut short."""
    reason = _describe(exc)
    if reason.startswith("encrypted"):
        return reason
    if b"%%EOF" not in data[-2048:]:
        reason = "the file ends without its %%EOF marker (truncated download?)"
    return f"corrupt or truncated PDF: {reason}"


def _describe(exc: BaseException) -> str:
    """A one-line reason for a pdfminer/pdfplumber failure (they wrap the real error)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__ or exc
    name = type(inner).__name__
    text = " ".join(str(inner).split()) or name
    if "password" in name.lower() or "encrypt" in name.lower() or "password" in text.lower():
        return f"encrypted, needs a password ({name})"
    if name == "PSEOF":
        return _PDFMINER_REASONS["Unexpected EOF"]
    for terse, readable in _PDFMINER_REASONS.items():
        if text.startswith(terse):
            return readable
    if name == text:
        return name
    return f"{text} ({name})" if name not in text else text


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface (pipelines.parse.registry); the content type says nothing a PDF does not."""
    return parse_pdf(data, url=url)
