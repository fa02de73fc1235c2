"""parse_pdf on the two bundled PDFs, plus small PDFs written here for the failure cases."""
from __future__ import annotations

import io
import json
import os
import re
import zlib
from datetime import date
from pathlib import Path

import pytest
import synth
from reference import coverage, reference_text
from synth import GUANGXI, JIANGXI

from pipelines.model import ParsedNotice, ParseError
from pipelines.parse.pdf import parse_pdf

CORPUS = Path(__file__).parent.parent / "corpus"
MANIFEST = {e["file"]: e for e in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))}
CJK_SPACE_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”—…][ \t]+[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”—…]")
PAGE_NUMBER = re.compile(r"[—–-]\s*\d{1,3}\s*[—–-]")


@pytest.fixture(scope="module")
def gd2017() -> ParsedNotice:
    return parse_pdf((CORPUS / "gd-2017-8.pdf").read_bytes())


@pytest.fixture(scope="module")
def gba() -> ParsedNotice:
    return parse_pdf((CORPUS / "gd-gba-2019.pdf").read_bytes())


@pytest.fixture(scope="module", params=["gd2017", "gba"])
def notice(request) -> ParsedNotice:
    return request.getfixturevalue(request.param)


# --- text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "seed"), [("gd2017", "001"), ("gba", "002")])
def test_reproduces_reference_text(request, name, seed):
    notice = request.getfixturevalue(name)
    assert coverage(notice.full_text, reference_text(seed)) >= 0.99


def test_no_page_furniture_left(notice):
    for p in notice.paragraphs:
        assert not PAGE_NUMBER.search(p.text), p.text[:80]


def test_no_space_between_cjk(notice):
    for p in notice.paragraphs:
        assert not CJK_SPACE_CJK.search(p.text), p.text[:80]


def test_pages_are_ordered_and_in_range(notice):
    pages = [p.page for p in notice.paragraphs]
    assert pages == sorted(pages)
    assert pages[0] == 1 and pages[-1] >= notice.page_count - 1  # the last may start a page early
    assert all(1 <= n <= notice.page_count for n in pages)


def test_page_of_later_paragraphs(gd2017, gba):
    assert _paragraph(gd2017, "(三)建立合作资金支持机制。").page == 26
    assert _paragraph(gba, "（四）发展目标").page == 3
    # starts at the foot of page 1, ends on page 2: the start page counts
    assert _paragraph(gba, "粤港澳大湾区建设是习近平总书记亲自谋划").page == 1


def test_wrapped_words_are_rejoined(gd2017, gba):
    text = gd2017.full_text
    # "指导" | "意见》(国发〔2016〕18号)" and "〔2" | "016〕" are wrapped in the PDF
    assert "《国务院关于深化泛珠三角区域合作的指导意见》(国发〔2016〕18号)" in text
    assert "(发改办地区〔2016〕2455号)" in text
    # Latin tokens cut by a wrap close up; a space glyph at a wrap is kept
    assert "在CEPA框架下" in gba.full_text
    assert "扩大已建 LNG 接收站" in gba.full_text


def test_extraction_traits_kept_as_published(gba):
    # the published text has these spaces and this notation (see seed-002)
    assert "第一步，到 2020 年，粤港澳大湾区建设打下坚实基础。" in gba.full_text
    assert "细颗粒物（PM_{2.5}）污染" in gba.full_text


def test_paragraphs_follow_layout(gd2017):
    texts = [p.text for p in gd2017.paragraphs]
    assert texts[:6] == [
        "粤府〔2017〕8号",
        "各地级以上市人民政府,各县(市、区)人民政府,省政府各部门、各直属机构:",
        "现将《广东省深化泛珠三角区域合作实施意见》印发给你们,请认真贯彻执行。执行中遇到的问题,请径向省发展改革委反映。",
        "广东省人民政府",
        "2017年1月20日",
        "广东省深化泛珠三角区域合作实施意见",
    ]
    assert "一、总体要求" in texts  # heading on its own
    # a paragraph running over a page break stays one paragraph
    assert any(t.startswith("为深入贯彻落实") and t.endswith("制定本实施意见。") for t in texts)


# --- header and metadata ----------------------------------------------------------------------------


def test_red_header(gd2017):
    assert gd2017.doc_number == "粤府〔2017〕8号"
    assert gd2017.issuer == "广东省人民政府"
    assert gd2017.title == MANIFEST["gd-2017-8.pdf"]["名称"]
    assert gd2017.signed_date == date(2017, 1, 20)
    assert gd2017.page_count == 26
    assert not any("文件" == p.text[-2:] for p in gd2017.paragraphs[:3])  # banner is not body
    assert gd2017.title not in gd2017.full_text  # nor is the title block
    assert gd2017.warnings == []


def test_no_header(gba):
    assert gba.title == MANIFEST["gd-gba-2019.pdf"]["名称"]
    assert gba.doc_number is None  # the body cites 文号s; none of them is this notice's
    assert gba.issuer == MANIFEST["gd-gba-2019.pdf"]["发布机构"]
    assert gba.page_count == 57
    # the printed heading is a headline, not the title: it stays, as in seed-002
    assert gba.paragraphs[0].text == "广东省委、省政府印发关于贯彻落实《粤港澳大湾区发展规划纲要》的实施意见"


# --- generated PDFs ---------------------------------------------------------------------------------


def _paragraph(notice: ParsedNotice, start: str):
    return next(p for p in notice.paragraphs if p.text.startswith(start))


def _pdf(pages: list[tuple[bytes, bytes]], extra: list[bytes] = ()) -> bytes:
    """A minimal valid PDF: one (resources, content stream) pair per page; ``extra`` objects are
    numbered from 3 + 2 * len(pages) so resources can refer to them."""
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, (resources, content) in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources
            + b" /Contents %d 0 R >>" % (4 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.extend(extra)
    return synth.serialise_pdf(objects, root=1)


def _image_page(image_obj: int) -> tuple[bytes, bytes]:
    return b"<< /XObject << /Im1 %d 0 R >> >>" % image_obj, b"q 200 0 0 200 100 300 cm /Im1 Do Q"


def _image() -> bytes:
    pixels = zlib.compress(bytes([0, 255, 255, 0]))
    return (
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"
    )


def _text_page(font_obj: int, lines: list[tuple[float, float, str]]) -> tuple[bytes, bytes]:
    """Helvetica text lines given as (x, y from the bottom, text)."""
    ops = b"".join(b"BT /F1 12 Tf %g %g Td (%s) Tj ET\n" % (x, y, t.encode("latin-1")) for x, y, t in lines)
    return b"<< /Font << /F1 %d 0 R >> >>" % font_obj, ops


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def test_scanned_pdf_raises():
    data = _pdf([_image_page(5)], [_image()])
    with pytest.raises(ParseError, match="no text layer: 1 pages, all images"):
        parse_pdf(data)


def test_scanned_page_is_a_warning():
    data = _pdf([_text_page(7, [(72, 700, "Notice text on the first page.")]), _image_page(8)], [HELVETICA, _image()])
    notice = parse_pdf(data)
    assert notice.full_text == "Notice text on the first page."
    assert "page 2 has no text layer (scanned?)" in notice.warnings


def test_undecodable_glyphs_are_a_warning():
    # a CID font without ToUnicode map: pdfminer yields "(cid:N)" for each glyph
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>] >>"
    )
    content = b"BT /F1 12 Tf 72 700 Td <0102030405> Tj ET"
    notice = parse_pdf(_pdf([(b"<< /Font << /F1 5 0 R >> >>", content)], [font]))
    assert "(cid:" in notice.full_text
    assert any("could not be decoded" in w and "%" in w for w in notice.warnings), notice.warnings


def test_generic_page_furniture():
    # page numbers in three styles and a running header, none of them the samples' strings
    body = [(72, 700 - 20 * i, f"Body line {i} of page {{n}} that says something.") for i in range(3)]
    footers = ["- {n} -", "{n}/3", "Page {n} of 3"]
    pages = []
    for n in (1, 2, 3):
        lines = [(72, 800, "Provincial Office Bulletin")]
        lines += [(x, y, t.format(n=n)) for x, y, t in body]
        lines += [(280, 40, footers[n - 1].format(n=n))]
        pages.append(_text_page(9, lines))  # the font is the first extra object: 3 + 2 * 3
    notice = parse_pdf(_pdf(pages, [HELVETICA]))
    assert "Bulletin" not in notice.full_text
    assert not re.search(r"- \d -|\d/3|Page \d of 3", notice.full_text), notice.full_text
    assert "Body line 2 of page 3 that says something." in notice.full_text
    assert [p.page for p in notice.paragraphs] == sorted(p.page for p in notice.paragraphs)


def test_fake_bold_is_deduplicated():
    # fake bold draws each glyph again a fraction of a point to the right
    lines = [(72, 700, "Heading set in fake bold"), (72.4, 700.2, "Heading set in fake bold")]
    notice = parse_pdf(_pdf([_text_page(5, lines)], [HELVETICA]))
    assert notice.full_text == "Heading set in fake bold"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((CORPUS / "gd-2017-8.pdf").read_bytes()[:200_000], id="truncated"),
        pytest.param((CORPUS / "gd-2017-8.pdf").read_bytes()[:-200], id="no-trailer"),
        pytest.param(b"%PDF-1.4\n" + os.urandom(4000), id="random-after-header"),
        pytest.param(os.urandom(4000), id="random"),
        pytest.param(b"", id="empty"),
    ],
)
def test_corrupt_pdf_raises_parse_error(data):
    with pytest.raises(ParseError) as err:
        parse_pdf(data)
    message = str(err.value)
    assert message and "Traceback" not in message and "\n" not in message


# --- GB/T 9704 notices of other styles (tests/synth.py) ---------------------------------------------


def _body(notice: ParsedNotice) -> list[str]:
    """Paragraph texts after the 文号 line, without the spaces PDF text puts next to CJK."""
    return [re.sub(r"\s+", "", p.text) for p in notice.paragraphs[1:]]


def test_running_header_of_a_two_page_pdf_is_furniture():
    # 30 characters a line: JIANGXI fits on 2 pages, too few to tell by "most pages"
    typeset = synth.typeset_for(JIANGXI, chars_per_line=30)
    assert len(typeset.pages) == 2
    parsed = parse_pdf(typeset.pdf())
    assert JIANGXI.bulletin not in parsed.full_text
    assert _body(parsed) == JIANGXI.body  # no paragraph cut at the page break by the header
    assert {p.text: p.page for p in parsed.paragraphs if p.text in dict(typeset.starts)} == dict(typeset.starts)


def test_long_running_header_above_the_banner_is_passed_over():
    # 13 characters in small type above "广西壮族自治区人民政府文件": not one of the short marks
    # (份号, 密级) GB/T 9704 puts there, but a running header; a 1-page PDF cannot show it repeats
    n = GUANGXI
    one_page = synth.notice_pdf(
        n.paragraphs[:2], header=f"{n.issuer}文件", doc_number=n.doc_number, title="\n".join(n.title_lines),
        addressee=n.addressee, signature=(n.signature, n.date), running_header=n.bulletin,
    )
    parsed = parse_pdf(one_page)
    assert parsed.page_count == 1
    assert (parsed.issuer, parsed.doc_number, parsed.title) == (n.issuer, n.doc_number, n.title)
    assert n.bulletin not in parsed.full_text and f"{n.issuer}文件" not in parsed.full_text
    assert parsed.paragraphs[0].text == n.doc_number


def test_two_page_red_header_pdf_with_a_long_running_header():
    parsed = parse_pdf(synth.pdf_for(GUANGXI))
    assert (parsed.issuer, parsed.doc_number, parsed.title) == (GUANGXI.issuer, GUANGXI.doc_number, GUANGXI.title)
    assert _body(parsed) == GUANGXI.body


@pytest.mark.parametrize(
    "layout",
    [{"running_header": None}, {"chars_per_line": 30}],
    ids=["indents-outnumber-margin-lines", "indents-tie-margin-lines-on-page-2"],
)
def test_left_margin_is_not_the_indent_where_paragraphs_are_short(layout):
    notice = GUANGXI if "running_header" in layout else JIANGXI
    parsed = parse_pdf(synth.pdf_for(notice, **layout))
    assert _body(parsed) == notice.body


def test_title_wrapped_inside_a_latin_token_is_closed_up():
    # the title block breaks "5G" across lines: joined as body lines are, without a space
    data = synth.pdf_for(JIANGXI, title="江西省人民政府关于加快推进5\nG网络建设和应用发展的通知")
    assert parse_pdf(data).title == JIANGXI.title


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(synth.corrupt_pdf(keep=0.95), "truncated", id="cut-at-95%"),
        pytest.param(synth.corrupt_pdf(keep=0.6), "truncated", id="cut-at-60%"),
        pytest.param(synth.pdf_for(JIANGXI).replace(b"trailer", b"trailxx"), "catalogue", id="damaged-trailer"),
        pytest.param(b"%PDF-1.4\n" + os.urandom(4000), "truncated", id="random-after-header"),
    ],
)
def test_corrupt_pdf_message_is_readable(data, reason):
    with pytest.raises(ParseError) as err:
        parse_pdf(data, url="file:///x/broken.pdf")
    message = str(err.value)
    assert message.startswith("unreadable PDF (file:///x/broken.pdf): corrupt or truncated PDF: "), message
    assert reason in message
    assert "Is this really a PDF" not in message and "Error" not in message  # no pdfminer jargon



# --- fonts without a ToUnicode map: pdfium reads the pages pdfminer cannot decode -------------------

# STSong-Light, not embedded, no ToUnicode, declared four ways (see synth.CIDFont)
GB1_BY_CSI = synth.CIDFont("Identity-H", "GB1")  # the collection named by CIDSystemInfo only
GBK_NO_CSI_ORDERING = synth.CIDFont("GBK-EUC-H", "Identity")  # the collection named by the CMap only
UCS2_NO_CSI = synth.CIDFont("UniGB-UCS2-H", None)  # idem, CIDSystemInfo missing
NO_COLLECTION = synth.CIDFont("Identity-H", "Identity")  # nothing says the CIDs are Adobe-GB1


def _engine_texts(data: bytes) -> tuple[str, str]:
    import pdfplumber
    import pypdfium2

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pdfminer_text = "".join(c["text"] for page in pdf.pages for c in page.chars)
    doc = pypdfium2.PdfDocument(data)
    try:
        pdfium_text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return pdfminer_text, pdfium_text


@pytest.mark.parametrize(
    ("font", "pdfminer_decodes", "pdfium_decodes"),
    [
        pytest.param(GB1_BY_CSI, True, True, id="Identity-H+GB1"),
        pytest.param(GBK_NO_CSI_ORDERING, False, True, id="GBK-EUC-H+Identity"),
        pytest.param(UCS2_NO_CSI, False, True, id="UniGB-UCS2-H+no-CIDSystemInfo"),
        pytest.param(NO_COLLECTION, False, False, id="Identity-H+Identity"),
    ],
)
def test_which_engine_decodes_a_font_without_tounicode(font, pdfminer_decodes, pdfium_decodes):
    # what the fallback rests on: pdfminer finds the collection in CIDSystemInfo only, pdfium in a
    # predefined CMap's name too; with Identity-H and no collection neither can decode
    data = synth.pdf_for(GUANGXI, font=font)
    pdfminer_text, pdfium_text = _engine_texts(data)
    assert ("(cid:" not in pdfminer_text) is pdfminer_decodes
    assert (GUANGXI.addressee in pdfminer_text) is pdfminer_decodes
    assert (GUANGXI.addressee in pdfium_text) is pdfium_decodes


@pytest.mark.parametrize("font", [GBK_NO_CSI_ORDERING, UCS2_NO_CSI], ids=["GBK-EUC-H+Identity", "UCS2-no-CIDSystemInfo"])
@pytest.mark.parametrize("notice", [GUANGXI, JIANGXI], ids=["guangxi", "jiangxi"])
def test_pages_pdfminer_cannot_decode_are_read_with_pdfium(notice, font):
    typeset = synth.typeset_for(notice, font=font)
    parsed = parse_pdf(typeset.pdf())
    assert coverage(parsed.full_text, notice.text) >= 0.99
    assert "(cid:" not in parsed.full_text
    assert _body(parsed) == notice.body  # same line and paragraph reconstruction as pdfminer's glyphs
    assert (parsed.issuer, parsed.doc_number, parsed.title) == (notice.issuer, notice.doc_number, notice.title)
    assert notice.bulletin not in parsed.full_text
    pages = ", ".join(str(n) for n in range(1, len(typeset.pages) + 1))
    assert len(parsed.warnings) == 1, parsed.warnings
    assert parsed.warnings[0].startswith(f"pages {pages} read with pdfium: pdfminer could not decode ")
    assert parsed.warnings[0].endswith("; 0 remained undecodable")


@pytest.mark.parametrize("cid_page", [1, 2])
def test_only_the_undecodable_page_is_read_with_pdfium(cid_page):
    fonts = (synth.STSONG, GBK_NO_CSI_ORDERING) if cid_page == 2 else (GBK_NO_CSI_ORDERING, synth.STSONG)
    typeset = synth.typeset_for(GUANGXI, font=fonts)
    assert len(typeset.pages) == 2 and typeset.font_of(cid_page) == GBK_NO_CSI_ORDERING
    parsed = parse_pdf(typeset.pdf())
    assert _body(parsed) == GUANGXI.body
    assert (parsed.issuer, parsed.doc_number, parsed.title) == (GUANGXI.issuer, GUANGXI.doc_number, GUANGXI.title)
    # the running header is found on both pages although two engines placed it
    assert GUANGXI.bulletin not in parsed.full_text
    assert {p.text: p.page for p in parsed.paragraphs if p.text in dict(typeset.starts)} == dict(typeset.starts)
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith(f"page {cid_page} read with pdfium: ")


def test_undecodable_by_both_engines_stays_a_warning():
    typeset = synth.typeset_for(GUANGXI, font=NO_COLLECTION)
    parsed = parse_pdf(typeset.pdf())
    assert "(cid:" in parsed.full_text
    assert not any("read with pdfium" in w for w in parsed.warnings), parsed.warnings
    assert len(parsed.warnings) == 1
    assert "could not be decoded" in parsed.warnings[0]
    assert parsed.warnings[0].endswith("pdfium could not decode them either on pages 1, 2")


# a Type0 font pdfium decodes and pdfminer does not (no CIDSystemInfo), beside Helvetica
UCS2_FONT_NO_CSI = [
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 >>",
]


@pytest.mark.parametrize(("cjk", "switched"), [("中国", False), ("中华人民共和国国务院办公厅", True)])
def test_a_few_undecodable_glyphs_do_not_switch_engines(cjk, switched):
    # 42 Latin glyphs and 2 (4.5 %) or 13 (24 %) undecodable ones: a stray symbol is not worth
    # trading pdfminer's reading of the page for; a font's worth of text is
    latin = "Notice text set in a font both engines decode well."
    content = b"BT /F1 12 Tf 72 700 Td (%s) Tj ET BT /F2 12 Tf 72 640 Td <%s> Tj ET" % (
        latin.encode(), cjk.encode("utf-16-be").hex().encode(),
    )
    extra = [HELVETICA, UCS2_FONT_NO_CSI[0] % 7, UCS2_FONT_NO_CSI[1]]
    notice = parse_pdf(_pdf([(b"<< /Font << /F1 5 0 R /F2 6 0 R >> >>", content)], extra))
    assert notice.paragraphs[0].text == latin
    if switched:
        assert notice.full_text.endswith(cjk)
        assert notice.warnings == [
            f"page 1 read with pdfium: pdfminer could not decode {len(cjk)} of their {len(cjk) + 42} characters "
            "(a font without a ToUnicode map); 0 remained undecodable"
        ]
    else:
        assert "(cid:" in notice.full_text and cjk not in notice.full_text
        assert len(notice.warnings) == 1 and "could not be decoded" in notice.warnings[0]


def test_pdfium_is_not_opened_for_pdfs_pdfminer_decodes(monkeypatch):
    import pipelines.parse.pdf as pdf_module

    opened = []
    monkeypatch.setattr(pdf_module.pdfium, "PdfDocument", lambda *a, **k: opened.append(a))
    parsed = parse_pdf(synth.pdf_for(JIANGXI))
    assert _body(parsed) == JIANGXI.body and parsed.warnings == []
    assert opened == []


@pytest.mark.parametrize(("name", "file"), [("gd2017", "gd-2017-8.pdf"), ("gba", "gd-gba-2019.pdf")])
def test_pdfium_characters_rebuild_the_corpus_notices(request, monkeypatch, name, file):
    # every page read with pdfium (both engines decode these): the same notice as from pdfminer's
    # glyphs, so the fallback's characters are the records the reconstruction was tuned on
    import pipelines.parse.pdf as pdf_module

    data = (CORPUS / file).read_bytes()
    reader = pdf_module._Pdfium(data)
    monkeypatch.setattr(pdf_module, "_visible_chars", lambda page: reader.chars(page.page_number - 1, page))
    try:
        via_pdfium = parse_pdf(data)
    finally:
        reader.close()
    expected = request.getfixturevalue(name)
    assert via_pdfium == expected
