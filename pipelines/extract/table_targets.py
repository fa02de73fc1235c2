"""Targets from indicator tables (指标 | 单位 | 2020年 | 2025年): one per metric row, into the same
frame as the targets the sentence grammar finds (pipelines.extract.targets).

The latest year column with a number is the target; an earlier year with a number is its base
(the 基期 value is where the metric stands, not a commitment). "以上" / "以下" after the number
make it a floor or a ceiling. The target points at its value cell in the row's paragraph.
"""
from __future__ import annotations

import re

import polars as pl

from pipelines.extract.targets import TARGET_SCHEMA
from pipelines.model import Paragraph, paragraph_starts
from pipelines.parse.plain import cell_positions
from pipelines.tables import Table, indicator_rows
from pipelines.textnorm import normalize_text

_COMPARATORS = ((re.compile(r"以上|不低于|不少于|≥|>="), "≥"), (re.compile(r"以下|不高于|不超过|以内|≤|<="), "≤"))


def indicator_table_spans(paragraphs: list[Paragraph], tables: list[Table]) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs holding the rows of indicator tables."""
    starts = paragraph_starts(paragraphs)
    return [
        (starts[k], starts[k] + len(paragraphs[k].text))
        for table in tables if indicator_rows(table)
        for r in range(len(table.rows)) if (k := table.paragraph_of(r)) is not None
    ]


def extract_table_targets(source_id: str, paragraphs: list[Paragraph], clauses: pl.DataFrame, tables: list[Table]) -> pl.DataFrame:
    starts = paragraph_starts(paragraphs)
    clause_rows = list(clauses.iter_rows(named=True)) if clauses.height else []
    out: list[dict] = []
    seen: set[str] = set()
    for table in tables:
        by_row: dict[int, list[dict]] = {}
        for cell in indicator_rows(table):
            if cell["value"] is not None:
                by_row.setdefault(cell["row"], []).append(cell)
        for r, cells in by_row.items():
            k = table.paragraph_of(r)
            if k is None:
                continue
            target = max(cells, key=lambda c: c["year"])
            base = min(cells, key=lambda c: c["year"])
            spans = cell_positions(table, r, paragraphs[k].text)
            if target["col"] not in spans:
                continue
            start, end = (starts[k] + x for x in spans[target["col"]])
            clause = next((c for c in clause_rows if c["char_start"] <= start < c["char_end"]), None)
            if clause is None:
                continue
            text = normalize_text(target["value_text"])
            unit = target["unit"] or ("%" if "%" in text else None)
            target_id = f"{source_id}/tgt{start:06d}"
            while target_id in seen:
                target_id += "-t"
            seen.add(target_id)
            out.append(
                {
                    "target_id": target_id, "source_id": source_id, "clause_id": clause["clause_id"], "kind": "quantitative",
                    "metric_phrase": target["metric"], "metric_phrase_normalized": normalize_text(target["metric"]),
                    "target_year": target["year"], "is_approximate": "左右" in text, "value": target["value"],
                    "unit": unit, "comparator": next((sym for pattern, sym in _COMPARATORS if pattern.search(text)), "="),
                    "base_year": base["year"] if base is not target else None,
                    "statement": clause["text"], "char_start": start, "char_end": end,
                    "page": table.page_of(r) if table.page_of(r) is not None else paragraphs[k].page,
                }
            )
    return pl.DataFrame(out, schema=TARGET_SCHEMA)

