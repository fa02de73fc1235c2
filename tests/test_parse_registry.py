"""The parser registry: formats told by their bytes, one parser per format, end to end through
parse_source; formats this machine cannot read fail with a readable error."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import office_synth as office
import pytest

from pipelines.catalog import CatalogEntry
from pipelines.clauses import clause_frame
from pipelines.extract.tasks import extract_tasks
from pipelines.model import ParseError
from pipelines.parse import legacy, registry
from pipelines.process import parse_source, source_frames

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _ole2(stream_names: list[str]) -> bytes:
    """The start of a compound file: its signature, then directory entries naming the streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return header + b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in ["Root Entry", *stream_names])


def test_bytes_decide_the_format_whatever_the_labels_say():
    docx, xlsx, ofd = office.task_docx(), office.task_xlsx(), office.notice_ofd()
    cases = {
        "pdf": (CORPUS / "gd-2017-8.pdf").read_bytes(),
        "html": (CORPUS / "fj-2016-52.html").read_bytes(),
        "docx": docx, "xlsx": xlsx, "ofd": ofd, "zip": office.attachments_zip(),
        "doc": _ole2(["WordDocument", "1Table"]), "xls": _ole2(["Workbook"]),
    }
    for fmt, data in cases.items():
        # A mislabelled download: the server calls everything an HTML page named .pdf.
        assert registry.detect_format(data, "text/html", "https://x.gov.cn/fj.pdf") == fmt, fmt
    assert registry.detect_format(_ole2(["WordDocument"]), None, "https://x.gov.cn/fj1.wps") == "wps"
    assert registry.detect_format(_zip({"a.txt": b"x"}), None, "a.docx") == "zip"  # member names, not the name
    assert set(cases) | {"wps"} == set(registry.PARSERS)


def test_html_and_pdf_detection_is_as_before():
    pdf = (CORPUS / "gd-2017-8.pdf").read_bytes()
    assert registry.detect_format(pdf, "text/html", "https://x.cn/a.html") == "pdf"
    assert registry.detect_format(b"<!DOCTYPE html><html>", "application/pdf", "https://x.cn/a.pdf") == "html"
    assert registry.detect_format(b"\x00\x01garbage", "application/pdf", "https://x.cn/a") == "pdf"
    assert registry.detect_format(b"\x00\x01garbage", None, "https://x.cn/a.shtml?id=3") == "html"
    with pytest.raises(ParseError, match="unsupported format"):
        registry.detect_format(b"\x00\x01garbage", "application/octet-stream", "https://x.cn/a")
    with pytest.raises(ParseError, match="unsupported format: bytes start like a ZIP archive but it cannot be read"):
        registry.detect_format(b"PK\x03\x04 truncated", "application/zip", "https://x.cn/a.zip")


def test_word_97_without_libreoffice_is_a_readable_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice, whatever this one has
    monkeypatch.delenv("NOTICES_SOFFICE", raising=False)
    assert legacy.soffice() is None
    entry = CatalogEntry("doc", "https://x.gov.cn/fj1.doc", {})
    with pytest.raises(ParseError, match=r"format not supported here: Word 97-2003 \(\.doc\) .* needs LibreOffice"):
        parse_source(_ole2(["WordDocument"]), None, entry)
    with pytest.raises(ParseError, match=r"format not supported here: WPS \(\.wps\)"):
        parse_source(_ole2(["WordDocument"]), None, CatalogEntry("wps", "https://x.gov.cn/fj1.wps", {}))
    with pytest.raises(ParseError, match=r"not a readable Excel 97-2003 \(\.xls\) file"):
        parse_source(_ole2(["Workbook"]), None, CatalogEntry("xls", "https://x.gov.cn/fj2.xls", {}))
    with pytest.raises(ParseError, match="neither a Word, an Excel nor a WPS"):
        registry.detect_format(_ole2(["PowerPoint Document"]))


def test_a_docx_catalogue_entry_parses_end_to_end():
    data = office.task_docx()
    entry = CatalogEntry("fj1-docx", "https://x.gov.cn/fj1.docx", {})
    notice = parse_source(data, "application/octet-stream", entry)
    frames = source_frames(entry, notice, "sha", len(data), None, parse_key="k")
    (source,) = frames["sources"].to_dicts()
    assert source["format"] == "docx" and source["title"] == office.TITLE
    texts = frames["paragraphs"]["text"].to_list()
    assert texts[:3] == ["附件1", office.TITLE, "序号 重点任务 牵头单位 配合单位 完成时限"]
    # The merged lead cell is written once, in the row it starts in.
    assert texts[4] == "2 加快推进高速铁路建设 省发展改革委 省交通运输厅、中国铁路广州局集团有限公司 2025年底前"
    assert texts[5] == "3 推进城际铁路与城市轨道交通融合发展 省住房城乡建设厅，各地级以上市人民政府 持续推进"
    assert frames["clauses"].height >= 8 and len(notice.tables) == 1


def test_an_xlsx_catalogue_entry_parses_end_to_end():
    data = office.task_xlsx()
    entry = CatalogEntry("fj2-xlsx", "https://x.gov.cn/download?id=2", {})
    notice = parse_source(data, None, entry)
    assert notice.format == "xlsx" and notice.title == office.TITLE
    assert [p.text for p in notice.paragraphs][:2] == [office.TITLE, "序號 重點任務 牽頭單位 配合單位 完成時限"]
    assert notice.tables[0].title == office.TITLE


def test_an_ofd_notice_parses_end_to_end_and_its_notes_become_tasks():
    data = office.notice_ofd()
    entry = CatalogEntry("gd-ofd", "https://x.gov.cn/gd.ofd", {})
    notice = parse_source(data, None, entry)
    assert [p.text for p in notice.paragraphs] == office.OFD_PARAGRAPHS
    assert [p.page for p in notice.paragraphs] == [1, 1, 1, 1, 2, 2, 2]
    assert (notice.format, notice.title, notice.doc_number, notice.issuer, str(notice.signed_date), notice.page_count) == (
        "ofd", office.OFD_TITLE, "粤府〔2024〕8号", "广东省人民政府", "2024-03-01", 2,
    )
    clauses = clause_frame(entry.source_id, notice)
    tasks, agencies = extract_tasks(entry.source_id, notice.paragraphs, clauses, "广东省", issuer=notice.issuer)
    assert tasks["note_text"].to_list() == ["（省发展改革委牵头，省交通运输厅配合）", "（省交通运输厅牵头）"]
    assert tasks["page"].to_list() == [1, 2]
    assert [(r["role"], r["mention"]) for r in agencies.to_dicts()] == [
        ("lead", "省发展改革委"), ("co", "省交通运输厅"), ("lead", "省交通运输厅"),
    ]


def test_a_zip_of_attachments_reads_every_member_under_its_own_name():
    notice = parse_source(office.attachments_zip(), "application/zip", CatalogEntry("fj-zip", "https://x.gov.cn/fj.zip", {}))
    names = ["附件1：重点任务分工表.docx", "附件2：重点任务分工表.xlsx", "附件3：重点任务分工表.pdf"]
    texts = [p.text for p in notice.paragraphs]
    assert [t for t in texts if t in names] == names  # GBK member names decoded
    assert notice.title == office.TITLE
    assert [t.source for t in notice.tables] == names and [t.index for t in notice.tables] == [0, 1, 2]
    assert notice.tables[2].pages == (1, 1, 1, 1, 1, 2)  # the PDF's table, continued on its page 2
    pdf_part = notice.paragraphs[texts.index(names[2]) + 1 :]
    assert pdf_part and {p.page for p in pdf_part} == {1, 2}  # pages within the PDF member


def test_a_zip_with_nothing_readable_says_what_each_member_was():
    data = _zip({"scan.jpg": b"\xff\xd8\xff\xe0 not a notice", "readme.bin": b"\x00\x01"})
    with pytest.raises(ParseError, match=r"no readable document in the ZIP archive .*readme\.bin: unsupported format.*scan\.jpg"):
        parse_source(data, None, CatalogEntry("z", "https://x.gov.cn/z.zip", {}))


@pytest.mark.parametrize(
    "members, message",
    [
        ({"word/document.xml": b"<w:document><unclosed", "[Content_Types].xml": b"<x/>"}, r"not a readable Word \(\.docx\) file"),
        ({"xl/workbook.xml": b"<workbook><unclosed", "[Content_Types].xml": b"<x/>"}, r"not a readable Excel \(\.xlsx\) file"),
        ({"OFD.xml": b"<ofd:OFD><unclosed"}, "not a readable OFD file"),
        ({"OFD.xml": b"<OFD><DocBody/></OFD>"}, "OFD.xml names no DocRoot"),
        ({"OFD.xml": b"<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>"}, "There is no item named 'Doc_0/Document.xml'"),
        ({}, "no readable document in the ZIP archive .*it is empty"),
    ],
)
def test_damaged_office_files_fail_with_a_readable_error(members, message):
    with pytest.raises(ParseError, match=message):
        parse_source(_zip(members), None, CatalogEntry("bad", "https://x.gov.cn/bad", {}))
