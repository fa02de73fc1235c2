"""Discover notices from the catalogue's listings, fetch them with the catalogue's own notices,
and parse them into documents, paragraphs and clauses."""
# No "from __future__ import annotations": Dagster reads config and resource types from real annotations.

import time
from collections.abc import Callable

import dagster as dg

from pipelines import faults
from pipelines.attachment_log import attachment_entries, find_attachments, read_attachments, write_attachments
from pipelines.code_version import modules_version
from pipelines.discover import discover
from pipelines.discovery_log import (
    ensure_tables, flag_removed_pages, merge_discovered, read_discovered, read_listing_pages, read_withdrawals,
    recheck_schedule, record_checks, unlisted, update_withdrawals, write_discovered, write_listing_pages,
    write_withdrawals,
)
from pipelines.fetch import FetchSettings, PageCache, Politeness, RecheckPolicy, fetch_all, make_client, polite_getter
from pipelines.fetch_log import latest_good_fetches, log_fetches, write_catalog
from pipelines.warehouse import utc_now
from pipelines.process import ParseTask, empty_frames, parse_code_version, parse_task, parse_work
from pipelines.stages import run_stage
from pipelines.defs.resources import NoticesConfig


class FetchConfig(dg.Config):
    refetch: bool = False  # download HTTP sources again even when their bytes are cached
    recheck_all: bool = False  # ask every cached HTTP source again now (conditionally), due or not


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
    code_version=modules_version(["pipelines.discover", "pipelines.discovery_log", "pipelines.fetch", "pipelines.catalog"]),
    description="Walk the catalogue's listings (HTML pages, JSON APIs, sitemaps) and record every notice found in raw.discovered (first seen, last seen, missing since).",
)
def discovered_notices(context: dg.AssetExecutionContext, notices: NoticesConfig) -> dg.MaterializeResult:
    catalog = notices.catalog_file()
    settings = FetchSettings.from_env()
    polite = Politeness(settings, catalog.hosts)
    started = time.monotonic()
    with notices.connect() as conn:
        ensure_tables(conn)
        cache = PageCache(notices.store(), read_listing_pages(conn))
    # The walk holds no connection: other readers of the warehouse are not kept waiting on the web.
    with make_client(settings) as client:
        get = polite_getter(client, polite, cache)
        results = [discover(listing, get) for listing in catalog.listings]
    now = utc_now()
    with notices.connect() as conn:
        rows = merge_discovered(read_discovered(conn), catalog.listings, results, now)
        write_discovered(conn, rows)
        write_listing_pages(conn, cache.seen)
    errors = {r.listing_id: r.error for r in results if r.error}
    for r in results:
        context.log.info(f"discover: {r.listing_id}: {len(r.notices)} notices on {r.pages} page(s){'' if r.complete else ' (walk stopped before the end)'}")
    for listing_id, error in errors.items():
        context.log.warning(f"discovery failed for {listing_id}: {error}")
    return dg.MaterializeResult(
        metadata={
            "listings": len(catalog.listings),
            "found": sum(len(r.notices) for r in results),
            "new": sum(1 for r in rows if r["first_seen"] == now),
            "missing": sum(1 for r in rows if r["missing_since"] is not None),
            "requests": polite.requests,
            "pages_not_modified": cache.not_modified,
            "seconds": round(time.monotonic() - started, 2),
            # Not "failed": that counts failed sources (exit status 3); a listing that fails keeps its rows.
            "listings_failed": len(errors),
            "errors": dg.MetadataValue.json(errors),
        }
    )


@dg.asset(
    deps=[discovered_notices],
    group_name="ingest",
    kinds={"python", "duckdb"},
    # The UI marks the asset stale when this code changes.
    code_version=modules_version(["pipelines.fetch", "pipelines.fetch_log", "pipelines.catalog", "pipelines.discovery_log",
                                  "pipelines.attachment_log", "pipelines.parse.attachments"]),
    description="Fetch every catalogue entry and discovered notice (HTTP or file), and the attachments their pages link (raw.attachments), into raw/objects, content-addressed; log fetches in raw.fetches; cached pages due for a re-check are asked conditionally; withdrawn notices in raw.withdrawals.",
)
def fetched_notices(context: dg.AssetExecutionContext, config: FetchConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    catalog = notices.catalog_file()
    store = notices.store()
    settings = FetchSettings.from_env()
    with notices.connect() as conn:
        ensure_tables(conn)
        discovered = read_discovered(conn)
        entries = notices.notice_entries(conn)
        gone = unlisted(discovered)
        previous = latest_good_fetches(conn)
        known_attachments = read_attachments(conn)
        now = utc_now()
        due = recheck_schedule(conn, RecheckPolicy.from_env(), now)
        # A notice no longer listed is not asked for again (its page is usually gone too), nor are its attachments.
        recheck = lambda e: (e.attachment_of or e.source_id) not in gone and (config.recheck_all or due(e))  # noqa: E731
        polite = Politeness(settings, catalog.hosts)
        started = time.monotonic()
        results = fetch_all(entries, store, previous, force=config.refetch, settings=settings, polite=polite, recheck=recheck)
        results, reasons = flag_removed_pages(results, previous, store)
        # Then the files the notices' pages link, fetched the same way (a failed page keeps its last good version's).
        current = {**previous, **{r.source_id: r for r in results if r.ok}}
        attachments = find_attachments(entries, current, store, known_attachments, catalog.roots, context.log.warning)
        linked = attachment_entries(attachments, entries, notices.catalog_dir())
        linked_results = fetch_all(linked, store, previous, force=config.refetch, settings=settings, polite=polite, recheck=recheck)
        linked_results, linked_reasons = flag_removed_pages(linked_results, previous, store)
        results, reasons, entries = [*results, *linked_results], {**reasons, **linked_reasons}, [*entries, *linked]
        gone |= {e.source_id: gone[e.attachment_of] for e in linked if e.attachment_of in gone}  # withdrawn with their notice
        faults.checkpoint("fetch")  # bytes stored, fetches not logged yet
        context.log.info(f"fetch: {len(results)} entries ({len(linked)} attachments) in {time.monotonic() - started:.1f}s")
        logged = log_fetches(conn, results, previous)
        record_checks(conn, results, now)
        withdrawals = update_withdrawals(read_withdrawals(conn), entries, gone, reasons, results, now)
        write_withdrawals(conn, withdrawals)
        write_attachments(conn, attachments)
        write_catalog(conn, entries)
    withdrawn = {r["source_id"] for r in withdrawals}
    failed = {r.source_id: r.error for r in results if not r.ok and r.source_id not in withdrawn}
    for source_id, error in failed.items():
        context.log.warning(f"fetch failed for {source_id}: {error}")
    for source_id, reason in reasons.items():
        context.log.warning(f"withdrawn: {source_id}: {reason}")
    return dg.MaterializeResult(
        metadata={
            "entries": len(entries),
            "discovered": len(entries) - len(linked) - len(catalog.entries),
            "attachments": len(linked),
            "downloaded_or_read": sum(1 for r in results if r.ok and not r.from_cache),
            "not_modified": sum(1 for r in results if r.from_cache and r.status_code == 304),
            "from_cache": sum(1 for r in results if r.from_cache and r.status_code != 304),
            "new_versions": int(logged.filter(logged["version"] > 1).height) if logged.height else 0,
            "withdrawn": len(withdrawn),
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
    code_version = parse_code_version()
    with notices.connect() as conn:
        entries = {e.source_id: e for e in notices.entries(conn)}
        fetches = latest_good_fetches(conn)
        work = parse_work(entries, fetches)
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
