"""The extraction stages: which extractors run over a parsed source, and how their input is
read back from the warehouse. Pure extractors live in pipelines/extract/; this is the glue."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipelines.clauses import CLAUSE_SCHEMA
from pipelines.code_version import modules_version
from pipelines.model import Paragraph
from pipelines.seeds import SEEDS_DIR
from pipelines.tables import Table

# Extractors depend on the outline/normalisation code and the seeds they read, besides their own modules.
_SHARED_MODULES = [
    "pipelines.outline", "pipelines.textnorm", "pipelines.model", "pipelines.tables", "pipelines.seeds",
    "pipelines.extract_stages",
]


@dataclass(frozen=True)
class SourceInput:
    """Everything an extractor sees of one parsed source."""

    source_id: str
    paragraphs: list[Paragraph]
    clauses: pl.DataFrame
    province: str | None
    doc_number: str | None
    document_date: date | None
    title: str | None
    issuer: str | None
    jurisdiction: str | None = None  # read from the body when the header names no place (process.py)
    tables: tuple[Table, ...] = ()  # tables the parser read as data (DOCX, XLSX, …)

    @classmethod
    def empty(cls) -> SourceInput:
        return cls("", [], pl.DataFrame(schema=CLAUSE_SCHEMA), None, None, None, None, None)

    @property
    def issuing_body(self) -> str | None:
        """The issuer as the note grammar reads it: with its place when only the body gives it
        (区人民政府办公室 in a notice that speaks for 咸宁市咸安区 → 咸宁市咸安区人民政府办公室)."""
        if not self.jurisdiction or (self.issuer and self.issuer[0] not in "省市区县州"):
            return self.issuer
        return self.jurisdiction + (self.issuer[1:] if self.issuer else "人民政府")


def source_input_from_frames(frames: Mapping[str, pl.DataFrame]) -> SourceInput:
    """What an extractor sees of a source, from its parse frames (``sources``, ``paragraphs``,
    ``clauses``, ``table_rows``): as the parse stage made them (the fan-out path) or as the
    warehouse holds them (``load_source_input``)."""
    from pipelines.process import tables_from_rows

    source = frames["sources"].row(0, named=True)
    paragraphs = [
        Paragraph(r["text"], r["page"], tuple(r["page_breaks"] or ()))
        for r in frames["paragraphs"].sort("paragraph_seq").iter_rows(named=True)
    ]
    clauses = frames["clauses"].sort("seq").select(list(CLAUSE_SCHEMA)).cast(CLAUSE_SCHEMA)
    document_date: date | None = source["signed_date"] or source["publish_date"]
    return SourceInput(
        source["source_id"], paragraphs, clauses, source["province"], source["doc_number"], document_date,
        source["title"], source["issuer"], source["jurisdiction"],
        tables=tuple(tables_from_rows(frames["table_rows"].to_dicts())),
    )


def load_source_input(conn: duckdb.DuckDBPyConnection, source_id: str) -> SourceInput:
    from pipelines.warehouse import table_exists

    def rows(table: str) -> pl.DataFrame:
        return conn.sql(f"select * from raw.{table} where source_id = ?", params=[source_id]).pl()

    frames = {name: rows(name) for name in ("sources", "paragraphs", "clauses")}
    # A warehouse parsed before tables were stored has no raw.table_rows.
    frames["table_rows"] = rows("table_rows") if table_exists(conn, "table_rows") else pl.DataFrame()
    return source_input_from_frames(frames)


@dataclass(frozen=True)
class ExtractStage:
    name: str
    modules: list[str]
    extract: Callable[[SourceInput], dict[str, pl.DataFrame]]

    def code_version(self) -> str:
        return modules_version(self.modules + _SHARED_MODULES, sorted(SEEDS_DIR.glob("*.csv")))

    def work(self, conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
        """(source_id, input key) for every parsed source of the catalogue."""
        return conn.execute(
            """select s.source_id, s.parse_key from raw.sources s
               join raw.catalog c using (source_id) order by s.source_id"""
        ).fetchall()

    def compute(self, conn: duckdb.DuckDBPyConnection, source_id: str) -> dict[str, pl.DataFrame]:
        return self.extract(load_source_input(conn, source_id))

    def prepare(self, conn: duckdb.DuckDBPyConnection, source_id: str) -> tuple[Callable, SourceInput]:
        """A worker's input for one source (see ``apply_extract``): the extractor and its input."""
        return self.extract, load_source_input(conn, source_id)

    def empty_frames(self) -> dict[str, pl.DataFrame]:
        return {table: frame.head(0) for table, frame in self.extract(SourceInput.empty()).items()}


def apply_extract(payload: tuple[Callable[[SourceInput], dict[str, pl.DataFrame]], SourceInput]) -> dict[str, pl.DataFrame]:
    """Run one extractor on one source's input (in a worker process)."""
    extract, src = payload
    return extract(src)


def _tasks(src: SourceInput) -> dict[str, pl.DataFrame]:
    from pipelines.extract.table_tasks import extract_table_tasks, task_table_spans
    from pipelines.extract.tasks import extract_tasks, task_id

    tasks, agencies = extract_tasks(src.source_id, src.paragraphs, src.clauses, src.province, issuer=src.issuing_body)
    rows = task_table_spans(src.paragraphs, list(src.tables))
    if not rows:
        return {"tasks": tasks, "task_agencies": agencies}
    # The rows of task tables are read by the table reader; what the body grammar made of them goes.
    # Table tasks are numbered after every body task first, so the two sets of ids never meet.
    after_body = int(tasks["seq"].max()) + 1 if tasks.height else 0
    inside = pl.lit(False)
    for start, end in rows:
        inside = inside | ((pl.col("char_start") >= start) & (pl.col("char_end") <= end))
    tasks = tasks.filter(~inside)
    agencies = agencies.filter(pl.col("task_id").is_in(tasks["task_id"].implode()))
    table_tasks, table_agencies = extract_table_tasks(
        src.source_id, src.paragraphs, src.clauses, list(src.tables), src.province, issuer=src.issuing_body,
        first_seq=after_body,
    )
    # One numbering in reading order: body tasks and table tasks by where they start.
    both = pl.concat([tasks, table_tasks]).sort("char_start", "seq")
    new_ids = {old: task_id(src.source_id, seq) for seq, old in enumerate(both["task_id"].to_list())}
    both = both.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int32).alias("seq"), pl.col("task_id").replace_strict(new_ids).alias("task_id"),
    )
    agencies = pl.concat([agencies, table_agencies]).with_columns(pl.col("task_id").replace_strict(new_ids))
    return {"tasks": both, "task_agencies": agencies}


def _promises(src: SourceInput) -> dict[str, pl.DataFrame]:
    from pipelines.extract.projects import extract_projects
    from pipelines.extract.references import extract_references
    from pipelines.extract.targets import extract_targets

    from pipelines.extract.table_targets import extract_table_targets, indicator_table_spans

    targets = extract_targets(src.source_id, src.paragraphs, src.clauses, src.document_date, title=src.title)
    rows = indicator_table_spans(src.paragraphs, list(src.tables))
    if rows:  # indicator tables are read by the table reader; what the sentence grammar made of them goes
        inside = pl.lit(False)
        for start, end in rows:
            inside = inside | ((pl.col("char_start") >= start) & (pl.col("char_end") <= end))
        table_targets = extract_table_targets(src.source_id, src.paragraphs, src.clauses, list(src.tables))
        targets = pl.concat([targets.filter(~inside), table_targets]).sort("char_start")
    return {
        "project_mentions": extract_projects(src.source_id, src.paragraphs, src.clauses),
        "targets": targets,
        "document_references": extract_references(src.source_id, src.paragraphs, src.doc_number, title=src.title),
    }


TASKS = ExtractStage(
    "tasks", ["pipelines.extract.tasks", "pipelines.extract.agencies", "pipelines.extract.prose_notes",
              "pipelines.extract._textview", "pipelines.extract.table_tasks", "pipelines.parse.plain",
              "pipelines.process"], _tasks,
)
PROMISES = ExtractStage(
    "promises",
    [
        "pipelines.extract.projects", "pipelines.extract.targets", "pipelines.extract.references",
        "pipelines.extract._textview", "pipelines.parse.metadata", "pipelines.extract.table_targets",
        "pipelines.parse.plain", "pipelines.process",
    ],
    _promises,
)
