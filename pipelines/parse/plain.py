"""What the office-format readers share: a notice from paragraphs in reading order.

Word, spreadsheet and OFD files carry no portal metadata; what they say about themselves is in
their text (a title line, the 文号 line of the red header, the signature and date) and, weakly, in
their document properties. Tables become one paragraph per row, so their text has clauses and
offsets like the rest of the body.
"""
from __future__ import annotations

from pipelines.model import Paragraph, ParsedNotice
from pipelines.parse.metadata import clean_title, find_doc_number, find_signature, plausible_title
from pipelines.tables import Table

_TITLE_LINES = 8  # the title stands among the first lines (after a 附件1 line, a 文号)
_ROW_SEPARATOR = " "  # between the cells of a table row's paragraph (the PDF reader keeps layout gaps so too)


def row_text(table: Table, r: int) -> str:
    """A table row as one line of text: its own cells (not those a merged cell fills) in order."""
    row = table.rows[r]
    return _ROW_SEPARATOR.join(t.replace("\n", " ") for c, t in enumerate(row) if t and (r, c) not in table.carried)


def table_paragraphs(table: Table) -> list[Paragraph]:
    """The table's title (if any) and then each of its rows, as paragraphs."""
    out = [Paragraph(table.title, table.page_of(0))] if table.title else []
    for r in range(len(table.rows)):
        text = row_text(table, r)
        if text:
            out.append(Paragraph(text, table.page_of(r)))
    return out


def notice_from_paragraphs(
    fmt: str,
    paragraphs: list[Paragraph],
    *,
    tables: list[Table] = (),
    title_hint: str | None = None,
    issuer_hint: str | None = None,
    page_count: int | None = None,
    warnings: list[str] = (),
) -> ParsedNotice:
    """A ParsedNotice with the metadata its text states: the first line that reads as a title (else
    ``title_hint``, e.g. the file's title property), the 文号 of a line near the top, the issuer and
    date of the signature."""
    lines = [p.text for p in paragraphs]
    title = next((clean_title(t) for t in lines[:_TITLE_LINES] if plausible_title(t) and len(t) <= 80), None)
    if title is None and plausible_title(title_hint):
        title = clean_title(title_hint)
    doc_number = next((n for t in lines[:_TITLE_LINES] if len(t) <= 30 and (n := find_doc_number(t))), None)
    issuer, signed = find_signature(lines)
    return ParsedNotice(
        format=fmt,
        paragraphs=paragraphs,
        title=title,
        issuer=issuer or issuer_hint,
        doc_number=doc_number,
        signed_date=signed,
        page_count=page_count,
        warnings=list(warnings),
        tables=list(tables),
    )
