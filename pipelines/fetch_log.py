"""The fetch log in ``raw.fetches``: what was fetched when, and which version of the bytes."""
from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime, timezone

import duckdb
import polars as pl

from pipelines.catalog import CatalogEntry
from pipelines.fetch import FetchResult
from pipelines.warehouse import RAW_SCHEMA, append_rows, replace_table, table_exists

FETCH_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String,
    "url": pl.String,
    "final_url": pl.String,
    "ok": pl.Boolean,
    "status_code": pl.Int32,
    "error": pl.String,
    "content_type": pl.String,
    "headers_json": pl.String,
    "fetched_at": pl.Datetime("us", "UTC"),
    "size": pl.Int64,
    "sha256": pl.String,
    "attempts": pl.Int32,
    "from_cache": pl.Boolean,
    "version": pl.Int32,
}
CATALOG_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String, "url": pl.String, "source_url": pl.String, "overrides_json": pl.String,
    "listed_at": pl.Datetime("us", "UTC"),  # when a fetch run last read the catalogue (dbt source freshness)
}


def latest_good_fetches(conn: duckdb.DuckDBPyConnection) -> dict[str, FetchResult]:
    """source_id → its most recent successful fetch (the bytes the pipeline works on)."""
    if not table_exists(conn, "fetches"):
        return {}
    names = [f.name for f in fields(FetchResult)]
    rows = conn.execute(
        f"""select {", ".join(names)} from {RAW_SCHEMA}.fetches where ok
            qualify row_number() over (partition by source_id order by fetched_at desc) = 1"""
    ).fetchall()
    return {r[0]: FetchResult(**dict(zip(names, r))) for r in rows}


def log_fetches(
    conn: duckdb.DuckDBPyConnection, results: list[FetchResult], previous: dict[str, FetchResult]
) -> pl.DataFrame:
    """Append the fetches worth logging and return them with their version numbers.

    Cache hits and re-reads of unchanged local files are not logged (they add nothing); every
    download and every failure is. A version number counts distinct byte contents per source.
    """
    known = _known_versions(conn)
    rows = []
    for r in results:
        prev = previous.get(r.source_id)
        unchanged_local = r.ok and r.status_code is None and prev is not None and prev.sha256 == r.sha256
        if r.from_cache or unchanged_local:
            continue
        versions = known.setdefault(r.source_id, {})
        version = None
        if r.ok:
            version = versions.setdefault(r.sha256, len(versions) + 1)
        rows.append({**r.as_row(), "version": version})
    frame = pl.DataFrame(rows, schema=FETCH_SCHEMA)
    append_rows(conn, "fetches", frame)
    return frame


def _known_versions(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    if not table_exists(conn, "fetches"):
        return {}
    out: dict[str, dict[str, int]] = {}
    for source_id, sha, version in conn.execute(
        f"select source_id, sha256, min(version) from {RAW_SCHEMA}.fetches where ok group by all"
    ).fetchall():
        out.setdefault(source_id, {})[sha] = version
    return out


def write_catalog(conn: duckdb.DuckDBPyConnection, entries: list[CatalogEntry]) -> None:
    listed_at = datetime.now(timezone.utc)
    rows = [
        {"source_id": e.source_id, "url": e.url, "source_url": e.source_url, "listed_at": listed_at,
         "overrides_json": json.dumps(e.overrides, ensure_ascii=False, default=str, sort_keys=True)}
        for e in entries
    ]
    replace_table(conn, "catalog", pl.DataFrame(rows, schema=CATALOG_SCHEMA))
