"""Publish a read-only snapshot of the warehouse for BI tools and notebooks.

DuckDB lets one process write a file, and a reader in another process (even read-only) keeps
the writer out. Dashboards that hold the pipeline's own file open would block every run, so
readers get a copy instead: written next to it and renamed into place atomically. A reader that
has the old snapshot open keeps reading it; new connections see the new one.

Every dbt build records itself in ``meta.dbt_builds`` (an on-run-end hook) and every snapshot in
``meta.snapshots``, so ``snapshot_state`` can tell whether the snapshot follows the marts, also
after a ``dbt build`` run by hand (which warns that the snapshot is now behind).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines import faults
from pipelines.warehouse import connect, utc_now


def snapshot_path(warehouse: Path) -> Path:
    """``NOTICES_SNAPSHOT`` or ``<warehouse>.snapshot.duckdb`` beside the warehouse."""
    configured = os.environ.get("NOTICES_SNAPSHOT")
    return Path(configured).resolve() if configured else warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def _last_build(conn: duckdb.DuckDBPyConnection) -> tuple[str, object] | None:
    try:
        row = conn.execute(
            "select invocation_id, finished_at from meta.dbt_builds order by finished_at desc limit 1"
        ).fetchall()
    except duckdb.Error:
        return None
    return row[0] if row else None


def publish_snapshot(warehouse: Path, target: Path) -> dict[str, int]:
    """Copy ``warehouse`` to ``target`` atomically and return row counts of the copy's marts."""
    with connect(warehouse) as conn:
        build = _last_build(conn)
        conn.execute("create schema if not exists meta")
        conn.execute(
            "create table if not exists meta.snapshots (published_at timestamptz, build_invocation_id varchar, path varchar)"
        )
        conn.execute("insert into meta.snapshots values (?, ?, ?)", [utc_now(), build[0] if build else None, str(target)])
        conn.execute("checkpoint")  # everything in the main file, nothing left in the WAL
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a run killed mid-copy
            stale.unlink(missing_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            # Copied while this process holds the writer connection: no one else writes meanwhile.
            shutil.copyfile(warehouse, tmp)
            faults.checkpoint("publish")
            with duckdb.connect(str(tmp), read_only=True) as copy:  # the copy opens and has the marts
                counts = {
                    table: copy.execute(f"select count(*) from marts.{table}").fetchall()[0][0]
                    for (table,) in copy.execute(
                        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
                    ).fetchall()
                }
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return counts


def snapshot_state(warehouse: Path, target: Path) -> str:
    """"up to date (published …)", "STALE: …" or "not published yet", for the summary."""
    if not target.exists():
        return "not published yet: run `make publish`"
    try:
        with connect(warehouse, read_only=True) as conn:
            build = _last_build(conn)
            published = conn.execute(
                "select published_at, build_invocation_id from meta.snapshots order by published_at desc limit 1"
            ).fetchall()
    except duckdb.Error:
        return "state unknown"
    if not published:
        return "published by an older version"
    when, published_build = published[0]
    if build is not None and build[0] != published_build:
        return (f"STALE: the marts were rebuilt at {build[1]:%Y-%m-%d %H:%M:%S} after it was published; "
                "run `make publish`")
    return f"up to date, published {when:%Y-%m-%d %H:%M:%S}"
