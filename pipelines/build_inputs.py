"""Whether the marts and what readers see are current: a fingerprint of everything they are built from.

The marts depend only on the raw tables and the dbt project (models, seeds, macros, tests, the
profile, the dbt versions). When the fingerprint of those equals the one the last successful
build and publish recorded, rebuilding and retesting every model (≈ 50 s at any size) would
write the same rows again: the run skips dbt and the publish steps instead.

The raw tables the models read (the manifest's sources with a model downstream; the fetch
bookkeeping of when each source was last asked is not among them) are hashed row by row in DuckDB (a sum of row hashes: order-free, and a
duplicated row still counts), so any change, also one made outside the pipeline, is seen.
Columns that change on every run without changing what the marts say (when the catalogue was
last listed, when a stage last touched a source) are left out.

Each step records the fingerprint it finished with in ``meta.build_inputs``: ``dbt`` after a
build that succeeded, then ``snapshot``, ``exports`` and ``report`` after each publish step,
which add how they publish (their code, where to, which formats): changing that publishes again.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse import RAW_SCHEMA, utc_now

STEPS = ("dbt", "snapshot", "exports", "report")
# Columns rewritten on every run that no model turns into a mart value (see the staging models).
_VOLATILE = {"catalog": ["listed_at"], "stage_state": ["updated_at"]}
# The fetch log grows on every retry of a failing source and on every re-download, but the marts
# read only each source's latest fetch and its good versions (source_status): a retry that fails
# as the last one did, or bytes downloaded again unchanged, need no build. (Its time is then the
# earlier attempt's in source_status until the next build; raw.fetches and stg_fetches keep all.)
_DIGEST_ROWS = {
    "fetches": """select distinct * exclude (fetched_at, attempts, from_cache, headers_json, latest) from (
        select *, row_number() over (partition by source_id order by fetched_at desc) = 1 as latest
        from {table}) where latest or ok""",
}
_DBT_SKIP_DIRS = {"target", "logs", "dbt_packages"}
_DDL = """create table if not exists meta.build_inputs (
    step varchar not null, fingerprint varchar not null, dbt_invocation_id varchar, recorded_at timestamptz not null
)"""


def dbt_project_digest(project_dir: Path) -> str:
    """SHA-256 over the dbt project's files (not its build output) and the dbt packages' versions."""
    h = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        h.update(f"{package}=={metadata.version(package)}\0".encode())
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(project_dir)
        if rel.parts[0] in _DBT_SKIP_DIRS or rel.name.startswith("."):
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def modelled_tables(manifest: Mapping[str, Any]) -> set[str]:
    """The raw tables some dbt model selects from (sources only tested or declared, such as
    raw.discovered, change no mart), from the manifest dbt parse writes."""
    used = {dep for node in manifest.get("nodes", {}).values() if node.get("resource_type") in ("model", "snapshot")
            for dep in node.get("depends_on", {}).get("nodes", []) if dep.startswith("source.")}
    return {manifest["sources"][s]["identifier"] for s in used if s in manifest.get("sources", {})}


def raw_digest(conn: duckdb.DuckDBPyConnection, tables: set[str] | None = None) -> str:
    """SHA-256 over the raw tables' names, row counts and sums of row hashes (every raw table,
    or those named in ``tables`` that exist)."""
    existing = [t for (t,) in conn.execute(
        "select table_name from duckdb_tables() where schema_name = ? and database_name = current_database() order by 1",
        [RAW_SCHEMA],
    ).fetchall()]
    tables = [t for t in existing if tables is None or t in tables]
    h = hashlib.sha256()
    for table in tables:
        skip = _VOLATILE.get(table, [])
        columns = f"* exclude ({', '.join(skip)})" if skip else "*"
        rows = _DIGEST_ROWS.get(table, f"select {columns} from {{table}}").format(table=f"{RAW_SCHEMA}.{table}")
        count, total = conn.execute(f"select count(*), coalesce(sum(hash(t)), 0) from ({rows}) t").fetchall()[0]
        h.update(f"{table}\0{count}\0{total}\0".encode())
    return h.hexdigest()


def fingerprint(conn: duckdb.DuckDBPyConnection, project_dir: Path, manifest: Mapping[str, Any] | None = None) -> str:
    """What the marts are built from, as one short hex string: the raw tables the models read
    (all raw tables without a manifest) and the dbt project."""
    tables = modelled_tables(manifest) if manifest else None
    return hashlib.sha256(f"{raw_digest(conn, tables)}:{dbt_project_digest(project_dir)}".encode()).hexdigest()[:16]


def record(conn: duckdb.DuckDBPyConnection, step: str, value: str, dbt_invocation_id: str | None = None) -> None:
    """Say that ``step`` finished with the inputs ``value``."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r} (one of {', '.join(STEPS)})")
    conn.execute("create schema if not exists meta")
    conn.execute(_DDL)
    conn.execute("insert into meta.build_inputs values (?, ?, ?, ?)", [step, value, dbt_invocation_id, utc_now()])


def latest_build_invocation(conn: duckdb.DuckDBPyConnection) -> tuple[str, int] | None:
    """(invocation id, failures) of the last dbt invocation recorded by its on-run-end hook."""
    try:
        row = conn.execute(
            "select invocation_id, failures from meta.dbt_builds order by finished_at desc limit 1"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return (row[0][0], row[0][1]) if row else None


def published_value(build_value: str, publishing: str) -> str:
    """What a publish step records: the build it shows and how it published it."""
    return f"{build_value}:{publishing}"


def why_rebuild(conn: duckdb.DuckDBPyConnection, value: str, publishing: str) -> str | None:
    """None when the last build had the inputs ``value``, every publish step since published it
    the way ``publishing`` says, and no dbt ran since (also none by hand); otherwise the reason
    to build, for the log."""
    try:
        rows = conn.execute(
            """select step, fingerprint, dbt_invocation_id from meta.build_inputs
               qualify row_number() over (partition by step order by recorded_at desc) = 1"""
        ).fetchall()
    except duckdb.CatalogException:
        return "no build recorded yet"
    latest = {step: (fp, invocation) for step, fp, invocation in rows}
    for step in STEPS:
        if step not in latest:
            return f"no {step} recorded yet"
        if latest[step][0] != (value if step == "dbt" else published_value(value, publishing)):
            return f"inputs changed since the last {step}" if step == "dbt" else f"the last {step} did not follow the last build"
    build = latest_build_invocation(conn)
    if build is None or build[0] != latest["dbt"][1]:
        return "dbt ran outside the pipeline since the last build"
    if build[1]:
        return "the last dbt build had failures"
    # The marts may have been dropped by hand (their rows are not part of the fingerprint).
    marts = conn.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and database_name = current_database()"
    ).fetchall()[0][0]
    if not marts:
        return "the marts are missing"
    return None


def latest_recorded(conn: duckdb.DuckDBPyConnection, step: str) -> str | None:
    """The fingerprint ``step`` last finished with (the publish steps copy the build's)."""
    try:
        row = conn.execute(
            "select fingerprint from meta.build_inputs where step = ? order by recorded_at desc limit 1", [step]
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return row[0][0] if row else None
