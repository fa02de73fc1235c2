"""Ruled tables of a PDF as ``Table``s (pdfplumber ``find_tables``), continued tables joined.

pdfplumber reads a ruled table's cells from its lines; a cell a merged cell covers comes back as
None, which ``make_table`` carries down (or left, in a header). Text wrapped inside a cell is
rejoined without spaces (Chinese is set solid). A table that goes on over a page break is one
table: the first table of a page continues the last table of the page before when it has as many
columns, and a header repeated on the new page is dropped.
"""
from __future__ import annotations

import io

import pdfplumber

from pipelines.model import ParseError
from pipelines.tables import Table, column_kind, make_table
from pipelines.textnorm import join_wrapped_lines, normalize_text


def tables_from_pdf(data: bytes, source: str | None = None) -> list[Table]:
    """Every ruled table of the PDF, in page order, continued tables joined."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(f"not a readable PDF: {exc}") from None
    pieces: list[tuple[int, list[list[str | None]]]] = []  # (page, rows)
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for found in page.find_tables():
                rows = [[_cell(c) for c in row] for row in found.extract()]
                if rows:
                    pieces.append((number, rows))
    joined: list[tuple[list[list[str | None]], list[int]]] = []
    for k, (number, rows) in enumerate(pieces):
        prev = joined[-1] if joined else None
        first_on_page = k == 0 or pieces[k - 1][0] != number
        if prev and first_on_page and prev[1][-1] == number - 1 and len(rows[0]) == len(prev[0][0]):
            if _same_header(rows[0], prev[0][0]):
                rows = rows[1:]
            prev[0].extend(rows)
            prev[1].extend([number] * len(rows))
        else:
            joined.append((rows, [number] * len(rows)))
    return [make_table(rows, index=i, source=source, pages=pages) for i, (rows, pages) in enumerate(joined)]


def _cell(text: str | None) -> str | None:
    return None if text is None else join_wrapped_lines(text.splitlines())


def _same_header(row: list[str | None], header: list[str | None]) -> bool:
    """The first row of a continuation repeats the table's header (and names columns at all)."""
    key = [normalize_text(c or "") for c in row]
    return key == [normalize_text(c or "") for c in header] and any(c and column_kind(c) for c in row)
