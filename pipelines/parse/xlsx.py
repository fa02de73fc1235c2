"""Read a spreadsheet (.xlsx) attachment: each sheet's used range is a table (openpyxl).

openpyxl leaves every cell of a merged range but the top-left empty (None); the top-left's text
is put in all of them and they are marked carried. Dates are written as ISO dates (the cell's
number format only says how Excel shows them), whole numbers without ".0".
"""
from __future__ import annotations

import io
from datetime import date, datetime, time

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse.plain import add_table, notice_from_paragraphs
from pipelines.tables import Table, make_table


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface: an XLSX file's bytes → ParsedNotice (format "xlsx")."""
    return parse_xlsx(data, url=url)


def parse_xlsx(data: bytes, url: str | None = None, source: str | None = None) -> ParsedNotice:
    import openpyxl  # only needed for spreadsheets

    where = f" ({url})" if url else ""
    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        sheets = [sheet_grid(sheet) for sheet in book.worksheets]
    except Exception as exc:  # openpyxl and lxml raise many unrelated types for damaged parts
        raise ParseError(f"not a readable Excel (.xlsx) file{where}: {exc}") from None
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    for grid, carried in sheets:
        if not any(any(c for c in row) for row in grid):
            continue
        table = make_table(grid, index=len(tables), source=source or url, carried=carried)
        tables.append(add_table(paragraphs, table))
    return notice_from_paragraphs("xlsx", paragraphs, tables=tables, title_hint=book.properties.title)


def sheet_grid(sheet) -> tuple[list[list[str]], frozenset[tuple[int, int]]]:
    """The sheet's used range as texts, merged ranges filled from their top-left cell."""
    rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    # Trailing empty rows and columns (formatting reaches further than the data) are not the table.
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((max((c for c, t in enumerate(r) if t), default=-1) + 1 for r in rows), default=0)
    rows = [r[:width] + [""] * (width - len(r)) for r in rows]
    top, left = 1, 1  # rows start at A1, as merged ranges count
    carried = set()
    for rng in sheet.merged_cells.ranges:
        r0, c0 = rng.min_row - top, rng.min_col - left
        if not (0 <= r0 < len(rows) and 0 <= c0 < width):
            continue
        for r in range(r0, min(rng.max_row - top + 1, len(rows))):
            for c in range(c0, min(rng.max_col - left + 1, width)):
                if (r, c) != (r0, c0):
                    rows[r][c] = rows[r0][c0]
                    carried.add((r, c))
    return rows, frozenset(carried)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
