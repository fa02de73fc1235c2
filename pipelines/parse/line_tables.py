"""Task tables that a page gives one cell a line, with no table left in its markup.

Search excerpts, text versions of pages and some portals' editors flatten a 任务分解表 into its
cells, one per paragraph: the header cells (序号 / 民生实事 / 责任单位 / 完成时限), then each row's
number line and its cells, an agency cell of several agencies written one agency a line:

    序号 / 民生实事 / 责任单位 / 完成时限 / 1 / 启动县图书馆新馆建设。 / 县文体广新局 / 县代建中心 / 12月底前 / 2 / …

Rows are told apart by their 序号 (1, 2, 3 … in turn); within a row the cells are read by what
they hold: the task first, then agency lines (the agency column), then the deadline. Only tables
with one agency column are read: with a lead and a co column the lines would not say which of
the two an agency is in. A cell written over several lines is one cell of the ``Table`` whose
lines are joined by a line break (pipelines.tables); ``cell_paragraphs`` gives its first line.
"""
from __future__ import annotations

import re

from pipelines.model import Paragraph
from pipelines.tables import Table, column_kind, is_task_table, make_table, split_agencies
from pipelines.textnorm import normalize_text

_HEADER_CELL_MAX = 12  # characters of a header cell (完成时限, 牵头单位, 主要任务)
_ROW_MAX_LINES = 12  # lines of one row; a longer run is no row of a flattened table
_SEQ = re.compile(r"^\s*(\d{1,3})\s*[.、]?\s*$")
# A deadline cell: a time limit (12月底前, 2016年6月, 长期坚持, 9月投入使用, 5月底前动工, 全年).
_DEADLINE = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月(?:底|中旬|上旬|下旬|末|\d{1,2}日)?(?:前|以前)?|\d{4}年(?:底|内|上半年|下半年)?(?:前)?|"
    r"年底前|年内|全年|长期|持续推进|长期坚持|每季度|每月|每年|第[一二三四]季度)"
)


def _is_header_cell(text: str) -> bool:
    key = normalize_text(text).replace(" ", "")
    return 0 < len(key) <= _HEADER_CELL_MAX and column_kind(key) is not None


# How agency names end (县水务局, 县残联, 县护城河指挥部, 县代建中心, 团县委, 县科协, 国网大竹供电公司).
_AGENCY_END = re.compile(r"(?:政府|委员会|中心|指挥部|公司|集团|[厅局委办部院会署行处站队所团府室社联协关])$")


def _is_agency_line(text: str) -> bool:
    """A line naming agencies and nothing else: every item of it is short and ends like a name."""
    if re.search(r"[。.]\s*$", text):
        return False  # a sentence (建成县残疾人综合服务中心。): the task, however it ends
    parts = split_agencies(normalize_text(text))
    return bool(parts) and all(2 <= len(p) <= 30 and _AGENCY_END.search(p) and not re.search("[。，；：]", p) for p in parts)


def _is_deadline_line(text: str) -> bool:
    return bool(_DEADLINE.match(normalize_text(text).replace(" ", ""))) and len(text) <= 20


def line_tables(paragraphs: list[Paragraph], first_index: int = 0) -> list[Table]:
    """Task tables written one cell a paragraph, numbered from ``first_index``."""
    texts = [p.text.strip() for p in paragraphs]
    out: list[Table] = []
    i = 0
    while i < len(texts):
        width = 0
        while i + width < len(texts) and _is_header_cell(texts[i + width]):
            width += 1
        header = texts[i : i + width]
        if width < 3 or column_kind(header[0]) != "seq" or not is_task_table(make_table([header])):
            i += max(width, 1)
            continue
        table = _read_rows(texts, i, header, first_index + len(out))
        if table is None:
            i += width
            continue
        out.append(table)
        i = max(k for row in table.cell_paragraphs for k in row if k is not None) + 1
    return out


def _read_rows(texts: list[str], at: int, header: list[str], index: int) -> Table | None:
    """The table whose header cells are ``texts[at : at + len(header)]``, or None when the lines
    under it are not rows numbered 1, 2, … or the table has more than one agency column."""
    kinds = [column_kind(h) for h in header]
    agency_cols = [c for c, k in enumerate(kinds) if k in ("lead", "co", "guide")]
    if len(agency_cols) != 1 or "task" not in kinds:
        return None
    col = {k: kinds.index(k) for k in ("task", "deadline") if k in kinds}
    grid: list[list[str]] = [list(header)]
    where: list[list[int | None]] = [list(range(at, at + len(header)))]
    k, n = at + len(header), 1
    while k < len(texts) and (m := _SEQ.match(texts[k])) and int(m.group(1)) == n:
        end = k + 1
        while end < len(texts) and end - k <= _ROW_MAX_LINES and not _is_next(texts[end], n + 1):
            end += 1
        if end - k > _ROW_MAX_LINES:
            break
        row, cells = _row(texts, k, end, len(header), col, agency_cols[0])
        if row is None:
            break
        grid.append(row)
        where.append(cells)
        k, n = end, n + 1
    if len(grid) < 2:
        return None
    table = make_table(grid, index=index)
    return Table(table.rows, table.header_rows, index, title=None, cell_paragraphs=tuple(tuple(r) for r in where))


def _is_next(text: str, n: int) -> bool:
    return bool((m := _SEQ.match(text)) and int(m.group(1)) == n)


def _row(texts: list[str], k: int, end: int, width: int, col: dict[str, int], agency_col: int) -> tuple[list[str] | None, list[int | None]]:
    """One row from lines ``texts[k:end]`` (its 序号 line first): the task line(s), the agency
    lines, the first deadline line; later lines (a second item under the same 序号) stay in the
    body only. (None, …) when the lines do not read as a row (no task, or no agency)."""
    row = [""] * width
    cells: list[int | None] = [None] * width
    row[0], cells[0] = texts[k], k
    j = k + 1
    task_lines = []
    while j < end and not _is_agency_line(texts[j]) and not _is_deadline_line(texts[j]):
        task_lines.append(j)
        j += 1
    agency_lines = []
    while j < end and _is_agency_line(texts[j]):
        agency_lines.append(j)
        j += 1
    if len(task_lines) != 1 or not agency_lines:
        return None, cells
    row[col["task"]], cells[col["task"]] = texts[task_lines[0]], task_lines[0]
    row[agency_col], cells[agency_col] = "\n".join(texts[a] for a in agency_lines), agency_lines[0]
    if "deadline" in col and j < end and _is_deadline_line(texts[j]):
        row[col["deadline"]], cells[col["deadline"]] = texts[j], j
    return row, cells
