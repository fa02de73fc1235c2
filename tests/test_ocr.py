"""OCR of a scanned page: a bundled corpus page rendered to an image, put back into a PDF with no
text layer (what a scanner writes), and read by RapidOCR with the models its wheel ships."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

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


def test_the_scan_has_no_text_layer(scan_and_truth):
    scan, _ = scan_and_truth
    doc = pdfium.PdfDocument(scan)
    assert doc[0].get_textpage().get_text_range().strip() == ""
    doc.close()
    with pytest.raises(ParseError, match="no text layer"):
        parse_pdf(scan)


def test_ocr_reads_at_least_95_percent_of_the_page(scan_and_truth):
    scan, truth = scan_and_truth
    lines = ocr_pdf_page(scan, 1)
    expected, read = _chars(truth), _chars("".join(ln.text for ln in lines))
    accuracy = 1 - _edit_distance(expected, read) / len(expected)
    assert len(expected) > 500 and accuracy >= 0.95, f"{accuracy:.3f}: {read}"
    assert all(0 < ln.confidence <= 1 for ln in lines)
    assert sum(ln.confidence for ln in lines) / len(lines) > 0.9
    assert [ln.box[1] for ln in lines] == sorted(ln.box[1] for ln in lines)  # top to bottom
    assert "一、总体要求" in read
