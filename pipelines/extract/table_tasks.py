"""Tasks from task tables (附件：重点任务分工表): one per row, into the same frames as the tasks that
responsibility notes close (pipelines.extract.tasks), so they reach the same marts.

Each table row is a paragraph of the source's text (pipelines.parse.plain), so a table task has
offsets like any task: it runs from its task cell to the end of its row, and its "note" is the
row's own lead / co / deadline cells. Agency mentions point at the cell that names them: a lead
shared by several rows through a merged cell points at the row where the merged cell is written.
Each agency is read by the note grammar on its own (省交通运输厅 → 广东省交通运输厅), with the
role its column gives (lead under 牵头单位, responsible under 责任单位, co under 配合单位).
"""
from __future__ import annotations

import polars as pl

from pipelines.extract.agencies import CO, GUIDE, is_group, read_note
from pipelines.extract.tasks import TASK_AGENCY_SCHEMA, TASK_SCHEMA, task_id
from pipelines.model import Paragraph, paragraph_starts
from pipelines.outline import HEADING_SEPARATOR
from pipelines.parse.plain import cell_locations, find_loose
from pipelines.tables import Table, task_rows


def task_table_spans(paragraphs: list[Paragraph], tables: list[Table]) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs holding the rows of task tables: text other extractors leave
    to this one (a row is no numbered item or sentence of the body)."""
    starts = paragraph_starts(paragraphs)
    out = []
    for table in tables:
        if not task_rows(table):
            continue
        for r in range(len(table.rows)):
            out.extend((starts[k], starts[k] + len(paragraphs[k].text)) for k in table.row_paragraphs(r))
    return out


def extract_table_tasks(
    source_id: str,
    paragraphs: list[Paragraph],
    clauses: pl.DataFrame,
    tables: list[Table],
    province: str | None,
    *,
    issuer: str | None = None,
    first_seq: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tasks, task_agencies) of the source's task tables, numbered from ``first_seq``."""
    starts = paragraph_starts(paragraphs)
    full_text = "\n".join(p.text for p in paragraphs)
    clause_spans = list(zip(clauses["clause_id"].to_list(), clauses["char_start"].to_list(), clauses["char_end"].to_list())) if clauses.height else []
    task_out: list[dict] = []
    agency_out: list[dict] = []
    for table in tables:
        for t in task_rows(table):
            r = t["row"]
            # Each cell's offsets in the full text, whether the body writes the row as one
            # paragraph or each cell as its own.
            cells = {c: (starts[k] + a, starts[k] + b, k) for c, (k, a, b) in cell_locations(table, r, paragraphs).items()}
            task_col = t["cells"]["task"][1]
            if task_col not in cells:
                continue
            start, k = cells[task_col][0], cells[task_col][2]
            if table.cell_paragraphs:
                end = max(e for _, e, _ in cells.values())
            else:
                end = starts[k] + len(paragraphs[k].text)  # the row's paragraph
            note_cols = [t["cells"][kind][1] for kind in ("lead", "co", "guide", "deadline") if kind in t["cells"]]
            own = [cells[c] for c in note_cols if c in cells]
            note_start = min(a for a, _, _ in own) if own else None
            note_end = max(b for _, b, _ in own) if own else None
            seq = first_seq + len(task_out)
            tid = task_id(source_id, seq)
            titles = [x for x in (table.title, t["section"]) if x]
            task_out.append(
                {
                    "task_id": tid, "source_id": source_id, "seq": seq,
                    "heading_path": HEADING_SEPARATOR.join(titles), "heading_titles": titles,
                # as written in the body, over every column that describes the task
                    "text": full_text[start : max(cells[c][1] for c in t["task_columns"] if c in cells)],
                    "note_text": full_text[note_start:note_end] if note_start is not None else None,
                    "char_start": start, "char_end": end, "note_char_start": note_start, "note_char_end": note_end,
                    "page": t["page"] if t["page"] is not None else paragraphs[k].page,
                    "clause_ids": [c for c, s, e in clause_spans if s < end and e > start],
                    "deadline": t["deadline"],
                    "table_index": table.index, "table_row": r,
                }
            )
            position = 0
            for role, kind in ((t["lead_role"], "lead"), (CO, "co"), (GUIDE, "guide")):
                if kind not in t["cells"]:
                    continue
                cell_start, cell_text = _cell_origin(table, r, t["cells"][kind][1], paragraphs, starts, full_text)
                if cell_start is None:
                    continue
                cursor = 0
                for agency in t[kind]:
                    found = find_loose(cell_text, agency, cursor)
                    if found is None:
                        continue
                    cursor = found[1]
                    agency_out.append(
                        _mention(tid, source_id, position, role, cell_text[found[0] : found[1]], cell_start + found[0], province, issuer)
                    )
                    position += 1
    return pl.DataFrame(task_out, schema=TASK_SCHEMA), pl.DataFrame(agency_out, schema=TASK_AGENCY_SCHEMA)



def _cell_origin(
    table: Table, r: int, c: int, paragraphs: list[Paragraph], starts: list[int], full_text: str
) -> tuple[int | None, str]:
    """Offset in the full text where the cell's text is written, and that text as written there
    (over several paragraphs for a flattened cell of one agency a line)."""
    orow, ocol = table.origin(r, c)
    found = cell_locations(table, orow, paragraphs).get(ocol)
    if found is None:
        return None, ""
    k, s, e = found
    return starts[k] + s, full_text[starts[k] + s : starts[k] + e]


def _mention(tid: str, source_id: str, position: int, role: str, agency: str, start: int,
             province: str | None, issuer: str | None) -> dict:
    """One agency as written at ``start``, read by the note grammar on its own."""
    reading = read_note("".join(agency.split()), province, issuer=issuer)
    m = reading.mentions[0] if len(reading.mentions) == 1 else None
    return {
        "task_id": tid, "source_id": source_id, "position": position, "role": role, "mention": agency,
        "name": m.name if m else agency, "jurisdiction": m.jurisdiction if m else None,
        "unit": m.unit if m else agency, "province": m.province if m else None,
        "is_group": m.is_group if m else is_group(agency),
        "char_start": start, "char_end": start + len(agency),
    }
