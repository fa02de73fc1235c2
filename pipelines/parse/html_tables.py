"""The data tables of an HTML page as ``Table``s: rowspan and colspan carried (beautifulsoup4).

Portals lay pages out with tables too; only tables holding no other table are read (the layout
tables around them are not data), and only those of two rows and two columns at least.
"""
from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from dataclasses import replace

from pipelines.model import ParsedNotice
from pipelines.parse.html import decode_html
from pipelines.parse.plain import locate_rows
from pipelines.tables import Table, expand_spans, indicator_rows, is_task_table, make_table
from pipelines.textnorm import join_wrapped_lines


def tables_from_html(data: bytes | str, content_type: str | None = None, source: str | None = None) -> list[Table]:
    text = data if isinstance(data, str) else decode_html(data, content_type)[0]
    soup = BeautifulSoup(text, "lxml")
    out: list[Table] = []
    for tag in soup.find_all("table"):
        if tag.find("table") is not None:
            continue
        rows = [
            [(_text(cell), _span(cell, "rowspan"), _span(cell, "colspan")) for cell in tr.find_all(["td", "th"], recursive=False)]
            for tr in tag.find_all("tr")
            if tr.find_parent("table") is tag
        ]
        grid, carried = expand_spans([r for r in rows if r])
        if len(grid) >= 2 and grid and len(grid[0]) >= 2:
            out.append(make_table(grid, index=len(out), source=source, carried=carried))
    return out


def body_task_tables(data: bytes, content_type: str | None, notice: ParsedNotice, source: str | None = None) -> list[Table]:
    """The page's task and indicator tables whose every row the parser wrote into one paragraph of
    the body, with those paragraphs: their tasks and targets can point into the text. Other tables
    (info tables, layout) are left out."""
    out = []
    for table in tables_from_html(data, content_type, source=source):
        if not (is_task_table(table) or indicator_rows(table)):
            continue
        located = locate_rows(table, notice.paragraphs)
        if located is not None:
            out.append(replace(located, index=len(out)))
    return out


def _text(cell: Tag) -> str:
    # <br> and <p> inside a cell separate list items (one agency a line): keep them as line breaks.
    for br in cell.find_all("br"):
        br.replace_with("\n")
    lines = [join_wrapped_lines(p.split()) if p.strip() else "" for p in cell.get_text("\n").split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _span(cell: Tag, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, 1)).strip() or 1), 1000))
    except ValueError:
        return 1
