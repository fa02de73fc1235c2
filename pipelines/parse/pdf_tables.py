"""Ruled tables of a PDF as ``Table``s (pdfplumber ``find_tables``), continued tables joined.

pdfplumber reads a ruled table's cells from its lines; a cell a merged cell covers comes back as
None, which ``make_table`` carries down (or left, in a header). Text wrapped inside a cell is
rejoined without spaces (Chinese is set solid). A table that goes on over a page break is one
table: the first table of a page continues the last table of the page before when it has as many
columns, and a header repeated on the new page is dropped.

The PDF reader (pipelines.parse.pdf) writes each row of a ruled table as one line of the body, from
``page_pieces``; ``body_tables`` then gives the task and indicator tables with those paragraphs.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pdfplumber
from pdfplumber.page import Page

from pipelines.model import Paragraph, ParseError
from pipelines.parse.plain import locate_rows
from pipelines.tables import Table, column_kind, indicator_rows, is_task_table, make_table
from pipelines.textnorm import join_wrapped_lines, normalize_text

_MIN_ROWS, _MIN_COLS = 2, 2  # a ruled box or a one-column frame is no data table


@dataclass(frozen=True)
class Piece:
    """The part of a table on one page: its rows (cell texts, None where a merged cell covers) and
    each row's box (x0, top, x1, bottom)."""

    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]
    row_boxes: list[tuple[float, float, float, float]]


def page_pieces(page: Page, number: int) -> list[Piece]:
    """The ruled tables of one page, top to bottom."""
    out = []
    for found in page.find_tables():
        rows = [[_cell(c) for c in row] for row in found.extract()]
        if len(rows) < _MIN_ROWS or max(len(r) for r in rows) < _MIN_COLS:
            continue
        boxes = [tuple(r.bbox) for r in found.rows]
        if len(boxes) != len(rows):
            continue
        out.append(Piece(number, tuple(found.bbox), rows, boxes))
    return sorted(out, key=lambda p: p.bbox[1])


def join_pieces(pieces: Sequence[Piece]) -> list[tuple[list[list[str | None]], list[int]]]:
    """Pieces as whole tables: (rows, page of each row), a table continued on the next page joined."""
    joined: list[tuple[list[list[str | None]], list[int]]] = []
    for k, piece in enumerate(pieces):
        rows = piece.rows
        prev = joined[-1] if joined else None
        first_on_page = k == 0 or pieces[k - 1].page != piece.page
        if prev and first_on_page and prev[1][-1] == piece.page - 1 and len(rows[0]) == len(prev[0][0]):
            if _same_header(rows[0], prev[0][0]):
                rows = rows[1:]
            prev[0].extend(rows)
            prev[1].extend([piece.page] * len(rows))
        else:
            joined.append((list(rows), [piece.page] * len(rows)))
    return joined


def tables_from_pdf(data: bytes, source: str | None = None) -> list[Table]:
    """Every ruled table of the PDF, in page order, continued tables joined."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(f"not a readable PDF: {exc}") from None
    with pdf:
        pieces = [piece for number, page in enumerate(pdf.pages, start=1) for piece in page_pieces(page, number)]
    return [make_table(rows, index=i, source=source, pages=pages) for i, (rows, pages) in enumerate(join_pieces(pieces))]


def body_tables(pieces: Sequence[Piece], paragraphs: Sequence[Paragraph], source: str | None = None) -> list[Table]:
    """The task and indicator tables among ``pieces``, with the body paragraphs their rows are."""
    out = []
    for rows, pages in join_pieces(pieces):
        table = make_table(rows, source=source, pages=pages)
        if not (is_task_table(table) or indicator_rows(table)):
            continue
        located = locate_rows(table, paragraphs)
        if located is not None:
            out.append(replace(located, index=len(out)))
    return out


def row_text(cells: Sequence[str | None]) -> str:
    """A row as the body writes it: its own cells (not those a merged cell covers), in order."""
    return " ".join(c for c in cells if c)


def _cell(text: str | None) -> str | None:
    return None if text is None else join_wrapped_lines(text.splitlines())


def _same_header(row: list[str | None], header: list[str | None]) -> bool:
    """The first row of a continuation repeats the table's header (and names columns at all)."""
    key = [normalize_text(c or "") for c in row]
    return key == [normalize_text(c or "") for c in header] and any(c and column_kind(c) for c in row)
