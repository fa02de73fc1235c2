"""Dagster definitions for notices-warehouse (`dagster dev`, `dagster asset materialize`)."""
from __future__ import annotations

import dagster as dg

from pipelines.defs.checks import parse_checks
from pipelines.defs.console import terse_console
from pipelines.defs.dbt import dbt_resource, dbt_warehouse
from pipelines.defs.extract import extracted_promises, extracted_tasks
from pipelines.defs.ingest import fetched_notices, parsed_notices
from pipelines.defs.publish import analyst_report, mart_exports, warehouse_snapshot
from pipelines.defs.resources import NoticesConfig

ASSETS = [
    fetched_notices, parsed_notices, extracted_tasks, extracted_promises, dbt_warehouse,
    warehouse_snapshot, mart_exports, analyst_report,
]
CHECKS = parse_checks


def make_resources(notices: NoticesConfig) -> dict[str, object]:
    return {"notices": notices, "dbt": dbt_resource()}


defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[dg.define_asset_job("materialize_all", selection=dg.AssetSelection.all())],
    resources=make_resources(NoticesConfig.from_env()),
    # The CLI's terminal output (python -m pipelines.cli run); the UI keeps Dagster's full log.
    # `--log-level DEBUG` switches to Dagster's own console logger (every event).
    loggers={"terse_console": terse_console, "console": dg.colored_console_logger},
    # One process, assets in order: every asset writes the same DuckDB file, which allows one
    # writer at a time, so parallel steps would only wait on each other's locks.
    executor=dg.in_process_executor,
)
