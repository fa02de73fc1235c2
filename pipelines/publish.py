"""Publish a read-only snapshot of the warehouse for BI tools and notebooks.

DuckDB lets one process write a file, and a reader in another process (even read-only) keeps
the writer out. Dashboards that hold the pipeline's own file open would block every run, so
readers get a copy instead: written next to it and renamed into place atomically. A reader that
has the old snapshot open keeps reading it; new connections see the new one.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.warehouse import connect


def snapshot_path(warehouse: Path) -> Path:
    """``NOTICES_SNAPSHOT`` or ``<warehouse>.snapshot.duckdb`` beside the warehouse."""
    configured = os.environ.get("NOTICES_SNAPSHOT")
    return Path(configured).resolve() if configured else warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def publish_snapshot(warehouse: Path, target: Path) -> dict[str, int]:
    """Copy ``warehouse`` to ``target`` atomically and return row counts of the copy's marts."""
    with connect(warehouse) as conn:
        conn.execute("checkpoint")  # everything in the main file, nothing left in the WAL
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(warehouse, tmp)
        with connect(tmp, read_only=True) as copy:  # the copy opens and has the marts
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
