"""Parse and extraction as a fan-out: one Dagster step per batch of sources, one writer.

``plan_fanout`` (a writer step) decides which sources need work and splits them into batches;
``compute_fanout_batch`` runs once per batch (Dagster dynamic outputs: on the multiprocess
executor, steps in parallel processes; on a k8s, Celery or Docker executor, a pod or worker per
batch) and never opens DuckDB: it reads the raw store and leaves Parquet frames in the frame store
(NOTICES_FRAMES_URL); ``load_fanout_frames`` is the one writer that loads them. The three assets
it materialises are the default path's parsed_notices, extracted_tasks and extracted_promises,
so dbt, the checks and publishing are unchanged.
"""
# No "from __future__ import annotations": Dagster reads config and resource types from real annotations.

import math
import os
import time

import dagster as dg

from pipelines.defs.ingest import StageConfig, fetched_notices
from pipelines.defs.resources import NoticesConfig
from pipelines.fanout import EXTRACT_STAGES, SourceJob, compute_batch
from pipelines.fetch_log import latest_good_fetches
from pipelines.frame_store import FrameStore, frames_key, frames_url
from pipelines.process import ParseTask, empty_frames, parse_code_version, parse_work
from pipelines.stages import run_stage
from pipelines.warehouse import stage_state, table_exists
from pipelines.workers import Limits, WorkError


class FanoutConfig(dg.Config):
    force: bool = False  # re-process every source, not only new or changed ones
    batch_size: int = 0  # sources per compute step; 0: two batches per worker (NOTICES_WORKERS)


def _batches(jobs: list[SourceJob], batch_size: int) -> list[list[SourceJob]]:
    if not batch_size:
        workers = Limits.from_env().worker_count(max(1, len(jobs)))
        batch_size = max(1, math.ceil(len(jobs) / (2 * workers)))
    return [jobs[i:i + batch_size] for i in range(0, len(jobs), batch_size)] or [[]]


@dg.op(ins={"fetched": dg.In(dg.Nothing)}, out=dg.DynamicOut(list))
def plan_fanout(context: dg.OpExecutionContext, config: FanoutConfig, notices: NoticesConfig):
    """Sources whose parse or extraction is not up to date, in batches (always one, maybe empty,
    so the writer step runs and records the stages even when nothing changed)."""
    parse_version = parse_code_version()
    versions = tuple((stage.name, stage.code_version()) for stage in EXTRACT_STAGES)
    store_url = frames_url(notices.warehouse_path)
    with notices.connect() as conn:
        entries = {e.source_id: e for e in notices.entries(conn)}
        fetches = latest_good_fetches(conn)
        parse_state = stage_state(conn, "parse")
        extract_state = {name: stage_state(conn, name) for name, _ in versions}
        parse_keys = dict(conn.execute("select source_id, parse_key from raw.sources").fetchall()) if table_exists(conn, "sources") else {}
    jobs = []
    for sid, key in parse_work(entries, fetches):
        entry = entries[sid]
        parse_ok = parse_state.get(sid) == (key, parse_version, "ok")
        extract_ok = all(
            extract_state[name].get(sid) == (parse_keys.get(sid), version, "ok") for name, version in versions
        )
        if config.force or not (parse_ok and extract_ok):
            fetch = fetches[sid]
            task = ParseTask(entry, notices.raw_dir, fetch.sha256, fetch.content_type, fetch.final_url,
                             parse_key=f"{key}:{parse_version}")
            jobs.append(SourceJob(task, key, parse_version, versions, store_url))
    batches = _batches(jobs, config.batch_size)
    context.log.info(f"fan-out: {len(jobs)} of {len(entries)} sources to compute, in {len(batches)} batches, frames in {store_url}")
    for i, batch in enumerate(batches):
        yield dg.DynamicOutput(batch, mapping_key=f"batch_{i}")


@dg.op
def compute_fanout_batch(context: dg.OpExecutionContext, batch: list) -> list:
    """Parse and extract one batch (no DuckDB here): frames and errors go to the frame store."""
    started = time.monotonic()
    limits = Limits.from_env()
    # The executor runs batches in parallel; each batch's sources one after another, each in a
    # worker process that keeps the per-source time and memory limits.
    limits = Limits(seconds=limits.seconds, memory_mb=limits.memory_mb, workers=1)
    outcomes = list(compute_batch(batch, limits))
    failed = {sid: msg for sid, result in outcomes for msg in result.values() if msg != "ok"}
    for sid, message in failed.items():
        context.log.warning(f"compute failed for {sid}: {message}")
    context.log.info(f"computed {len(outcomes)} sources in {time.monotonic() - started:.1f}s ({len(failed)} with errors)")
    return [sid for sid, _ in outcomes]


def _missing(stage: str, source_id: str) -> WorkError:
    return WorkError("error", f"no {stage} frames for {source_id} in the frame store: its compute step did not finish (see the run's log)")


@dg.op(
    out={
        "parsed_notices": dg.Out(dg.Nothing),
        "extracted_tasks": dg.Out(dg.Nothing),
        "extracted_promises": dg.Out(dg.Nothing),
    }
)
def load_fanout_frames(context: dg.OpExecutionContext, computed: list, config: StageConfig, notices: NoticesConfig):
    """The one writer: load every stage's frames from the frame store, per source, as the default
    path's stages do (same stage state, same failure isolation)."""
    store = FrameStore(frames_url(notices.warehouse_path))
    parse_version = parse_code_version()
    parse_schemas = empty_frames()
    with notices.connect() as conn:
        entries = {e.source_id: e for e in notices.entries(conn)}
        fetches = latest_good_fetches(conn)
        work = parse_work(entries, fetches)
        keys = dict(work)
        reports = [run_stage(
            conn, "parse", parse_version, work,
            lambda sid: store.read("parse", sid, frames_key(keys[sid], parse_version), parse_schemas) or _missing("parse", sid),
            parse_schemas, force=config.force,
        )]
        for stage in EXTRACT_STAGES:
            version = stage.code_version()
            schemas = stage.empty_frames()
            stage_work = stage.work(conn)
            stage_keys = dict(stage_work)

            def compute(sid: str, stage=stage, version=version, schemas=schemas, stage_keys=stage_keys):
                stored = store.read(stage.name, sid, frames_key(stage_keys[sid], version), schemas)
                # Not computed on the fan-out (its parse failed this time, so the earlier parse is
                # what the warehouse holds): extract from the warehouse, as the default path does.
                return stored if stored is not None else stage.compute(conn, sid)

            reports.append(run_stage(
                conn, stage.name, version, stage_work, compute, schemas, force=config.force, drop_stale_outputs=True,
            ))
    for name, report in zip(("parsed_notices", "extracted_tasks", "extracted_promises"), reports):
        context.log.info(report.summary())
        for source_id, error in report.failed.items():
            context.log.warning(f"{report.stage} failed for {source_id}: {error}")
        yield dg.Output(None, name, metadata={
            "processed": report.processed, "up_to_date": report.skipped, "failed": len(report.failed),
            "errors": dg.MetadataValue.json(report.failed), "seconds": round(report.seconds, 2),
            "computed_on_fanout": sum(len(b) for b in computed),
        })


@dg.graph_multi_asset(
    outs={
        "parsed_notices": dg.AssetOut(
            group_name="ingest", kinds={"python", "polars", "duckdb"}, dagster_type=dg.Nothing,
            description="Each fetched source parsed (fan-out path): raw.sources, raw.paragraphs, raw.clauses, raw.table_rows.",
        ),
        "extracted_tasks": dg.AssetOut(
            group_name="extract", kinds={"python", "polars", "duckdb"}, dagster_type=dg.Nothing,
            description="Tasks and their agencies (fan-out path): raw.tasks, raw.task_agencies.",
        ),
        "extracted_promises": dg.AssetOut(
            group_name="extract", kinds={"python", "polars", "duckdb"}, dagster_type=dg.Nothing,
            description="Projects, targets and references (fan-out path): raw.project_mentions, raw.targets, raw.document_references.",
        ),
    },
    ins={"fetched": dg.AssetIn(key=fetched_notices.key, dagster_type=dg.Nothing)},
)
def fanout_stages(fetched):
    computed = plan_fanout(fetched).map(compute_fanout_batch).collect()
    parsed, tasks, promises = load_fanout_frames(computed)
    return {"parsed_notices": parsed, "extracted_tasks": tasks, "extracted_promises": promises}


def max_concurrent() -> int:
    return int(os.environ.get("NOTICES_WORKERS") or 0) or os.cpu_count() or 1
