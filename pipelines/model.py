"""Plain data types shared by the parsers, the clause segmenter and the extractors.

No Dagster, no DuckDB: everything here is a value that a pure function returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.tables import Table


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a notice's body, in reading order.

    ``text`` is the paragraph as the source gives it (decoded, wrapped lines rejoined, surrounding
    whitespace stripped; inner characters are never rewritten). ``page`` is the 1-based PDF page
    the paragraph starts on, None for HTML; ``page_breaks`` says where it turns the page.
    """

    text: str
    page: int | None = None
    # PDF: offsets into ``text`` where the paragraph continues on the next page (one per page
    # turn), so every character's page is known, not only the paragraph's first.
    page_breaks: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page of the character at ``offset`` within this paragraph's text."""
        if self.page is None:
            return None
        return self.page + sum(1 for b in self.page_breaks if b <= offset)


def paragraph_starts(paragraphs: list[Paragraph]) -> list[int]:
    """Where each paragraph starts in the notice's full text (the paragraphs joined by "\\n")."""
    out, at = [], 0
    for p in paragraphs:
        out.append(at)
        at += len(p.text) + 1
    return out


@dataclass
class ParsedNotice:
    """What a parser reads out of one source file (HTML, PDF, DOCX, XLSX, OFD, a ZIP of those).

    ``paragraphs`` is the body in reading order: 文号 line, 主送 line, the text, signature and date,
    attachments. Page chrome (navigation, footers, "— 3 —" page numbers, the red header's
    "XX文件" banner) is not part of it. The document's full text is ``"\n".join`` of the
    paragraphs; every character offset in the warehouse points into that string.
    """

    format: str  # a key of pipelines.parse.registry.PARSERS: "html" | "pdf" | "docx" | "xlsx" | "ofd" | "zip" | …
    paragraphs: list[Paragraph]
    title: str | None = None
    issuer: str | None = None  # 发布机构
    doc_number: str | None = None  # 文号, as written (e.g. 粤府〔2017〕8号)
    signed_date: date | None = None  # 成文日期
    publish_date: date | None = None  # 发布日期
    encoding: str | None = None  # HTML: the codec actually used to decode
    page_count: int | None = None  # PDF
    warnings: list[str] = field(default_factory=list)  # readable quality problems, e.g. "(cid:" glyphs
    # Tables as data (pipelines.tables), for the formats whose readers give them (DOCX, XLSX, ZIP of
    # those); their rows are in ``paragraphs`` too, one paragraph per row.
    tables: list[Table] = field(default_factory=list)
    # PDF pages without a text layer that were read by OCR: page → mean recogniser confidence (0-1).
    ocr_pages: dict[int, float] = field(default_factory=dict)

    @property
    def full_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


class ParseError(Exception):
    """A source that cannot be turned into a notice (corrupt PDF, empty page, scanned images).

    The message is shown to users as is: say what is wrong and what was seen.
    """


class UnreadableText(ParseError):
    """The source parsed, but its text is not readable (undecodable glyphs, wrong encoding):
    loading it would put noise in the marts. The message gives the shares measured."""

    kind = "unreadable"
