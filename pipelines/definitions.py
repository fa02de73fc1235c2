"""Dagster definitions for notices-warehouse (`dagster dev`, `dagster asset materialize`)."""
from __future__ import annotations

import dagster as dg

from pipelines.defs.checks import parse_checks
from pipelines.defs.dbt import dbt_resource, dbt_warehouse
from pipelines.defs.extract import extracted_promises, extracted_tasks
from pipelines.defs.ingest import fetched_notices, parsed_notices
from pipelines.defs.resources import NoticesConfig

all_assets_job = dg.define_asset_job("materialize_all", selection=dg.AssetSelection.all())

defs = dg.Definitions(
    assets=[fetched_notices, parsed_notices, extracted_tasks, extracted_promises, dbt_warehouse],
    asset_checks=parse_checks,
    jobs=[all_assets_job],
    # One process, assets in order: every asset writes the same DuckDB file, which allows one
    # writer at a time, so parallel steps would only wait on each other's locks.
    executor=dg.in_process_executor,
    resources={"notices": NoticesConfig.from_env(), "dbt": dbt_resource()},
)
