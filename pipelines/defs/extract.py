"""Extraction stages over the parsed clauses: tasks and agencies; projects, targets, references."""

import dagster as dg

from pipelines.defs.ingest import StageConfig, parsed_notices, progress_logger
from pipelines.defs.resources import NoticesConfig
from pipelines.extract_stages import PROMISES, TASKS, ExtractStage, apply_extract
from pipelines.stages import run_stage


def _run(context: dg.AssetExecutionContext, stage: ExtractStage, config: StageConfig, notices: NoticesConfig):
    with notices.connect() as conn:
        work = stage.work(conn)
        report = run_stage(
            conn, stage.name, stage.code_version(), work, lambda sid: stage.prepare(conn, sid),
            stage.empty_frames(), force=config.force, drop_stale_outputs=True,
            worker=apply_extract, limits=notices.limits(), progress=progress_logger(context, stage.name),
        )
    context.log.info(report.summary())
    for source_id, error in report.failed.items():
        context.log.warning(f"{stage.name} failed for {source_id}: {error}")
    return dg.MaterializeResult(
        metadata={
            "processed": report.processed,
            "up_to_date": report.skipped,
            "failed": len(report.failed),
            "errors": dg.MetadataValue.json(report.failed),
            **{f"rows_{table}": n for table, n in report.rows.items()},
            "seconds": round(report.seconds, 2),
        }
    )


@dg.asset(
    deps=[parsed_notices],
    group_name="extract",
    kinds={"python", "polars", "duckdb"},
    code_version=TASKS.code_version(),
    description="Tasks (work items closed by a responsibility note) and the agencies each note names: raw.tasks, raw.task_agencies.",
)
def extracted_tasks(context: dg.AssetExecutionContext, config: StageConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    return _run(context, TASKS, config, notices)


@dg.asset(
    deps=[parsed_notices],
    group_name="extract",
    kinds={"python", "polars", "duckdb"},
    code_version=PROMISES.code_version(),
    description="Projects, dated targets and references to other notices: raw.project_mentions, raw.targets, raw.document_references.",
)
def extracted_promises(context: dg.AssetExecutionContext, config: StageConfig, notices: NoticesConfig) -> dg.MaterializeResult:
    return _run(context, PROMISES, config, notices)
