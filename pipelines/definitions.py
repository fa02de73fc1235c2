"""Dagster definitions for notices-warehouse (`dagster dev`, `dagster asset materialize`)."""
from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.checks import parse_checks
from pipelines.defs.console import terse_console
from pipelines.defs.dbt import dbt_resource, dbt_warehouse
from pipelines.defs.extract import extracted_promises, extracted_tasks
from pipelines.defs.ingest import discovered_notices, fetched_notices, parsed_notices
from pipelines.defs.publish import analyst_report, mart_exports, warehouse_snapshot
from pipelines.defs.resources import NoticesConfig

ASSETS = [
    discovered_notices, fetched_notices, parsed_notices, extracted_tasks, extracted_promises, dbt_warehouse,
    warehouse_snapshot, mart_exports, analyst_report,
]
CHECKS = parse_checks

MATERIALIZE_ALL = dg.define_asset_job("materialize_all", selection=dg.AssetSelection.all())
# `pipelines.cli run --no-checks`: the same assets without their checks (dbt builds the models and
# skips their data tests, about two thirds of a build's time).
MATERIALIZE_WITHOUT_CHECKS = dg.define_asset_job(
    "materialize_without_checks", selection=dg.AssetSelection.all().without_checks(),
    description="Every asset, without the asset checks (dbt's data tests and the parse checks).",
)
# Discover, fetch what is new or due for a re-check, and rebuild: daily at 06:00 by default
# (NOTICES_DISCOVERY_CRON), and off until switched on in the UI (or `dagster schedule start`).
DISCOVERY_SCHEDULE = dg.ScheduleDefinition(
    name="discover_and_load",
    job=MATERIALIZE_ALL,
    cron_schedule=os.environ.get("NOTICES_DISCOVERY_CRON", "0 6 * * *"),
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)


def make_resources(notices: NoticesConfig) -> dict[str, object]:
    return {"notices": notices, "dbt": dbt_resource()}


def loggers() -> dict[str, dg.LoggerDefinition]:
    # The CLI's terminal output (python -m pipelines.cli run); the UI keeps Dagster's full log.
    # `--log-level DEBUG` switches to Dagster's own console logger (every event).
    return {"terse_console": terse_console, "console": dg.colored_console_logger}


defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[MATERIALIZE_ALL, MATERIALIZE_WITHOUT_CHECKS],
    schedules=[DISCOVERY_SCHEDULE],
    resources=make_resources(NoticesConfig.from_env()),
    loggers=loggers(),
    # One process, assets in order: every asset writes the same DuckDB file, which allows one
    # writer at a time, so parallel steps would only wait on each other's locks.
    executor=dg.in_process_executor,
)
