"""Fetch the catalogue's notices and parse them into documents, paragraphs and clauses."""
# No "from __future__ import annotations": Dagster reads config and resource types from real annotations.

import time
from collections.abc import Callable

import dagster as dg

from pipelines import faults
from pipelines.code_version import modules_version
from pipelines.fetch import fetch_all
from pipelines.fetch_log import latest_good_fetches, log_fetches, write_catalog
from pipelines.process import ParseTask, empty_frames, parse_code_version, parse_input_key, parse_task
from pipelines.stages import run_stage
from pipelines.defs.resources import NoticesConfig


class FetchConfig(dg.Config):
    refetch: bool = False  # download HTTP sources again even when their bytes are cached


class StageConfig(dg.Config):
    force: bool = False  # re-process every source, not only new or changed ones


def progress_logger(context: dg.AssetExecutionContext, stage: str, every: float = 5.0) -> Callable[[int, int, str], None]:
    """Log "parse: 120/1000 sources (24.1/s)" at most every ``every`` seconds, and at the end."""
    started = time.monotonic()
    last = [started]

    def report(done: int, total: int, source_id: str) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= every:
            last[0] = now
            rate = done / max(now - started, 1e-6)
            context.log.info(f"{stage}: {done}/{total} sources ({rate:.1f}/s)")

    return report


@dg.asset(
    group_name="ingest",
    kinds={"python", "duckdb"},
    # The UI marks the asset stale when this code changes.
    code_version=modules_version(["pipelines.fetch", "pipelines.fetch_log", "pipelines.catalog"]),
    description="Fetch every catalogue entry (HTTP or file) into raw/objects, content-addressed; log fetches in raw.fetches.",
)
def fetched_notices(context: dg.AssetExecutionContext, config: FetchConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    entries = notices.catalog()
    store = notices.store()
    with notices.connect() as conn:
        previous = latest_good_fetches(conn)
        started = time.monotonic()
        results = fetch_all(entries, store, previous, force=config.refetch)
        faults.checkpoint("fetch")  # bytes stored, fetches not logged yet
        context.log.info(f"fetch: {len(results)} entries in {time.monotonic() - started:.1f}s")
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
    code_version=parse_code_version(),
    description="Parse each fetched source (HTML, PDF, Word, Excel, OFD, ZIP) into raw.sources, raw.paragraphs, raw.clauses and raw.table_rows; only new or changed sources are parsed.",
)
def parsed_notices(context: dg.AssetExecutionContext, config: StageConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    entries = {e.source_id: e for e in notices.catalog()}
    code_version = parse_code_version()
    with notices.connect() as conn:
        fetches = latest_good_fetches(conn)
        work = [
            (sid, parse_input_key(fetches[sid].sha256, entry)) for sid, entry in entries.items() if sid in fetches
        ]
        keys = dict(work)

        def prepare(source_id: str) -> ParseTask:
            fetch = fetches[source_id]
            return ParseTask(
                entries[source_id], notices.raw_dir, fetch.sha256, fetch.content_type, fetch.final_url,
                parse_key=f"{keys[source_id]}:{code_version}",
            )

        report = run_stage(
            conn, "parse", code_version, work, prepare, empty_frames(), force=config.force,
            worker=parse_task, limits=notices.limits(), progress=progress_logger(context, "parse"),
        )
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
