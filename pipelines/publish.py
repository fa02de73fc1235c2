"""Publish what readers use: a snapshot every DuckDB reader opens, and Parquet/CSV exports.

DuckDB lets one process write a file, and a reader in another process (even read-only) keeps
the writer out. Dashboards that hold the pipeline's own file open would block every run, so
readers get a copy instead: written next to it and renamed into place atomically. A reader that
has the old snapshot open keeps reading it; new connections see the new one.

The pipeline writes with DuckDB 2.0 (storage version 69), which DuckDB 1.x readers (the CLI
1.x, the node bindings behind Evidence, the JDBC/ODBC drivers of DBeaver, Metabase, Superset)
cannot open. The snapshot is therefore not a byte copy: it is written with
``ATTACH … (STORAGE_VERSION 'v1.0.0')`` and ``COPY FROM DATABASE``, which every DuckDB from
1.0 on reads (``SNAPSHOT_STORAGE_VERSION``).

Every mart is also exported as Parquet (and CSV with ``NOTICES_EXPORT_CSV=1``) under
``warehouse/export/``: the files are written into a fresh folder and ``export`` is a symlink
switched to it atomically, so a reader never sees half an export.

Every dbt build records itself in ``meta.dbt_builds`` (an on-run-end hook) and every snapshot in
``meta.snapshots``, so ``snapshot_state`` can tell whether the snapshot follows the marts, also
after a ``dbt build`` run by hand (which warns that the snapshot is now behind).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines import faults
from pipelines.warehouse import connect, utc_now

SNAPSHOT_STORAGE_VERSION = "v1.0.0"
_KEEP_EXPORTS = 2  # export folders kept: the current one and the one before (a reader may still read it)


def snapshot_path(warehouse: Path) -> Path:
    """``NOTICES_SNAPSHOT`` or ``<warehouse>.snapshot.duckdb`` beside the warehouse."""
    configured = os.environ.get("NOTICES_SNAPSHOT")
    return Path(configured).resolve() if configured else warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def export_path(warehouse: Path) -> Path:
    """``NOTICES_EXPORT_DIR`` or ``export/`` beside the warehouse (a symlink to the current export)."""
    configured = os.environ.get("NOTICES_EXPORT_DIR")
    # Absolute, not resolved: the export is a symlink, and resolving it would put the next export
    # inside the current one.
    return Path(os.path.abspath(configured)) if configured else warehouse.parent / "export"


def report_path(warehouse: Path) -> Path:
    """``report.html`` beside the warehouse: the analysts' page (pipelines.report)."""
    return warehouse.parent / "report.html"


def publishing_state(warehouse: Path) -> str:
    """How the publish steps publish (their code, where they write, which formats), as a short
    digest: a run whose marts did not change still publishes when this did."""
    from pipelines.code_version import modules_version

    where = [snapshot_path(warehouse), export_path(warehouse), report_path(warehouse)]
    csv = os.environ.get("NOTICES_EXPORT_CSV") == "1"
    settings = "\0".join([*map(str, where), str(csv), modules_version(["pipelines.publish", "pipelines.report"])])
    return hashlib.sha256(settings.encode()).hexdigest()[:12]


def published_files_missing(warehouse: Path) -> str | None:
    """What readers use that is not there (deleted, or a warehouse at a new path), else None."""
    for label, path in (("snapshot", snapshot_path(warehouse)), ("exports", export_path(warehouse)), ("report", report_path(warehouse))):
        if not path.exists():
            return f"the reader {label} {path} is missing"
    return None


def _last_build(conn: duckdb.DuckDBPyConnection) -> tuple[str, object] | None:
    try:
        row = conn.execute(
            "select invocation_id, finished_at from meta.dbt_builds order by finished_at desc limit 1"
        ).fetchall()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _marts(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    where = f"table_catalog = '{catalog}' and " if catalog else ""
    return [t for (t,) in conn.execute(
        f"select table_name from information_schema.tables where {where}table_schema = 'marts' order by 1"
    ).fetchall()]


def publish_snapshot(warehouse: Path, target: Path) -> dict[str, int]:
    """Write the snapshot of ``warehouse`` to ``target`` atomically (in a storage version DuckDB
    1.x reads) and return row counts of the copy's marts."""
    with connect(warehouse) as conn:
        build = _last_build(conn)
        conn.execute("create schema if not exists meta")
        conn.execute(
            "create table if not exists meta.snapshots (published_at timestamptz, build_invocation_id varchar, path varchar)"
        )
        conn.execute("insert into meta.snapshots values (?, ?, ?)", [utc_now(), build[0] if build else None, str(target)])
        conn.execute("checkpoint")
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a run killed mid-copy
            stale.unlink(missing_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        source = conn.execute("select current_database()").fetchall()[0][0]
        try:
            # Copied while this process holds the writer connection: no one else writes meanwhile.
            conn.execute(f"attach '{tmp}' as published (storage_version '{SNAPSHOT_STORAGE_VERSION}')")
            try:
                conn.execute(f'copy from database "{source}" to published')
                counts = {t: conn.execute(f"select count(*) from published.marts.{t}").fetchall()[0][0]
                          for t in _marts(conn, "published")}
            finally:
                conn.execute("detach published")
            faults.checkpoint("publish")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
    return counts


def export_marts(warehouse: Path, target: Path | None = None, formats: tuple[str, ...] | None = None) -> dict[str, int]:
    """Export every mart as ``<mart>.parquet`` (and ``.csv``) into a new folder and switch the
    ``target`` symlink to it atomically; returns the row count per mart."""
    target = target or export_path(warehouse)
    if formats is None:
        formats = ("parquet", "csv") if os.environ.get("NOTICES_EXPORT_CSV") == "1" else ("parquet",)
    versions = target.parent / f".{target.name}-versions"
    versions.mkdir(parents=True, exist_ok=True)
    # A new folder every time (two exports in one second, or by one process, never share one).
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=versions))
    folder.chmod(0o755)  # mkdtemp makes it private; readers may be other users (a BI service)
    counts: dict[str, int] = {}
    with connect(warehouse, read_only=True) as conn:
        for table in _marts(conn):
            counts[table] = conn.execute(f"select count(*) from marts.{table}").fetchall()[0][0]
            for fmt in formats:
                options = "(format parquet, compression zstd)" if fmt == "parquet" else "(format csv, header true)"
                conn.execute(f"copy (select * from marts.{table}) to '{folder / f'{table}.{fmt}'}' {options}")
    if target.exists() and not target.is_symlink():  # an export folder of an older version of the pipeline
        shutil.rmtree(target)
    link = target.with_name(f".{target.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(folder.relative_to(target.parent))
    os.replace(link, target)
    # Keep the newest few export folders; a reader of the previous one is not cut off mid-read.
    for old in sorted((p for p in versions.iterdir() if p.is_dir() and p != folder), key=lambda p: p.stat().st_mtime)[: -(_KEEP_EXPORTS - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)
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
    return f"up to date, published {when:%Y-%m-%d %H:%M:%S}, DuckDB storage {SNAPSHOT_STORAGE_VERSION}"
