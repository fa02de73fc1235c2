"""The command line: ``python -m pipelines.cli run`` is what ``make run`` does.

    python -m pipelines.cli run [--refetch] [--force]   validate the catalogue, materialise every asset, summarise
    python -m pipelines.cli summary                     the summary of the warehouse as it is
    python -m pipelines.cli publish                     refresh the reader snapshot from the marts now

Exit status of ``run`` (for cron and CI):

    0  all good: every source is in the warehouse (content problems, if any, are quarantined)
    3  some sources failed (fetch, parse, extraction): they are listed first; everything else was published
    1  the run failed: nothing new was published (a structural check failed, the warehouse is
       held by another process, the disk is full, …)
    2  the catalogue or the command line is wrong: nothing was run

The run holds the warehouse's writer lock from start to end, so a second run started meanwhile
waits for it (and says who holds it) instead of interleaving with it.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from pipelines import settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SOURCES_FAILED = 0, 1, 2, 3


def _run(args: argparse.Namespace) -> int:
    from pipelines.catalog import CatalogError, load_catalog

    catalog = settings.catalog_path()
    try:
        entries = load_catalog(catalog)
    except CatalogError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not entries:
        print(f"error: the catalogue {catalog} lists no notices (add entries under 'notices:')", file=sys.stderr)
        return EXIT_USAGE

    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.summary import run_status, summary
    from pipelines.writer_lock import WarehouseBusy, writer_lock

    warehouse = settings.warehouse_path()
    print(f"catalogue: {catalog} ({len(entries)} entries)", flush=True)
    started = time.monotonic()
    run_config = {
        "ops": {
            "fetched_notices": {"config": {"refetch": args.refetch}},
            "parsed_notices": {"config": {"force": args.force}},
            "extracted_tasks": {"config": {"force": args.force}},
            "extracted_promises": {"config": {"force": args.force}},
        },
        "loggers": {"console": {"config": {"log_level": args.log_level}}},
    }
    try:
        with writer_lock(warehouse, what="pipelines.cli run"):
            job = defs.resolve_implicit_global_asset_job_def()
            result = job.execute_in_process(
                run_config=run_config, instance=dg.DagsterInstance.get(), raise_on_error=False
            )
    except WarehouseBusy as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAILED
    seconds = time.monotonic() - started
    print(summary(warehouse, seconds=seconds), flush=True)
    if not result.success:
        failures = [
            f"{e.step_key}: {e.event_specific_data.error.message.strip().splitlines()[0]}"
            for e in result.all_events
            if e.is_step_failure and e.event_specific_data and e.event_specific_data.error
        ]
        print("the run failed; the reader snapshot was not updated:", file=sys.stderr)
        for line in failures or ["see the Dagster logs (make dev)"]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_SOURCES_FAILED if run_status(warehouse) == "sources failed" else EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from pipelines.summary import summary

    print(summary(settings.warehouse_path()))
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from pipelines.publish import publish_snapshot, snapshot_path

    warehouse = settings.warehouse_path()
    target = snapshot_path(warehouse)
    counts = publish_snapshot(warehouse, target)
    print(f"published {target} ({len(counts)} marts)")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="validate the catalogue, materialise every asset, print the summary")
    run.add_argument("--refetch", action="store_true", help="download HTTP sources again even when cached")
    run.add_argument("--force", action="store_true", help="re-process every source, not only new or changed ones")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="Dagster's console log level (DEBUG shows every event; the UI always has them)")
    run.set_defaults(func=_run)
    sub.add_parser("summary", help="print the warehouse's summary").set_defaults(func=_summary)
    sub.add_parser("publish", help="refresh the reader snapshot from the marts").set_defaults(func=_publish)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
