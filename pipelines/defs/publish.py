"""The snapshot readers use, refreshed after every dbt build."""
from pathlib import Path

import dagster as dg

from pipelines.defs.dbt import dbt_warehouse
from pipelines.defs.resources import NoticesConfig
from pipelines.publish import publish_snapshot, snapshot_path


@dg.asset(
    deps=[dbt_warehouse],
    group_name="publish",
    kinds={"duckdb"},
    description="Atomically replaced copy of the warehouse for BI tools and notebooks (they never block the pipeline).",
)
def warehouse_snapshot(notices: NoticesConfig) -> dg.MaterializeResult:
    warehouse = Path(notices.warehouse_path)
    target = snapshot_path(warehouse)
    counts = publish_snapshot(warehouse, target)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "size_bytes": target.stat().st_size,
            **{f"rows_{table}": n for table, n in counts.items()},
        }
    )
