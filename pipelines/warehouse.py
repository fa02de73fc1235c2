"""The DuckDB side of the Python stages: the ``raw`` schema and idempotent per-source loads.

Every table the Python stages write carries ``source_id``. A stage replaces all of one source's
rows in all of its tables inside one transaction, so a re-run leaves the same rows, a changed
document replaces only its own rows, and a run killed mid-load leaves the previous rows intact.
"""
from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipelines import faults
from pipelines import writer_lock as writer_lock_module
from pipelines.writer_lock import WarehouseBusy, writer_lock

RAW_SCHEMA = "raw"

# Bookkeeping: which input (bytes hash) and which code version each stage last processed per source.
_STATE_DDL = f"""
create table if not exists {RAW_SCHEMA}.stage_state (
    stage varchar not null,
    source_id varchar not null,
    input_sha256 varchar,
    code_version varchar not null,
    status varchar not null,          -- ok | error
    error varchar,
    error_kind varchar,               -- parse | unreadable | timeout | memory | crash | storage | load | error
    updated_at timestamptz not null,
    primary key (stage, source_id)
)"""


def lock_timeout_seconds() -> float:
    return writer_lock_module.lock_timeout_seconds()


def describe_db_error(e: BaseException, path: Path | None = None) -> str:
    """One readable line for a DuckDB failure, with the real cause (a full or read-only disk)."""
    text = str(e)
    where = f" ({path})" if path else ""
    lowered = text.lower()
    if "no space left" in lowered or "disk is full" in lowered:
        return f"the warehouse disk is full{where}: {text.splitlines()[0]}"
    if "read-only file system" in lowered or "permission denied" in lowered:
        return f"the warehouse cannot be written{where}: {text.splitlines()[0]}"
    if "database has been invalidated" in lowered:
        return f"the warehouse connection broke after an earlier write error{where}: {text.splitlines()[0]}"
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"


def _open(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting up to ``timeout`` seconds for another process to let go of it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise
            if time.monotonic() >= deadline:
                pid = re.search(r"PID (\d+)", str(e))
                who = f"another program (PID {pid.group(1)})" if pid else "another program"
                snapshot = path.with_name(f"{path.stem}.snapshot.duckdb")
                raise WarehouseBusy(
                    f"{who} has the warehouse {path} open, and DuckDB lets no one write while any other "
                    f"process has the file open, even read-only; waited {timeout:.0f}s "
                    f"(NOTICES_LOCK_TIMEOUT). Close it, and point notebooks and BI tools at the "
                    f"snapshot {snapshot.name} instead."
                ) from e
            time.sleep(0.5)


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating its folder and the raw schema when writing).

    A writer first takes the pipeline's writer lock (``pipelines.writer_lock``: one writing run
    at a time, released by the kernel if the holder dies), then waits for any other process that
    holds the DuckDB file. Both waits are bounded by ``timeout`` (default
    ``NOTICES_LOCK_TIMEOUT``) and end in WarehouseBusy with a message saying who holds it.
    """
    path = Path(path)
    wait = lock_timeout_seconds() if timeout is None else timeout
    with contextlib.ExitStack() as stack:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(writer_lock(path, timeout=wait))
        conn = _open(path, read_only, wait)
        try:
            if not read_only:
                conn.execute(f"create schema if not exists {RAW_SCHEMA}")
                conn.execute(_STATE_DDL)
                conn.execute(f"alter table {RAW_SCHEMA}.stage_state add column if not exists error_kind varchar")
            yield conn
        finally:
            conn.close()


def ensure_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Create ``raw.<table>`` from the frame's schema, or add columns a newer code version writes."""
    conn.register("_incoming_schema", frame.head(0))
    conn.execute(f"create table if not exists {RAW_SCHEMA}.{table} as select * from _incoming_schema")
    existing = {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, table],
        ).fetchall()
    }
    for name, dtype, *_ in conn.execute("describe select * from _incoming_schema").fetchall():
        if name not in existing:
            conn.execute(f'alter table {RAW_SCHEMA}.{table} add column "{name}" {dtype}')
    conn.unregister("_incoming_schema")


def replace_source_rows(
    conn: duckdb.DuckDBPyConnection,
    source_id: str,
    frames: Mapping[str, pl.DataFrame],
    stage: str | None = None,
    input_sha256: str | None = None,
    code_version: str | None = None,
) -> None:
    """Replace one source's rows in each ``raw.<table>`` of ``frames``, atomically.

    With ``stage``, the stage's bookkeeping row is written in the same transaction, so the
    state never claims work that did not land.
    """
    for table, frame in frames.items():
        # Replace-by-source is only sound if every row belongs to the source being replaced.
        if "source_id" not in frame.columns:
            raise ValueError(f"rows for raw.{table} have no source_id column")
        others = frame.filter(pl.col("source_id").ne_missing(source_id)).height
        if others:
            raise ValueError(f"{others} rows for raw.{table} do not belong to source {source_id!r}")
        ensure_table(conn, table, frame)
    conn.execute("begin transaction")
    try:
        for table, frame in frames.items():
            conn.execute(f"delete from {RAW_SCHEMA}.{table} where source_id = ?", [source_id])
            if frame.height:
                conn.register("_incoming", frame)
                conn.execute(f"insert into {RAW_SCHEMA}.{table} by name select * from _incoming")
                conn.unregister("_incoming")
        if stage:
            _write_state(conn, stage, source_id, input_sha256, code_version or "", "ok", None)
            faults.checkpoint(f"load:{stage}")  # fault tests kill the run here, mid-transaction
        conn.execute("commit")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back, if there is still a transaction: a failed COMMIT (full disk) has ended it
    already, and the rollback's own error must not hide the cause."""
    try:
        conn.execute("rollback")
    except duckdb.Error:
        pass


def record_error(
    conn: duckdb.DuckDBPyConnection,
    stage: str,
    source_id: str,
    input_sha256: str | None,
    code_version: str,
    error: str,
    drop_tables: list[str] = (),
    kind: str = "error",
) -> None:
    """Record that a stage failed on a source. Its earlier rows are left alone, except in
    ``drop_tables`` (rows that no longer describe the source's current text)."""
    conn.execute("begin transaction")
    try:
        for table in drop_tables:
            conn.execute(f"delete from {RAW_SCHEMA}.{table} where source_id = ?", [source_id])
        _write_state(conn, stage, source_id, input_sha256, code_version, "error", error, kind)
        conn.execute("commit")
    except BaseException:
        _rollback(conn)
        raise


def _write_state(conn, stage, source_id, input_sha256, code_version, status, error, kind=None) -> None:
    conn.execute(
        f"""insert or replace into {RAW_SCHEMA}.stage_state
            (stage, source_id, input_sha256, code_version, status, error, error_kind, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?)""",
        [stage, source_id, input_sha256, code_version, status, error, kind, datetime.now(timezone.utc)],
    )


def stage_state(conn: duckdb.DuckDBPyConnection, stage: str) -> dict[str, tuple[str | None, str, str]]:
    """source_id -> (input_sha256, code_version, status) for a stage."""
    rows = conn.execute(
        f"select source_id, input_sha256, code_version, status from {RAW_SCHEMA}.stage_state where stage = ?",
        [stage],
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def append_rows(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append to a log table (e.g. ``raw.fetches``), creating it from the frame's schema."""
    ensure_table(conn, table, frame)
    if frame.height:
        conn.register("_incoming", frame)
        conn.execute(f"insert into {RAW_SCHEMA}.{table} by name select * from _incoming")
        conn.unregister("_incoming")


def table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, table],
        ).fetchall()[0][0]
    )


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Replace a whole small table (e.g. ``raw.catalog``) with the frame's rows."""
    conn.register("_incoming", frame)
    conn.execute(f"create or replace table {RAW_SCHEMA}.{table} as select * from _incoming")
    conn.unregister("_incoming")
