"""Which parser reads a source: the format from its bytes, and one parser module per format.

Servers mislabel files (a PDF sent as text/html, a .doc that is really a .docx), so the bytes
decide first: ``%PDF``; a ZIP archive is told apart by its member names (``word/document.xml`` is
DOCX, ``xl/workbook.xml`` XLSX, ``OFD.xml`` OFD, anything else a plain ZIP); an OLE2 compound file
(Word 97-2003, Excel 97-2003, WPS) by the names of its streams. Only bytes that say nothing fall
back to the content type and the URL.

Every parser module has ``parse(data, content_type=None, url=None) -> ParsedNotice`` and is
imported only when a source of its format comes (OCR and Office readers are heavy). Adding a
format is adding one module and one line in ``PARSERS``.
"""
from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable

from pipelines.model import ParsedNotice, ParseError

# format → module with ``parse``
PARSERS: dict[str, str] = {
    "html": "pipelines.parse.html",
    "pdf": "pipelines.parse.pdf",
    "docx": "pipelines.parse.docx",
    "xlsx": "pipelines.parse.xlsx",
    "ofd": "pipelines.parse.ofd",
    "zip": "pipelines.parse.archive",
    "doc": "pipelines.parse.legacy",
    "xls": "pipelines.parse.legacy",
    "wps": "pipelines.parse.legacy",
}
# What users call each format, for messages.
LABELS: dict[str, str] = {
    "html": "HTML", "pdf": "PDF", "docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "ofd": "OFD (GB/T 33190)",
    "zip": "ZIP archive", "doc": "Word 97-2003 (.doc)", "xls": "Excel 97-2003 (.xls)", "wps": "WPS (.wps)",
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
_HTML_TAGS = (b"<html", b"<!doctype", b"<head", b"<body", b"<meta", b"<div", b"<p")
_HTML_SUFFIXES = (".html", ".htm", ".shtml", ".jhtml")
# OLE2 directory entries name their streams in UTF-16LE.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def detect_format(data: bytes, content_type: str | None = None, url: str = "") -> str:
    """The format of a source (a key of ``PARSERS``): from the bytes first, then the labels.

    Raises ParseError ("unsupported format: …") when neither bytes nor labels name a format
    this pipeline reads, or when a ZIP archive cannot be opened.
    """
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_ZIP):
        return zip_format(data)
    if data.startswith(_OLE2):
        return ole2_format(data, url)
    if any(tag in head.lower() for tag in _HTML_TAGS):
        return "html"
    ctype = (content_type or "").lower()
    path = url.lower().split("?")[0]
    if "pdf" in ctype or path.endswith(".pdf"):
        return "pdf"  # claims to be a PDF but is not one: the PDF parser says so
    if "html" in ctype or path.endswith(_HTML_SUFFIXES):
        return "html"
    raise ParseError(
        f"unsupported format: content type {content_type!r}, bytes start {data[:16]!r} "
        f"(expected {', '.join(LABELS[f] for f in PARSERS)})"
    )


def zip_format(data: bytes) -> str:
    """docx, xlsx, ofd or zip, from the names of the archive's members."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(f"unsupported format: bytes start like a ZIP archive but it cannot be read ({exc})") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def ole2_format(data: bytes, url: str = "") -> str:
    """doc, xls or wps: an OLE2 compound file, by the streams its directory names.

    A WPS text file keeps a Word-compatible ``WordDocument`` stream (Word files saved by WPS Office
    carry the same marks), so only its name tells it from a .doc; they are read alike anyway.
    """
    if _WORD_STREAM in data:
        return "wps" if url.lower().split("?")[0].endswith(".wps") else "doc"
    if any(s in data for s in _EXCEL_STREAMS):
        return "xls"
    raise ParseError("unsupported format: an OLE2 compound file that is neither a Word, an Excel nor a WPS document")


def parser_for(fmt: str) -> Callable[..., ParsedNotice]:
    """The ``parse`` function of a format's module."""
    if fmt not in PARSERS:
        raise ParseError(f"unsupported format: {fmt!r}")
    return importlib.import_module(PARSERS[fmt]).parse


def parse_bytes(data: bytes, content_type: str | None = None, url: str = "") -> ParsedNotice:
    """Detect the format of ``data`` and parse it with that format's module."""
    fmt = detect_format(data, content_type, url)
    return parser_for(fmt)(data, content_type=content_type, url=url or None)
