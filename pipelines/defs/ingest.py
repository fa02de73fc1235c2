"""Fetch the catalogue's notices and parse them into documents, paragraphs and clauses."""
# No "from __future__ import annotations": Dagster reads config and resource types from real annotations.

import dagster as dg

from pipelines.fetch import fetch_entry, make_client
from pipelines.fetch_log import latest_good_fetches, log_fetches, write_catalog
from pipelines.process import (
    empty_frames, parse_code_version, parse_input_key, parse_source, source_frames,
)
from pipelines.stages import run_stage
from pipelines.defs.resources import NoticesConfig

# Every asset that writes to the DuckDB file runs in this pool; its limit is 1 (dagster.yaml),
# because DuckDB allows one writing process per file.
WAREHOUSE_POOL = "duckdb_warehouse"


class FetchConfig(dg.Config):
    refetch: bool = False  # download HTTP sources again even when their bytes are cached


class StageConfig(dg.Config):
    force: bool = False  # re-process every source, not only new or changed ones


@dg.asset(
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Fetch every catalogue entry (HTTP or file) into raw/objects, content-addressed; log fetches in raw.fetches.",
)
def fetched_notices(context: dg.AssetExecutionContext, config: FetchConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    entries = notices.catalog()
    store = notices.store()
    with notices.connect() as conn:
        previous = latest_good_fetches(conn)
        with make_client() as client:
            results = [
                fetch_entry(e, store, client, previous.get(e.source_id), force=config.refetch) for e in entries
            ]
        logged = log_fetches(conn, results, previous)
        write_catalog(conn, entries)
    failed = {r.source_id: r.error for r in results if not r.ok}
    for source_id, error in failed.items():
        context.log.warning(f"fetch failed for {source_id}: {error}")
    return dg.MaterializeResult(
        metadata={
            "entries": len(entries),
            "downloaded_or_read": sum(1 for r in results if r.ok and not r.from_cache),
            "from_cache": sum(1 for r in results if r.from_cache),
            "new_versions": int(logged.filter(logged["version"] > 1).height) if logged.height else 0,
            "failed": len(failed),
            "errors": dg.MetadataValue.json(failed),
        }
    )


@dg.asset(
    deps=[fetched_notices],
    group_name="ingest",
    kinds={"python", "polars", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Parse each fetched source (HTML or PDF) into raw.sources, raw.paragraphs and raw.clauses; only new or changed sources are parsed.",
)
def parsed_notices(context: dg.AssetExecutionContext, config: StageConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    entries = {e.source_id: e for e in notices.catalog()}
    store = notices.store()
    code_version = parse_code_version()
    with notices.connect() as conn:
        fetches = latest_good_fetches(conn)
        work = [
            (sid, parse_input_key(fetches[sid].sha256, entry)) for sid, entry in entries.items() if sid in fetches
        ]
        keys = dict(work)

        def compute(source_id: str):
            fetch = fetches[source_id]
            data = store.get(fetch.sha256)
            notice = parse_source(data, fetch.content_type, entries[source_id])
            return source_frames(
                entries[source_id], notice, fetch.sha256, len(data), fetch.final_url,
                parse_key=f"{keys[source_id]}:{code_version}",
            )

        report = run_stage(conn, "parse", code_version, work, compute, empty_frames(), force=config.force)
        totals = conn.execute(
            "select (select count(*) from raw.sources), (select count(*) from raw.clauses)"
        ).fetchall()[0]
    context.log.info(report.summary())
    for source_id, error in report.failed.items():
        context.log.warning(f"parse failed for {source_id}: {error}")
    return dg.MaterializeResult(
        metadata={
            "code_version": code_version,
            "parsed": report.processed,
            "up_to_date": report.skipped,
            "failed": len(report.failed),
            "errors": dg.MetadataValue.json(report.failed),
            "not_fetched": len(entries) - len(work),
            "sources_in_warehouse": totals[0],
            "clauses_in_warehouse": totals[1],
            "seconds": round(report.seconds, 2),
        }
    )
