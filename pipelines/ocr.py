"""OCR of scanned PDF pages: render with pypdfium2, read with RapidOCR (PP-OCR models on
onnxruntime, shipped inside the rapidocr-onnxruntime wheel: nothing is downloaded at run time).

Text read this way is marked as OCR with the recogniser's confidence, line by line, so clauses
made from it can be flagged; the caller decides what a page "without a usable text layer" is.
Without the package installed, ``ocr_pdf_page`` raises a readable ParseError, never ImportError.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.model import ParseError

# At 200 dpi one line of a bundled page was lost (95% of its characters read); at 300, 98.8%.
RENDER_DPI = 300
# The recogniser reads the enumeration comma 、 as the radical 丶 (U+4E36), which no notice uses.
_OCR_FIXES = str.maketrans({"丶": "、"})
# A page number "— 2 —" reads as 一2一: written back as the dash it is, the PDF reader drops it as page furniture.
_PAGE_NUMBER = re.compile(r"^[一—–-]\s*(\d{1,3})\s*[一—–-]$")


@dataclass(frozen=True)
class OcrLine:
    """One line the recogniser read: its text, confidence (0-1) and box (x0, y0, x1, y1) in pixels."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]


@functools.lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise ParseError(
            "this page is a scan and OCR is not installed here (the Python package rapidocr-onnxruntime)"
        ) from None
    return RapidOCR()


def ocr_image(image) -> list[OcrLine]:
    """Lines read from a PIL image, top to bottom."""
    import numpy as np

    result, _ = _engine()(np.array(image.convert("RGB")))
    lines = []
    for box, text, confidence in result or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        text = _PAGE_NUMBER.sub(r"— \1 —", text.translate(_OCR_FIXES).strip())
        lines.append(OcrLine(text, float(confidence), (min(xs), min(ys), max(xs), max(ys))))
    return sorted(lines, key=lambda ln: (ln.box[1], ln.box[0]))


def render_page(data: bytes, page: int, dpi: int = RENDER_DPI):
    """Page ``page`` (1-based) of a PDF as a greyscale PIL image."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return doc[page - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def ocr_pdf_page(data: bytes, page: int, dpi: int = RENDER_DPI) -> list[OcrLine]:
    """OCR of one PDF page: rendered at ``dpi`` and read."""
    _engine()  # fail before rendering when OCR is not installed
    return ocr_image(render_page(data, page, dpi))


def image_pdf(image, dpi: int = RENDER_DPI) -> bytes:
    """A PDF of one page holding only ``image`` (no text layer): what a scanner writes."""
    import io

    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=dpi)
    return buf.getvalue()
