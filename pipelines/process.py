"""Per-source units of work: bytes → document row, paragraphs and clauses. No Dagster here.

Each function takes one source and returns the frames to load for it, or raises ParseError
with a message a user can act on.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines import faults
from pipelines.catalog import CatalogEntry
from pipelines.clauses import CLAUSE_SCHEMA, clause_frame
from pipelines.code_version import modules_version
from pipelines.model import Paragraph, ParsedNotice, ParseError, UnreadableText
from pipelines.parse import registry
from pipelines.parse.metadata import issuer_from_title, jurisdiction_of_body, normalize_doc_number, province_of
from pipelines.rawstore import RawStore
from pipelines.tables import Table
from pipelines.textquality import readable_problem

PARSE_MODULES = [
    "pipelines.parse.registry", *sorted(set(registry.PARSERS.values())), "pipelines.parse.plain",
    "pipelines.parse.html_tables", "pipelines.parse.pdf_tables", "pipelines.ocr", "pipelines.tables",
    "pipelines.parse.metadata", "pipelines.outline",
    "pipelines.clauses", "pipelines.textnorm", "pipelines.textquality", "pipelines.model", "pipelines.process",
]

SOURCE_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String,
    "url": pl.String,
    "final_url": pl.String,
    "format": pl.String,
    "content_sha256": pl.String,
    "size_bytes": pl.Int64,
    "title": pl.String,
    "issuer": pl.String,
    "doc_number": pl.String,
    "doc_number_normalized": pl.String,
    "signed_date": pl.Date,
    "publish_date": pl.Date,
    "province": pl.String,
    # The division the body speaks for (咸宁市咸安区), when the header names no issuer with its place.
    "jurisdiction": pl.String,
    "encoding": pl.String,
    "page_count": pl.Int32,
    "paragraph_count": pl.Int32,
    "clause_count": pl.Int32,
    "char_count": pl.Int32,
    "full_text": pl.String,
    "warnings": pl.List(pl.String),
    "overridden_fields": pl.List(pl.String),
    "parse_key": pl.String,  # input and code version the rows were made from (extract stages key on it)
}
PARAGRAPH_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String,
    "paragraph_seq": pl.Int32,
    "text": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "page": pl.Int32,
    "page_breaks": pl.List(pl.Int32),
}

# One row per row of a table the parser read as data (DOCX, XLSX, …): the task stage reads task
# tables from here; the row's text is paragraph ``paragraph_seq`` of raw.paragraphs.
TABLE_ROW_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String,
    "table_index": pl.Int32,
    "row_index": pl.Int32,
    "header_rows": pl.Int32,
    "paragraph_seq": pl.Int32,
    # When the body writes each cell as a paragraph of its own: each cell's paragraph (null: none).
    "cell_paragraph_seqs": pl.List(pl.Int32),
    "page": pl.Int32,
    "cells": pl.List(pl.String),
    "carried": pl.List(pl.Int32),  # columns whose text is a merged cell's (above or to the left)
    "table_title": pl.String,
    "table_source": pl.String,  # the file the table is in (a ZIP member's name), else the source's URL
}


def parse_code_version() -> str:
    from pipelines.seeds import SEEDS_DIR

    # The parsers read the division lists (provinces of cities and counties) from the seeds.
    return modules_version(PARSE_MODULES + ["pipelines.seeds"], [SEEDS_DIR / "admin_divisions.csv", SEEDS_DIR / "county_divisions.csv"])


def parse_input_key(content_sha256: str, entry: CatalogEntry) -> str:
    """What the parse stage's output depends on besides code: the bytes, URL and overrides."""
    overrides = json.dumps(entry.overrides, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{content_sha256}\0{entry.url}\0{overrides}".encode()).hexdigest()


def parse_work(entries: dict[str, CatalogEntry], fetches: dict) -> list[tuple[str, str]]:
    """(source id, parse input key) of every entry with a good fetch (``fetches``: source id →
    FetchResult), in the entries' order: the parse stage's work on either path."""
    return [(sid, parse_input_key(fetches[sid].sha256, entry)) for sid, entry in entries.items() if sid in fetches]


def detect_format(data: bytes, content_type: str | None, url: str) -> str:
    """The source's format (see ``pipelines.parse.registry``): from the bytes first, then the labels."""
    return registry.detect_format(data, content_type, url)


def parse_source(data: bytes, content_type: str | None, entry: CatalogEntry) -> ParsedNotice:
    """Parse one source's bytes and apply the catalogue's metadata overrides."""
    fmt = detect_format(data, content_type, entry.url)
    notice = registry.parser_for(fmt)(data, content_type=content_type, url=entry.url)
    if not notice.paragraphs or not notice.full_text.strip():
        raise ParseError(f"no text found in the {registry.LABELS[fmt]} body")
    problem = readable_problem(notice.full_text)
    if problem:
        raise UnreadableText(f"unreadable text: {problem}")
    for key, value in entry.overrides.items():
        if key != "province":
            setattr(notice, key, value)
    if not notice.issuer:  # GB/T 9704 titles name their issuer: 洛阳市人民政府关于印发…的通知
        notice.issuer = issuer_from_title(notice.title)
    return notice


@dataclass(frozen=True)
class ParseTask:
    """What a worker process needs to parse one source (it reads the bytes itself)."""

    entry: CatalogEntry
    raw_dir: str
    sha256: str
    content_type: str | None
    final_url: str | None
    parse_key: str


def _placeless(issuer: str | None) -> bool:
    """No issuer, or one named by its level only (区人民政府办公室, 市政府): its place is unknown."""
    return not issuer or issuer[0] in "省市区县州"


def parse_task(task: ParseTask) -> dict[str, pl.DataFrame]:
    """Bytes of one source → its frames (runs in a worker process)."""
    faults.checkpoint("parse")
    data = RawStore(task.raw_dir).get(task.sha256)
    notice = parse_source(data, task.content_type, task.entry)
    return source_frames(task.entry, notice, task.sha256, len(data), task.final_url, parse_key=task.parse_key)


def source_frames(
    entry: CatalogEntry,
    notice: ParsedNotice,
    content_sha256: str,
    size_bytes: int,
    final_url: str | None,
    parse_key: str,
) -> dict[str, pl.DataFrame]:
    """The rows one source contributes to raw.sources, raw.paragraphs and raw.clauses."""
    clauses = clause_frame(entry.source_id, notice)
    province = (
        entry.overrides.get("province") or province_of(notice.issuer) or province_of(notice.doc_number)
        or province_of(issuer_from_title(notice.title))
    )
    jurisdiction = None
    if "province" not in entry.overrides and _placeless(notice.issuer):
        # The title may name the place the body only calls 全市 (咸阳市2022年深化…工作要点).
        jurisdiction = jurisdiction_of_body(notice.full_text, title=notice.title)
        if province is None:
            province = province_of(jurisdiction)
        elif jurisdiction is not None and province_of(jurisdiction) != province:
            jurisdiction = None  # the 文号 or title says another province: trust them
    source = {
        "source_id": entry.source_id,
        "url": entry.url,
        "final_url": final_url,
        "format": notice.format,
        "content_sha256": content_sha256,
        "size_bytes": size_bytes,
        "title": notice.title,
        "issuer": notice.issuer,
        "doc_number": notice.doc_number,
        "doc_number_normalized": normalize_doc_number(notice.doc_number) if notice.doc_number else None,
        "signed_date": _as_date(notice.signed_date),
        "publish_date": _as_date(notice.publish_date),
        "province": province,
        "jurisdiction": jurisdiction,
        "encoding": notice.encoding,
        "page_count": notice.page_count,
        "paragraph_count": len(notice.paragraphs),
        "clause_count": clauses.height,
        "char_count": len(notice.full_text),
        "full_text": notice.full_text,
        "warnings": list(notice.warnings),
        "overridden_fields": sorted(entry.overrides),
        "parse_key": parse_key,
    }
    return {
        "sources": pl.DataFrame([source], schema=SOURCE_SCHEMA),
        "paragraphs": paragraph_frame(entry.source_id, notice.paragraphs),
        "clauses": clauses,
        "table_rows": table_row_frame(entry.source_id, notice.tables),
    }


def table_row_frame(source_id: str, tables: list[Table]) -> pl.DataFrame:
    rows = [
        {"source_id": source_id, "table_index": t.index, "row_index": r, "header_rows": t.header_rows,
         "paragraph_seq": t.paragraph_of(r),
         "cell_paragraph_seqs": list(t.cell_paragraphs[r]) if t.cell_paragraphs else None,
         "page": t.page_of(r), "cells": list(row),
         "carried": [c for c in range(len(row)) if (r, c) in t.carried], "table_title": t.title, "table_source": t.source}
        for t in tables
        for r, row in enumerate(t.rows)
    ]
    return pl.DataFrame(rows, schema=TABLE_ROW_SCHEMA)


def tables_from_rows(rows: list[dict]) -> list[Table]:
    """The tables of raw.table_rows rows (of one source), as the parser gave them."""
    by_table: dict[int, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r["table_index"], r["row_index"])):
        by_table.setdefault(row["table_index"], []).append(row)
    return [
        Table(
            rows=tuple(tuple(r["cells"]) for r in rs), header_rows=rs[0]["header_rows"], index=index,
            source=rs[0]["table_source"], title=rs[0]["table_title"], pages=tuple(r["page"] for r in rs),
            carried=frozenset((k, c) for k, r in enumerate(rs) for c in r["carried"] or ()),
            paragraphs=tuple(r["paragraph_seq"] for r in rs),
            cell_paragraphs=(tuple(tuple(r["cell_paragraph_seqs"]) for r in rs)
                             if all(r.get("cell_paragraph_seqs") is not None for r in rs) else ()),
        )
        for index, rs in by_table.items()
    ]


def paragraph_frame(source_id: str, paragraphs: list[Paragraph]) -> pl.DataFrame:
    rows, offset = [], 0
    for seq, p in enumerate(paragraphs):
        rows.append(
            {"source_id": source_id, "paragraph_seq": seq, "text": p.text, "char_start": offset,
             "char_end": offset + len(p.text), "page": p.page, "page_breaks": list(p.page_breaks)}
        )
        offset += len(p.text) + 1
    return pl.DataFrame(rows, schema=PARAGRAPH_SCHEMA)


def empty_frames() -> dict[str, pl.DataFrame]:
    """Empty frames with the right schemas, so the raw tables exist even before any success."""
    return {
        "sources": pl.DataFrame(schema=SOURCE_SCHEMA),
        "paragraphs": pl.DataFrame(schema=PARAGRAPH_SCHEMA),
        "clauses": pl.DataFrame(schema=CLAUSE_SCHEMA),
        "table_rows": pl.DataFrame(schema=TABLE_ROW_SCHEMA),
    }


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None
