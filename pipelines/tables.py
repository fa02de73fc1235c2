"""Tables as data: a grid with its header, merged cells carried, and where each row came from.

Notices put the division of labour in tables (附件：重点任务分工表, 序号 | 重点任务 | 牵头单位 |
配合单位 | 完成时限) and their targets in indicator tables (指标 | 2020年 | 2025年). The format
readers (HTML, PDF, DOCX, XLSX) turn each table into a ``Table``; ``task_rows`` and
``indicator_rows`` read the rows the same way whatever the format was. Pure: no I/O.

A merged cell leads every row and column it covers: a 牵头单位 cell spanning five rows is the lead
of all five. Readers that know the spans (HTML rowspan, DOCX vMerge, XLSX merged ranges) fill them
in and say which cells they filled (``carried``); a reader that only sees holes (pdfplumber gives
None for a covered cell) leaves None and ``make_table`` carries the text down, or left in a
header and in a row that spans the whole table (a section title such as 一、基础设施).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.textnorm import normalize_text

Grid = Sequence[Sequence[str | None]]


@dataclass(frozen=True)
class Table:
    """One table of a source. ``rows`` are all as wide as the table; ``rows[:header_rows]`` are the
    header. ``title`` is the text of rows above the header that span the table (重点任务分工表).
    ``pages[r]`` is the page of row ``r`` (PDF; None elsewhere). ``carried`` holds the (row, col)
    cells whose text is a merged cell's, not their own."""

    rows: tuple[tuple[str, ...], ...]
    header_rows: int
    index: int  # position among the source's tables, 0-based
    source: str | None = None  # the source (or attachment) the table is in
    title: str | None = None
    pages: tuple[int | None, ...] = ()
    carried: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    # Index of the paragraph (of the notice's body) that holds each row's text, None for a row
    # with none; set by the reader that adds the rows to the body (pipelines.parse.plain).
    paragraphs: tuple[int | None, ...] = ()
    # When the body writes each cell as a paragraph of its own (a portal's table flattened, one
    # cell a line): the paragraph of each (row, col) cell, None for an empty or carried cell. A
    # cell written over several paragraphs in a row (one agency a line) gives its first, and its
    # text joins theirs with line breaks.
    cell_paragraphs: tuple[tuple[int | None, ...], ...] = ()

    def cell_paragraph_span(self, row: int, col: int) -> range:
        """The paragraphs a cell of a flattened table is written in (empty if it has none)."""
        k = self.cell_paragraphs[row][col] if self.cell_paragraphs else None
        return range(0) if k is None else range(k, k + self.rows[row][col].count("\n") + 1)

    def row_paragraphs(self, row: int) -> list[int]:
        """The body paragraphs row ``row`` is written in: its cells' (a flattened table) or its own."""
        if self.cell_paragraphs:
            return [k for c in range(self.width) for k in self.cell_paragraph_span(row, c)]
        k = self.paragraph_of(row)
        return [] if k is None else [k]

    def body_paragraphs(self) -> set[int]:
        """Every body paragraph the table is written in."""
        return {k for r in range(len(self.rows)) for k in self.row_paragraphs(r)}

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def header(self) -> tuple[str, ...]:
        """Each column's header: the distinct texts of its header cells, top to bottom."""
        out = []
        for c in range(self.width):
            parts: list[str] = []
            for r in range(self.header_rows):
                t = self.rows[r][c]
                if t and t not in parts:
                    parts.append(t)
            out.append(" ".join(parts))
        return tuple(out)

    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        return self.rows[self.header_rows :]

    def page_of(self, row: int) -> int | None:
        return self.pages[row] if row < len(self.pages) else None

    def paragraph_of(self, row: int) -> int | None:
        return self.paragraphs[row] if row < len(self.paragraphs) else None

    def origin(self, row: int, col: int) -> tuple[int, int]:
        """The cell a cell's text is written in: itself, or the top-left of the merged cell it is part of."""
        while (row, col) in self.carried:
            if row > 0 and self.rows[row - 1][col] == self.rows[row][col]:
                row -= 1
            elif col > 0 and self.rows[row][col - 1] == self.rows[row][col]:
                col -= 1
            else:
                break
        return row, col


# --- building ------------------------------------------------------------------------------------

_HEADER_ROWS_SEARCHED = 4  # a header sits below at most a title row or two


def make_table(
    grid: Grid,
    *,
    index: int = 0,
    source: str | None = None,
    pages: Sequence[int | None] = (),
    carried: frozenset[tuple[int, int]] = frozenset(),
) -> Table:
    """A ``Table`` from a grid of cell texts (None: covered by a merged cell, see the module doc).

    Rows are padded to the widest; cell texts are stripped (inner line breaks kept: in Word and
    Excel cells they separate list items). The header is the first row, among the first few, that
    names at least two known columns (任务, 牵头单位, 指标, 2025年, …); rows above it that span the
    table are its title, other rows above it are left out. A table naming no known column has its first row as header.
    """
    width = max((len(r) for r in grid), default=0)
    rows: list[list[str | None]] = [
        [(c.strip() if isinstance(c, str) else None) for c in r] + [None] * (width - len(r)) for r in grid
    ]
    page_list = list(pages) + [None] * (len(rows) - len(pages))
    header_at = next((k for k, r in enumerate(rows[:_HEADER_ROWS_SEARCHED]) if _known_columns(r) >= 2), None)
    title = None
    if header_at:
        # Rows above the header that one cell spans are the table's title; others (an info table
        # run into the same <table>: 索引号 | … ) are not part of this table.
        above = [set(filter(None, r)) for r in _filled(rows[:header_at], 0, set())]
        title = " ".join(t for texts in above if len(texts) == 1 for t in texts) or None
        rows, page_list = rows[header_at:], page_list[header_at:]
        carried = frozenset((r - header_at, c) for r, c in carried if r >= header_at)
    filled_at = set(carried)
    out = _filled(rows, 1, filled_at)
    return Table(tuple(tuple(r) for r in out), 1 if out else 0, index, source, title, tuple(page_list), frozenset(filled_at))


def _filled(rows: list[list[str | None]], header_rows: int, carried: set[tuple[int, int]]) -> list[list[str]]:
    """Holes (None) filled from the merged cell that covers them; ``carried`` gets their places."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        spans_row = sum(1 for c in row if c) == 1 and row[0] and all(c is None for c in row[1:])
        new: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                new.append(cell)
                continue
            from_left = r < header_rows or spans_row or not out
            if from_left:
                new.append(new[c - 1] if c else "")
            else:
                new.append(out[-1][c])
            if new[-1]:
                carried.add((r, c))
        out.append(new)
    return out


def expand_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> tuple[list[list[str]], frozenset[tuple[int, int]]]:
    """A grid from rows of (text, rowspan, colspan) cells as HTML writes them (covered positions
    omitted): every covered position gets the spanning cell's text, and is listed as carried."""
    grid: dict[tuple[int, int], str] = {}
    carried: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(max(1, rowspan)):
                for dc in range(max(1, colspan)):
                    grid[(r + dr, c + dc)] = text
                    if dr or dc:
                        carried.add((r + dr, c + dc))
            c += max(1, colspan)
    if not grid:
        return [], frozenset()
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)], frozenset(carried)


# --- reading: tasks ------------------------------------------------------------------------------

# Header words by column, matched on the Simplified, NFKC form (責任單位 reads as 责任单位). Checked
# in this order, so 任务完成时限 is a deadline column and 牵头单位 never a task column.
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("lead", re.compile(r"牵头|责任单位|责任部门|负责单位|负责部门|主责单位|承办单位")),
    ("co", re.compile(r"配合|协办|参与单位|协同单位|协助单位")),
    # 指导部门 (a State Council table of reforms to promote: the ministries that guide them)
    ("guide", re.compile(r"指导部门|指导单位|督导部门|督导单位")),
    ("deadline", re.compile(r"完成时限|时间节点|完成时间|时限|进度安排|时间安排|完成期限")),
    ("task", re.compile(r"任务|工作内容|工作措施|具体措施|主要内容|措施|举措|事项|实事")),
    ("metric", re.compile(r"指标")),
    ("unit", re.compile(r"^单位$|计量单位")),
    ("year", re.compile(r"^(?:19|20)\d{2}\s*年?")),
)
_SPLIT = re.compile(r"[、，,；;\n/]+")
_TRAILING = re.compile(r"[。.\s]+$|等$")


_HEADER_MAX_CHARS = 20  # a longer cell is body text, whatever words it holds


def column_kind(header: str) -> str | None:
    """What a column holds, from its header text (None: not a column this module reads)."""
    key = normalize_text(header).replace(" ", "")
    if not key or len(key) > _HEADER_MAX_CHARS:
        return None
    return next((kind for kind, pattern in _COLUMNS if pattern.search(key)), None)


def _known_columns(row: Sequence[str | None]) -> int:
    """How many kinds of column a row names (a title row spanning the table names one at most)."""
    return len({k for c in row if c and (k := column_kind(c))})


def split_agencies(text: str) -> list[str]:
    """Agencies listed in one cell: split on 、，；/ and line breaks; "等" and full stops dropped."""
    return [a for a in (_TRAILING.sub("", part.strip()) for part in _SPLIT.split(text or "")) if a]


def _columns(table: Table) -> dict[str, int]:
    cols: dict[str, int] = {}
    for c, h in enumerate(table.header):
        kind = column_kind(h)
        if kind and kind not in cols and kind != "year":
            cols[kind] = c
    return cols


def _is_section_row(row: Sequence[str]) -> bool:
    """A row one cell spans (一、基础设施建设): all its non-empty cells are the same text."""
    texts = {t for t in row if t}
    return len(row) > 1 and len(texts) == 1 and sum(1 for t in row if t) == len(row)


def is_task_table(table: Table) -> bool:
    cols = _columns(table)
    return "task" in cols and ("lead" in cols or "guide" in cols)


def task_rows(table: Table) -> list[dict]:
    """The tasks a task table assigns, one per body row with a task text.

    A task table has a task column and a lead column (牵头单位, 责任单位, …) or a guide column (指导部门); co-agencies, deadline
    and 序号 are read when their columns are there. ``lead_role`` is "lead" under a 牵头 header,
    "responsible" under 责任单位 and the like. A row naming no agency is no task. Rows one cell spans are section titles: the
    rows under them carry it as ``section``. Every task says where it is: source, table index,
    row (in ``table.rows``), page, and the (row, col) of each cell it was read from; ``carried``
    lists the kinds whose cell was a merged cell's (a lead shared by several rows).
    """
    if not is_task_table(table):
        return []
    cols = _columns(table)
    # 牵头单位 leads; a 责任单位 column with no 牵头 in its header names who is responsible, as a
    # 责任单位： note does (the role the note grammar gives it).
    lead_role = "lead" if "lead" in cols and "牵头" in normalize_text(table.header[cols["lead"]]) else "responsible"
    out: list[dict] = []
    section = None
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        if _is_section_row(row):
            section = row[0]
            continue
        task = row[cols["task"]]
        cell = {kind: row[c] for kind, c in cols.items()}
        if not task or not (cell.get("lead") or cell.get("co") or cell.get("guide")):
            continue  # a row that names no agency assigns nothing (a note row, a row cut short)
        if (r, cols["task"]) in table.carried and out and out[-1]["task"] == task:
            # The lower part of a merged task cell: one task, whose agencies are listed row by row.
            for role in ("lead", "co", "guide"):
                out[-1][role] += [a for a in split_agencies(cell.get(role, "")) if a not in out[-1][role]]
            continue
        out.append(
            {
                "seq": cell.get("seq") or None,
                "section": section,
                "task": task,
                "lead": split_agencies(cell.get("lead", "")),
                "lead_role": lead_role,
                "co": split_agencies(cell.get("co", "")),
                "guide": split_agencies(cell.get("guide", "")),
                "deadline": re.sub(r"\s*\n\s*", "", cell["deadline"]) if cell.get("deadline") else None,
                "source": table.source,
                "table": table.index,
                "row": r,
                "page": table.page_of(r),
                "cells": {kind: (r, c) for kind, c in cols.items() if kind in ("seq", "task", "lead", "co", "guide", "deadline")},
                # Every column that describes the task (改革举措 and 主要内容): its text spans them.
                "task_columns": [c for c, h in enumerate(table.header) if column_kind(h) == "task"],
                "carried": sorted(kind for kind, c in cols.items() if (r, c) in table.carried),
            }
        )
    return out


# --- reading: indicators -------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def indicator_rows(table: Table) -> list[dict]:
    """The targets an indicator table sets: one per metric row and year column with a value.

    An indicator table has a 指标 column and columns headed by years (2020年, 2025年（目标）).
    ``value`` is the number in the cell (None when it states none: 显著提升); ``value_text`` the
    cell as written; ``unit`` the 单位 column's, else a unit in brackets after the metric.
    """
    cols = _columns(table)
    years = {c: int(m.group(1)) for c, h in enumerate(table.header) if column_kind(h) == "year" and (m := _YEAR.match(normalize_text(h)))}
    if "metric" not in cols or not years:
        return []
    out: list[dict] = []
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        metric = row[cols["metric"]]
        if not metric or _is_section_row(row):
            continue
        unit = row[cols["unit"]] if "unit" in cols else None
        if not unit and (m := re.search(r"[（(]([^（）()]{1,12})[）)]\s*$", metric)):
            unit = m.group(1)
        for c, year in years.items():
            text = row[c]
            if not text:
                continue
            number = _NUMBER.search(normalize_text(text))
            out.append(
                {
                    "metric": metric, "unit": unit or None, "year": year, "value_text": text,
                    "value": float(number.group()) if number else None,
                    "source": table.source, "table": table.index, "row": r, "col": c, "page": table.page_of(r),
                }
            )
    return out
