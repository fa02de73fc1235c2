"""OCR of a scanned page: a bundled corpus page rendered to an image, put back into a PDF with no
text layer (what a scanner writes), and read by RapidOCR with the models its wheel ships."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines import ocr
from pipelines.clauses import clause_frame
from pipelines.model import ParseError
from pipelines.ocr import image_pdf, ocr_pdf_page, render_page
from pipelines.parse.pdf import parse_pdf
from pipelines.textnorm import normalize_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _chars(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@pytest.fixture(scope="module")
def scan_and_truth() -> tuple[bytes, str]:
    data = (CORPUS / "gd-2017-8.pdf").read_bytes()
    doc = pdfium.PdfDocument(data)
    truth = doc[1].get_textpage().get_text_range()  # page 2: 主送 tail, 一、总体要求 and its text
    doc.close()
    return image_pdf(render_page(data, 2)), truth


def _accuracy(expected: str, read: str) -> float:
    expected, read = _chars(expected), _chars(read)
    return 1 - _edit_distance(expected, read) / len(expected)


def test_the_scan_has_no_text_layer(scan_and_truth):
    scan, _ = scan_and_truth
    doc = pdfium.PdfDocument(scan)
    assert doc[0].get_textpage().get_text_range().strip() == ""
    doc.close()


def test_a_scanned_page_is_parsed_by_ocr_and_its_clauses_are_flagged(scan_and_truth):
    scan, truth = scan_and_truth
    notice = parse_pdf(scan)
    assert set(notice.ocr_pages) == {1} and 0.9 < notice.ocr_pages[1] <= 1
    assert any(w.startswith("page 1 has no text layer: read by OCR") for w in notice.warnings), notice.warnings
    truth_body = re.sub(r"[—–-]\s*\d+\s*[—–-]\s*$", "", truth.strip())  # the page number is page furniture
    assert _accuracy(truth_body, notice.full_text) >= 0.95
    assert "一、总体要求" in [p.text for p in notice.paragraphs]  # a heading stays its own paragraph
    clauses = clause_frame("scan", notice)
    assert clauses.height >= 4 and clauses["ocr_confidence"].to_list() == [notice.ocr_pages[1]] * clauses.height


def test_without_ocr_installed_a_scan_fails_with_a_readable_error(scan_and_truth, monkeypatch):
    scan, _ = scan_and_truth
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as on a machine without the package
    ocr._engine.cache_clear()
    try:
        with pytest.raises(ParseError, match=r"no text layer: 1 pages, all images — scanned PDF needs OCR "
                                             r"\(this page is a scan and OCR is not installed here"):
            parse_pdf(scan)
    finally:
        ocr._engine.cache_clear()


def test_ocr_reads_at_least_95_percent_of_the_page(scan_and_truth):
    scan, truth = scan_and_truth
    lines = ocr_pdf_page(scan, 1)
    read = "".join(ln.text for ln in lines)
    accuracy = _accuracy(truth, read)
    assert len(_chars(truth)) > 500 and accuracy >= 0.95, f"{accuracy:.3f}: {read}"
    assert all(0 < ln.confidence <= 1 for ln in lines)
    assert sum(ln.confidence for ln in lines) / len(lines) > 0.9
    assert [ln.box[1] for ln in lines] == sorted(ln.box[1] for ln in lines)  # top to bottom
    assert "一、总体要求" in read
