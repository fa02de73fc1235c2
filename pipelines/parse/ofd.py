"""Read an OFD (GB/T 33190) notice: a ZIP of XML read directly, no OFD library.

``OFD.xml`` names the document (``DocBody/DocRoot``, e.g. ``Doc_0/Document.xml``) and its
``DocInfo`` (title, author); ``Document.xml`` lists the pages (``Pages/Page@BaseLoc``); each page's
``Content.xml`` holds ``TextObject``s (``Boundary`` "x y w h" in mm, ``Size``) whose ``TextCode``s
place runs of text at X/Y (the baseline) inside the object. Runs are put in lines by baseline and
in reading order by X; lines become paragraphs as in the PDF reader: a line indented by about two
characters starts a paragraph, a line ending well before the right margin ends one.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse.plain import notice_from_paragraphs
from pipelines.textnorm import join_wrapped_lines

_MAX_XML_BYTES = 64 * 1024 * 1024  # one XML part, uncompressed (a compression bomb stops here)
_LINE_TOLERANCE = 0.35  # share of the font size two baselines may differ by on one line
_INDENT_EM = 1.5
_SHORT_EM = 2.0
_GAP_EM = 2.0  # a gap this wide inside a line (table cells, a joint signature) is kept as a space
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class _Run:
    x: float
    y: float
    size: float
    text: str
    width: float


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface: an OFD file's bytes → ParsedNotice (format "ofd")."""
    return parse_ofd(data, url=url)


def parse_ofd(data: bytes, url: str | None = None) -> ParsedNotice:
    where = f" ({url})" if url else ""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        root = _xml(archive, "OFD.xml")
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ParseError) as exc:
        raise ParseError(f"not a readable OFD file{where}: {exc}") from None
    doc_root = _text(root, "DocBody/DocRoot")
    if not doc_root:
        raise ParseError(f"not a readable OFD file{where}: OFD.xml names no DocRoot")
    doc_path = doc_root.lstrip("/")
    try:
        document = _xml(archive, doc_path)
    except (KeyError, etree.XMLSyntaxError, ParseError) as exc:
        raise ParseError(f"not a readable OFD file{where}: {doc_path}: {exc}") from None
    paragraphs: list[Paragraph] = []
    pages = [p.get("BaseLoc") for p in _find(document, "Pages/Page")]
    for number, loc in enumerate(pages, start=1):
        if not loc:
            continue
        path = loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), loc))
        try:
            content = _xml(archive, path)
        except (KeyError, etree.XMLSyntaxError, ParseError) as exc:
            raise ParseError(f"not a readable OFD file{where}: page {number} ({path}): {exc}") from None
        paragraphs += _page_paragraphs(content, number)
    info = {k: _text(root, f"DocBody/DocInfo/{k}") for k in ("Title", "Author")}
    return notice_from_paragraphs("ofd", paragraphs, title_hint=info["Title"], page_count=len(pages))


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > _MAX_XML_BYTES:
        raise ParseError(f"{name} is {info.file_size} bytes uncompressed (more than {_MAX_XML_BYTES})")
    return etree.fromstring(archive.read(info), _PARSER)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _find(el: etree._Element, path: str) -> list[etree._Element]:
    """Children along ``path`` by local name: OFD files differ in their namespace prefixes."""
    found = [el]
    for step in path.split("/"):
        found = [c for f in found for c in f if _local(c.tag) == step]
    return found


def _text(el: etree._Element, path: str) -> str | None:
    hits = _find(el, path)
    return (hits[0].text or "").strip() or None if hits else None


def _deltas(spec: str | None, n: int, size: float) -> list[float]:
    """DeltaX: advances between glyphs; "g 3 5.6" repeats 5.6 three times (GB/T 33190 §11.3)."""
    out: list[float] = []
    tokens = (spec or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return (out + [size] * n)[: max(0, n - 1)]


def _runs(content: etree._Element) -> list[_Run]:
    runs: list[_Run] = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4]]
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            text = code.text
            width = sum(_deltas(code.get("DeltaX"), len(text), size)) + size
            runs.append(_Run(box[0] + float(code.get("X") or 0), box[1] + float(code.get("Y") or 0), size, text, width))
    return runs


def _lines(runs: list[_Run]) -> list[tuple[float, float, float, str]]:
    """(x0, x1, size, text) per visual line, top to bottom."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and abs(lines[-1][0].y - run.y) <= _LINE_TOLERANCE * run.size:
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        line.sort(key=lambda r: r.x)
        text, end = "", None
        for run in line:
            if end is not None and run.x - end > _GAP_EM * run.size:
                text += " "
            text += run.text
            end = run.x + run.width
        out.append((line[0].x, end or line[0].x, max(r.size for r in line), text.strip()))
    return [ln for ln in out if ln[3]]


def _page_paragraphs(content: etree._Element, page: int) -> list[Paragraph]:
    """A page's lines as paragraphs (a paragraph turning the page is two here)."""
    lines = _lines(_runs(content))
    if not lines:
        return []
    size = sorted(ln[2] for ln in lines)[len(lines) // 2]  # the body size
    left = min(ln[0] for ln in lines)
    right = max(ln[1] for ln in lines)
    groups: list[list[str]] = []
    prev = None
    for x0, x1, sz, text in lines:
        starts = (
            prev is None or x0 > left + _INDENT_EM * size or sz > 1.15 * size or prev[2] > 1.15 * size
            or prev[1] < right - _SHORT_EM * size
        )
        if starts:
            groups.append([text])
        else:
            groups[-1].append(text)
        prev = (x0, x1, sz)
    return [Paragraph(join_wrapped_lines(g), page) for g in groups if join_wrapped_lines(g)]
