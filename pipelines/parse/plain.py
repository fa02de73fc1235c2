"""What the office-format readers share: a notice from paragraphs in reading order.

Word, spreadsheet and OFD files carry no portal metadata; what they say about themselves is in
their text (a title line, the 文号 line of the red header, the signature and date) and, weakly, in
their document properties. Tables become one paragraph per row, so their text has clauses and
offsets like the rest of the body.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipelines.model import Paragraph, ParsedNotice
from pipelines.parse.metadata import clean_title, find_doc_number, find_signature, plausible_title
from pipelines.tables import Table

_TITLE_LINES = 8  # the title stands among the first lines (after a 附件1 line, a 文号)
_ROW_SEPARATOR = " "  # between the cells of a table row's paragraph (the PDF reader keeps layout gaps so too)


def cell_spans(table: Table, r: int) -> dict[int, tuple[int, int]]:
    """Where each of row ``r``'s own cells (not those a merged cell fills) is in ``row_text``."""
    spans, at = {}, 0
    for c, t in enumerate(table.rows[r]):
        if t and (r, c) not in table.carried:
            if spans:
                at += len(_ROW_SEPARATOR)
            spans[c] = (at, at + len(t))
            at += len(t)
    return spans


def row_text(table: Table, r: int) -> str:
    """A table row as one line of text: its own cells in order (line breaks inside a cell become
    spaces, so every cell keeps its length and ``cell_spans`` holds)."""
    row = table.rows[r]
    return _ROW_SEPARATOR.join(row[c].replace("\n", " ") for c in cell_spans(table, r))


def find_loose(text: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """(start, end) of ``needle`` in ``text`` from ``start`` on, whitespace ignored on both sides (a
    page may write a header cell 主要工作任务 as 主 要 工 作 任 务)."""
    key = "".join(needle.split())
    if not key:
        return None
    chars = [i for i in range(start, len(text)) if not text[i].isspace()]
    at = "".join(text[i] for i in chars).find(key)
    return None if at < 0 else (chars[at], chars[at + len(key) - 1] + 1)


def cell_positions(table: Table, r: int, text: str) -> dict[int, tuple[int, int]]:
    """Where row ``r``'s own cells are in ``text`` (the row's paragraph), found in order."""
    out, cursor = {}, 0
    for c, t in enumerate(table.rows[r]):
        if t and (r, c) not in table.carried:
            found = find_loose(text, t, cursor)
            if found is not None:
                out[c] = found
                cursor = found[1]
    return out


def locate_rows(table: Table, paragraphs: Sequence[Paragraph]) -> Table | None:
    """The table with the paragraph of each row found among ``paragraphs`` (a reader such as the
    HTML one writes the rows into the body itself): for each row in turn, the first paragraph from
    the previous row's on that holds all of the row's own cells in order. Failing that, the body
    may write every cell as a paragraph of its own (``locate_cells``). None when the table's text
    is laid out otherwise."""
    return _locate_whole_rows(table, paragraphs) or locate_cells(table, paragraphs)


def locate_cells(table: Table, paragraphs: Sequence[Paragraph]) -> Table | None:
    """The table with the paragraph of each cell, when the body writes one cell a paragraph, in
    order (序号 / 改革举措 / 主要内容 / 指导部门 lines, then each row's cells): the first cell is the
    whole of some paragraph (whitespace aside), and every later one the whole of one of the next
    few after it. None when a cell is not."""
    k: int | None = None
    cells: list[tuple[int | None, ...]] = []
    first: list[int | None] = []
    for r in range(len(table.rows)):
        row: list[int | None] = []
        for c, t in enumerate(table.rows[r]):
            if not t or (r, c) in table.carried or (c > 0 and table.rows[r][c - 1] == t and _is_spanning(table, r)):
                row.append(None)
                continue
            key = "".join(t.split())
            window = range(len(paragraphs)) if k is None else range(k, min(k + _CELL_GAP + 1, len(paragraphs)))
            k = next((j for j in window if "".join(paragraphs[j].text.split()) == key), None)
            if k is None:
                return None
            row.append(k)
            k += 1
        cells.append(tuple(row))
        first.append(next((p for p in row if p is not None), None))
    return replace(table, paragraphs=tuple(first), cell_paragraphs=tuple(cells))


_CELL_GAP = 2  # paragraphs a flattened table may have between two cells (a stray line, a note mark)


def _is_spanning(table: Table, r: int) -> bool:
    """A row one cell spans (a section title such as 一、知识产权保护方面): written once."""
    texts = {t for t in table.rows[r] if t}
    return len(texts) == 1


def cell_locations(table: Table, r: int, paragraphs: Sequence[Paragraph]) -> dict[int, tuple[int, int, int]]:
    """(paragraph, start, end) of each of row ``r``'s own cells in the body, whichever way the
    body writes the table (a paragraph per row, or per cell). Offsets count from the start of
    that paragraph; a cell written over several paragraphs ends in a later one."""
    if table.cell_paragraphs:
        out = {}
        for c in range(table.width):
            span = table.cell_paragraph_span(r, c)
            # (start, end) from the start of the cell's first paragraph; a cell over several runs on
            hay = "\n".join(paragraphs[k].text for k in span if k < len(paragraphs))
            if span and (found := find_loose(hay, table.rows[r][c])) is not None:
                out[c] = (span[0], *found)
        return out
    k = table.paragraph_of(r)
    if k is None:
        return {}
    return {c: (k, s, e) for c, (s, e) in cell_positions(table, r, paragraphs[k].text).items()}


def _locate_whole_rows(table: Table, paragraphs: Sequence[Paragraph]) -> Table | None:
    at: list[int | None] = []
    k = 0
    for r in range(len(table.rows)):
        own = [c for c, t in enumerate(table.rows[r]) if t and (r, c) not in table.carried]
        if not own:
            at.append(None)
            continue
        while k < len(paragraphs) and len(cell_positions(table, r, paragraphs[k].text)) < len(own):
            k += 1
        if k == len(paragraphs):
            return None
        at.append(k)
    return replace(table, paragraphs=tuple(at))


def add_table(paragraphs: list[Paragraph], table: Table) -> Table:
    """Append the table's title (if any) and each of its rows to ``paragraphs``; the table with
    the index of each row's paragraph."""
    if table.title:
        paragraphs.append(Paragraph(table.title, table.page_of(0)))
    at: list[int | None] = []
    for r in range(len(table.rows)):
        text = row_text(table, r)
        at.append(len(paragraphs) if text else None)
        if text:
            paragraphs.append(Paragraph(text, table.page_of(r)))
    return replace(table, paragraphs=tuple(at))


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
