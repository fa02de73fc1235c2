"""Run a per-source stage over many sources: skip what is up to date, isolate failures.

A stage is a function source_id → {table: frame}. Each source is its own unit of work: its rows
are replaced in one transaction, and an exception is recorded against that source (its earlier
good rows stay) without stopping the others.
"""
from __future__ import annotations

import logging
import time
import traceback
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from pipelines.model import ParseError
from pipelines.warehouse import describe_db_error, ensure_table, record_error, replace_source_rows, stage_state
from pipelines.workers import Limits, WorkError, run_bounded

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
    if isinstance(exc, (ParseError, OSError)) and str(exc):
        if isinstance(exc, OSError) and exc.errno:
            from pipelines.rawstore import describe_os_error

            return describe_os_error(exc)
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def error_kind(exc: BaseException) -> str:
    """The kind of a compute error, as stage_state records it (unreadable, parse, storage, error)."""
    if isinstance(exc, OSError):
        return "storage"
    return getattr(exc, "kind", "parse" if isinstance(exc, ParseError) else "error")


def run_stage(
    conn: duckdb.DuckDBPyConnection,
    stage: str,
    code_version: str,
    work: Iterable[tuple[str, str]],
    compute: Callable[[str], Any],
    empty_frames: Mapping[str, pl.DataFrame],
    force: bool = False,
    drop_stale_outputs: bool = False,
    *,
    worker: Callable[[Any], Mapping[str, pl.DataFrame]] | None = None,
    limits: Limits | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> StageReport:
    """For each (source_id, input_key) whose last run differs in input or code, compute and load.

    Without ``worker``, ``compute(source_id)`` returns the source's frames, computed here. With
    it, ``compute(source_id)`` returns the worker's input (read here, e.g. from the warehouse) and
    ``worker(input)`` the frames, computed in a worker process under ``limits`` (time and memory
    per source, see ``pipelines.workers``); the frames are loaded here, by the one writer.

    ``empty_frames`` gives every output table's schema, so the tables exist even when no source
    produced a row (dbt's sources need them). ``progress(done, total, source_id)`` is called
    after each source.

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
    todo: list[tuple[str, str]] = []
    for source_id, input_key in work:
        # Up to date: same input, same code, and it worked. Failures are tried again each run
        # (a lock, a full disk or a fixed seed can make the next attempt succeed).
        if not force and state.get(source_id) == (input_key, code_version, "ok"):
            report.skipped += 1
        else:
            todo.append((source_id, input_key))
    keys = dict(todo)

    def fail(source_id: str, kind: str, message: str) -> None:
        log.warning("%s failed on %s: %s", stage, source_id, message)
        previous = state.get(source_id)
        stale = drop_stale_outputs and previous is not None and previous[0] != keys[source_id]
        record_error(conn, stage, source_id, keys[source_id], code_version, message,
                     drop_tables=list(empty_frames) if stale else [], kind=kind)
        report.failed[source_id] = message

    def load(source_id: str, frames: Mapping[str, pl.DataFrame]) -> None:
        try:
            replace_source_rows(conn, source_id, frames, stage=stage, input_sha256=keys[source_id], code_version=code_version)
        except duckdb.Error as exc:
            message = describe_db_error(exc)
            if "disk is full" in message or "cannot be written" in message or "broke" in message:
                raise WarehouseWriteError(message) from exc  # no source can be loaded: stop, loudly
            fail(source_id, "load", message)
            return
        except Exception as exc:  # rows that do not fit (a bug in one source's frames)
            fail(source_id, "load", describe_error(exc))
            return
        report.processed += 1
        for table, frame in frames.items():
            report.rows[table] = report.rows.get(table, 0) + frame.height

    if worker is None:
        results: Iterable[tuple[str, Any]] = ((sid, _in_process(compute, sid)) for sid, _ in todo)
    else:
        results = run_bounded(
            worker, ((sid, functools.partial(_prepare, compute, sid)) for sid, _ in todo), limits, total=len(todo)
        )
    for done, (source_id, outcome) in enumerate(results, start=1):
        if isinstance(outcome, WorkError):
            fail(source_id, outcome.kind, outcome.message)
        else:
            load(source_id, outcome)
        if progress is not None:
            progress(done, len(todo), source_id)
    report.seconds = time.monotonic() - started
    return report


class WarehouseWriteError(RuntimeError):
    """The warehouse itself cannot be written (full or read-only disk): no source can be loaded."""


def _in_process(compute: Callable[[str], Any], source_id: str) -> Any:
    try:
        return compute(source_id)
    except Exception as exc:  # a bad document must not stop the others
        return WorkError(error_kind(exc), describe_error(exc))


def _prepare(compute: Callable[[str], Any], source_id: str) -> Any:
    """The worker's input for a source; a failure to read it becomes the source's error."""
    try:
        return compute(source_id)
    except Exception as exc:
        return WorkError(error_kind(exc), describe_error(exc))  # the worker hands it straight back
