"""The summary a run ends with: what failed first, then what the warehouse holds, then where to read it."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from pipelines import settings, warehouse

_OK_STATUSES = ("ok", "ok with quality issues")
_COUNTS = [
    ("catalogue entries", "select count(*) from raw.catalog"),
    ("sources parsed", "select count(*) from raw.sources join raw.catalog using (source_id)"),
    ("documents", "select count(*) from marts.dim_documents"),
    ("clauses", "select count(*) from marts.fct_clauses"),
    ("tasks", "select count(*) from marts.fct_tasks"),
    ("agencies", "select count(*) from marts.dim_agencies"),
    ("projects", "select count(*) from marts.dim_projects"),
    ("targets", "select count(*) from marts.fct_targets"),
    ("quality issues", "select count(*) from marts.quality_issues"),
]


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int | None:
    try:
        return conn.execute(sql).fetchall()[0][0]
    except duckdb.Error:  # a mart that was not built (e.g. a failed dbt run)
        return None


def _problems(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(source_id, status, why) of every catalogue entry that is not ok, from source_status."""
    try:
        return conn.execute(
            """select source_id, status,
                      coalesce(last_fetch_error, parse_error, array_to_string(extract_errors, '; '),
                               array_to_string(quality_issues, '; '))
               from marts.source_status where status not in ('ok', 'ok with quality issues', 'withdrawn')
               order by source_id"""
        ).fetchall()
    except duckdb.Error:
        return []


def _quality(conn: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[str, str, str, str]]:
    try:
        return conn.execute(
            f"""select source_id, check_name, action, detail || ': ' || left(coalesce(value, ''), 40)
                from marts.quality_issues order by source_id, char_start limit {limit}"""
        ).fetchall()
    except duckdb.Error:
        return []


def run_status(path: Path) -> str:
    """"ok" when every catalogue entry made it into the warehouse, else "sources failed"."""
    with warehouse.connect(path, read_only=True) as conn:
        return "sources failed" if _problems(conn) else "ok"


def summary(path: Path, seconds: float | None = None) -> str:
    from pipelines.publish import export_path, report_path, snapshot_path, snapshot_state

    with warehouse.connect(path, read_only=True) as conn:
        problems = _problems(conn)
        quality = _quality(conn)
        counts = [(label, _count(conn, sql)) for label, sql in _COUNTS]
        # Only shown when there are some (a warehouse of a catalogue without listings rarely has any).
        withdrawn = _count(conn, "select count(*) from marts.dim_documents where withdrawn_since is not null")
    lines: list[str] = []
    if problems:
        lines.append(f"{len(problems)} source(s) failed (the others are in the warehouse):")
        lines += [f"  {sid}: {status}: {why}" for sid, status, why in problems]
    n_quality = dict(counts).get("quality issues") or 0
    if n_quality:
        lines.append(f"{n_quality} content problem(s) quarantined (marts.quality_issues):")
        lines += [f"  {sid}: {check} ({action}): {what}" for sid, check, action, what in quality]
        if n_quality > len(quality):
            lines.append(f"  … and {n_quality - len(quality)} more")
    took = f" in {seconds:.0f}s" if seconds is not None else ""
    lines.append(f"warehouse: {path}{took}")
    lines += [f"  {label:<18} {n if n is not None else 'n/a'}" for label, n in counts]
    if withdrawn:
        lines.append(f"  {'withdrawn':<18} {withdrawn} (kept, marked: dim_documents.withdrawn_since)")
    lines.append(f"  {'errors':<18} {len(problems)}")
    snapshot = snapshot_path(Path(path))
    lines.append(f"readers: {snapshot} ({snapshot_state(Path(path), snapshot)})")
    exports = export_path(Path(path))
    if exports.exists():
        files = sorted(exports.glob("*.parquet"))
        csv = " and CSV" if any(exports.glob("*.csv")) else ""
        lines.append(f"  exports  {exports}/ ({len(files)} marts as Parquet{csv})")
    report = report_path(Path(path))
    if report.exists():
        lines.append(f"  report   {report} (open it in a browser)")
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.warehouse_path()
    print(summary(target))
