"""The command line: ``python -m pipelines.cli run`` is what ``make run`` does.

    python -m pipelines.cli run [--refetch] [--recheck] [--force] [--no-checks] [--fan-out]   validate the catalogue, materialise every asset, summarise
    python -m pipelines.cli summary                     the summary of the warehouse as it is
    python -m pipelines.cli publish                     refresh the reader snapshot from the marts now

Exit status of ``run`` (for cron and CI):

    0  all good: every source is in the warehouse (content problems, if any, are quarantined)
    3  some sources failed (fetch, parse, extraction): they are listed first; everything else was published
    1  the run failed: nothing new was published (a structural check failed, the warehouse is
       held by another process, the disk is full, …)
    2  the catalogue or the command line is wrong: nothing was run

The run holds the warehouse's writer lock from start to end, so a second run started meanwhile
waits for it (and says who holds it) instead of interleaving with it. With ``--fan-out`` the
steps run in their own processes and each writing step holds the lock while it writes.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from pipelines import settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SOURCES_FAILED = 0, 1, 2, 3


def _run(args: argparse.Namespace) -> int:
    from pipelines.catalog import CatalogError, load_catalog_file

    catalog = settings.catalog_path()
    try:
        parsed = load_catalog_file(catalog)
    except CatalogError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    entries, listings = parsed.entries, parsed.listings
    if not entries and not listings:
        print(f"error: the catalogue {catalog} lists no notices (add entries under 'notices:' or 'listings:')", file=sys.stderr)
        return EXIT_USAGE

    # Runs are recorded in the Dagster instance the UI reads (make dev): the repo's dagster_home
    # unless DAGSTER_HOME says otherwise.
    os.environ.setdefault("DAGSTER_HOME", str(settings.REPO_ROOT / "dagster_home"))
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.dbt_results import dbt_failures
    from pipelines.defs.console import quiet_skipped_build_notes, root_cause
    from pipelines.summary import run_status, summary
    from pipelines.warehouse import connect
    from pipelines.writer_lock import WarehouseBusy, writer_lock

    warehouse = settings.warehouse_path()
    dbt_log = warehouse.parent / "logs" / "dbt.log"
    os.environ["NOTICES_DBT_LOG"] = str(dbt_log)  # dbt's own log goes there, not to the terminal
    shown = f"{len(entries)} entries" + (f", {len(listings)} listings" if listings else "")
    print(f"catalogue: {catalog} ({shown})", flush=True)
    started = time.monotonic()
    started_at = time.time()
    run_config = {
        "ops": {
            "fetched_notices": {"config": {"refetch": args.refetch, "recheck_all": args.recheck}},
            "parsed_notices": {"config": {"force": args.force}},
            "extracted_tasks": {"config": {"force": args.force}},
            "extracted_promises": {"config": {"force": args.force}},
            "dbt_warehouse": {"config": {"force": args.force}},
        },
        # DEBUG: Dagster's own console log (every event); otherwise one line per stage and failure.
        "loggers": (
            {"console": {"config": {"log_level": "DEBUG"}}} if args.log_level == "DEBUG"
            else {"terse_console": {"config": {"log_level": args.log_level}}}
        ),
    }
    quiet_skipped_build_notes()
    selection = [dg.AssetKey(name) for name in args.select.replace(",", " ").split()] if args.select else None
    if selection is not None:
        # Config only for the selected Python assets (Dagster refuses config for unselected ones).
        chosen = {key.to_user_string() for key in selection}
        run_config["ops"] = {op: cfg for op, cfg in run_config["ops"].items() if op in chosen}
    try:
        if args.fan_out:
            # Steps run in their own processes and each writer step takes the lock itself, so the
            # run cannot hold it throughout: check now that nobody else holds it.
            with connect(warehouse):
                pass
            result = _run_fanout(run_config, selection, args.no_checks)
        else:
            with writer_lock(warehouse, what="pipelines.cli run"):
                # Wait here (bounded) for any other program holding the DuckDB file, and say who.
                with connect(warehouse):
                    pass
                job = defs.resolve_job_def("materialize_without_checks") if args.no_checks else defs.resolve_implicit_global_asset_job_def()
                if selection is not None:
                    job = job.get_subset(**_subset(selection, args.no_checks))
                result = job.execute_in_process(
                    run_config=run_config, instance=dg.DagsterInstance.get(), raise_on_error=False,
                )
    except WarehouseBusy as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAILED
    seconds = time.monotonic() - started
    print(summary(warehouse, seconds=seconds), flush=True)
    if not result.success:
        failures = []
        for e in result.all_events:
            if e.is_step_failure and e.event_specific_data and e.event_specific_data.error:
                dbt_lines = dbt_failures(settings.DBT_PROJECT_DIR / "target", since=started_at) if e.step_key.startswith("dbt_") else []
                failures += dbt_lines or [f"{e.step_key}: {root_cause(e.event_specific_data.error)}"]
        print(f"the run failed; the reader snapshot was not updated (dbt's log: {dbt_log}):", file=sys.stderr)
        for line in failures or ["see the Dagster logs (make dev)"]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_FAILED
    # Sources failed in this run's Python stages, or (after a full run) in source_status.
    if _failed_in_run(result) or (selection is None and run_status(warehouse) == "sources failed"):
        return EXIT_SOURCES_FAILED
    return EXIT_OK


def _subset(selection: list, no_checks: bool) -> dict:
    """A job subset of the selected assets. Dagster adds the selected assets' checks to a subset
    unless told which checks: with --no-checks, none."""
    return {"asset_selection": set(selection), **({"asset_check_selection": set()} if no_checks else {})}


def _run_fanout(run_config: dict, selection: list | None, no_checks: bool):
    """The job ``materialize_fanout`` on the multiprocess executor (``pipelines.definitions_fanout``)."""
    import dagster as dg

    from pipelines import definitions_fanout

    ops = run_config["ops"]
    force = {"config": {"force": ops.get("parsed_notices", {}).get("config", {}).get("force", False)}}
    if "parsed_notices" in ops:  # the three stages are one graph asset here, its config per op
        ops["fanout_stages"] = {"ops": {"plan_fanout": force, "load_fanout_frames": force}}
    for name in ("parsed_notices", "extracted_tasks", "extracted_promises"):
        ops.pop(name, None)
    job = dg.reconstructable(definitions_fanout.fanout_job_without_checks if no_checks else definitions_fanout.fanout_job)
    if selection is not None:
        job = job.get_subset(**_subset(selection, no_checks))
    with dg.execute_job(job, instance=dg.DagsterInstance.get(), run_config=run_config, raise_on_error=False) as result:
        # Read the events now: the result's instance closes with the block.
        result.all_events  # noqa: B018
        return result


def _failed_in_run(result) -> int:
    """Sources the Python stages of this run failed on (their materialisations' ``failed``)."""
    total = 0
    for event in result.all_events:
        if event.is_step_materialization:
            entry = event.event_specific_data.materialization.metadata.get("failed")
            total += int(entry.value) if entry is not None else 0
    return total


def _summary(args: argparse.Namespace) -> int:
    from pipelines.summary import summary

    print(summary(settings.warehouse_path()))
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from pipelines.publish import export_marts, export_path, publish_snapshot, report_path, snapshot_path
    from pipelines.report import build_report

    warehouse = settings.warehouse_path()
    target = snapshot_path(warehouse)
    counts = publish_snapshot(warehouse, target)
    print(f"published {target} ({len(counts)} marts)")
    export_marts(target, export_path(warehouse))
    print(f"exported {export_path(warehouse)}/")
    build_report(target, report_path(warehouse), sources_base=settings.catalog_path().parent)
    print(f"wrote {report_path(warehouse)}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="validate the catalogue, materialise every asset, print the summary")
    run.add_argument("--refetch", action="store_true", help="download HTTP sources again even when cached")
    run.add_argument("--recheck", action="store_true",
                     help="ask every cached HTTP source again now, conditionally (304: nothing downloaded), due or not")
    run.add_argument("--force", action="store_true", help="re-process every source and rebuild every model, not only new or changed ones")
    run.add_argument("--no-checks", action="store_true",
                     help="skip the asset checks (dbt's data tests): quicker, for throwaway warehouses; the next run with checks builds again")
    run.add_argument("--fan-out", action="store_true",
                     help="parse and extract as one Dagster step per batch of sources, in parallel processes (pipelines.definitions_fanout)")
    run.add_argument("--select", default="", help="only these assets, e.g. 'fetched_notices parsed_notices' (default: all)")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="Dagster's console log level (DEBUG shows every event; the UI always has them)")
    run.set_defaults(func=_run)
    sub.add_parser("summary", help="print the warehouse's summary").set_defaults(func=_summary)
    sub.add_parser("publish", help="refresh the reader snapshot from the marts").set_defaults(func=_publish)
    args = parser.parse_args(argv)
    # Dagster also forwards its events to the Python logger "dagster": the terse logger already said it.
    logging.getLogger("dagster").setLevel(logging.ERROR)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
