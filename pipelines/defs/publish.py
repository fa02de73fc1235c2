"""What readers use, refreshed after every build: the snapshot, the Parquet exports, the report."""
from pathlib import Path

import dagster as dg

from pipelines import build_inputs
from pipelines.code_version import modules_version
from pipelines.defs.dbt import dbt_warehouse
from pipelines.defs.resources import NoticesConfig
from pipelines.publish import export_marts, export_path, publish_snapshot, publishing_state, report_path, snapshot_path
from pipelines.report import build_report

# The snapshot follows the marts (not staging or the seeds): a build that changed only those
# still publishes, since dbt rebuilds the marts after them.
MART_KEYS = sorted((k for k in dbt_warehouse.keys if k.path[0] == "marts"), key=lambda k: k.path)


@dg.asset(
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    code_version=modules_version(["pipelines.publish"]),
    description=(
        "Atomically replaced copy of the warehouse for BI tools and notebooks (they never block the pipeline), "
        "written in DuckDB storage v1.0.0 so that DuckDB 1.x readers open it too."
    ),
)
def warehouse_snapshot(notices: NoticesConfig) -> dg.MaterializeResult:
    warehouse = Path(notices.warehouse_path)
    target = snapshot_path(warehouse)
    counts = publish_snapshot(warehouse, target)
    _follows_build(notices, "snapshot")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "size_bytes": target.stat().st_size,
            **{f"rows_{table}": n for table, n in counts.items()},
        }
    )


@dg.asset(
    deps=[warehouse_snapshot],
    group_name="publish",
    kinds={"parquet"},
    code_version=modules_version(["pipelines.publish"]),
    description="Every mart as Parquet (and CSV with NOTICES_EXPORT_CSV=1) under warehouse/export/, switched atomically.",
)
def mart_exports(notices: NoticesConfig) -> dg.MaterializeResult:
    snapshot = snapshot_path(Path(notices.warehouse_path))
    target = export_path(Path(notices.warehouse_path))
    counts = export_marts(snapshot, target)
    _follows_build(notices, "exports")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(target)), "files": len(counts),
                  **{f"rows_{table}": n for table, n in counts.items()}}
    )


@dg.asset(
    deps=[warehouse_snapshot],
    group_name="publish",
    kinds={"html"},
    code_version=modules_version(["pipelines.report"]),
    description="The analysts' report page (warehouse/report.html): documents, agency workload with the tasks behind it, targets, projects.",
)
def analyst_report(notices: NoticesConfig) -> dg.MaterializeResult:
    warehouse = Path(notices.warehouse_path)
    out = report_path(warehouse)
    counts = build_report(snapshot_path(warehouse), out, sources_base=Path(notices.catalog_path).parent)
    _follows_build(notices, "report")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(out)), **counts})


def _follows_build(notices: NoticesConfig, step: str) -> None:
    """Record that ``step`` now shows the last build, so a run with nothing new can skip it."""
    with notices.connect() as conn:
        built = build_inputs.latest_recorded(conn, "dbt")
        if built is not None:
            build_inputs.record(conn, step, build_inputs.published_value(built, publishing_state(Path(notices.warehouse_path))))
