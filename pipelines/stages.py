"""Run a per-source stage over many sources: skip what is up to date, isolate failures.

A stage is a function source_id → {table: frame}. Each source is its own unit of work: its rows
are replaced in one transaction, and an exception is recorded against that source (its earlier
good rows stay) without stopping the others.
"""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.model import ParseError
from pipelines.warehouse import ensure_table, record_error, replace_source_rows, stage_state

log = logging.getLogger(__name__)


@dataclass
class StageReport:
    stage: str
    processed: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # source_id -> error
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written this run
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.stage}: {self.processed} processed, {self.skipped} up to date, "
            f"{len(self.failed)} failed in {self.seconds:.1f}s"
        )


def describe_error(exc: BaseException) -> str:
    """One readable line: our own errors as they are, anything else with its type and origin."""
    if isinstance(exc, ParseError):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_stage(
    conn: duckdb.DuckDBPyConnection,
    stage: str,
    code_version: str,
    work: Iterable[tuple[str, str]],
    compute: Callable[[str], Mapping[str, pl.DataFrame]],
    empty_frames: Mapping[str, pl.DataFrame],
    force: bool = False,
    drop_stale_outputs: bool = False,
) -> StageReport:
    """For each (source_id, input_key) whose last run differs in input or code, compute and load.

    ``empty_frames`` gives every output table's schema, so the tables exist even when no source
    produced a row (dbt's sources need them).

    When a source fails, its earlier rows stay, unless ``drop_stale_outputs`` is set and its input
    changed since they were made: an extraction's offsets point into the parsed text, so rows
    made from an older text would point at the wrong characters. They are removed (in the same
    transaction that records the error) rather than kept misleading.
    """
    started = time.monotonic()
    report = StageReport(stage)
    for table, frame in empty_frames.items():
        ensure_table(conn, table, frame)
    state = stage_state(conn, stage)
    for source_id, input_key in work:
        previous = state.get(source_id)
        # Up to date: same input, same code, and it worked. Failures are tried again each run
        # (a lock, a full disk or a fixed seed can make the next attempt succeed).
        if not force and previous == (input_key, code_version, "ok"):
            report.skipped += 1
            continue
        try:
            frames = compute(source_id)
            replace_source_rows(conn, source_id, frames, stage=stage, input_sha256=input_key, code_version=code_version)
        except Exception as exc:  # a bad document must not stop the others
            message = describe_error(exc)
            log.warning("%s failed on %s: %s", stage, source_id, message)
            stale = drop_stale_outputs and previous is not None and previous[0] != input_key
            record_error(conn, stage, source_id, input_key, code_version, message,
                         drop_tables=list(empty_frames) if stale else [])
            report.failed[source_id] = message
            continue
        report.processed += 1
        for table, frame in frames.items():
            report.rows[table] = report.rows.get(table, 0) + frame.height
    report.seconds = time.monotonic() - started
    return report
