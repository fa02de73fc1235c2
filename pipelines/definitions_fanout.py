"""The same warehouse with parse and extraction fanned out over Dagster steps (``pipelines.defs.fanout``).

``python -m pipelines.cli run --fan-out`` runs the job ``materialize_fanout`` on the multiprocess
executor (NOTICES_WORKERS processes at once, default one per core): the compute steps of all
batches in parallel, the writer steps (fetch, plan, load, dbt, publish) one at a time because
each waits for the one before it. To run the compute steps on a cluster, give this job another
executor (dagster-k8s' ``k8s_job_executor``, dagster-celery's, dagster-docker's) and put the raw
store and the frame store where every step can reach them (NOTICES_RAW_DIR on a shared volume,
NOTICES_FRAMES_URL an ``s3://…`` URL); see the README. ``dagster dev -m pipelines.definitions_fanout``
shows it in the UI.
"""
from __future__ import annotations

import dagster as dg

from pipelines.definitions import ASSETS, CHECKS, loggers, make_resources
from pipelines.defs.extract import extracted_promises, extracted_tasks
from pipelines.defs.fanout import fanout_stages, max_concurrent
from pipelines.defs.ingest import parsed_notices
from pipelines.defs.resources import NoticesConfig

FANOUT_ASSETS = [a for a in ASSETS if a not in (parsed_notices, extracted_tasks, extracted_promises)] + [fanout_stages]

MATERIALIZE_FANOUT = dg.define_asset_job(
    "materialize_fanout", selection=dg.AssetSelection.all(),
    executor_def=dg.multiprocess_executor.configured({"max_concurrent": max_concurrent()}),
    description="Every asset; parse and extraction as one compute step per batch of sources, in parallel.",
)
MATERIALIZE_FANOUT_WITHOUT_CHECKS = dg.define_asset_job(
    "materialize_fanout_without_checks", selection=dg.AssetSelection.all().without_checks(),
    executor_def=dg.multiprocess_executor.configured({"max_concurrent": max_concurrent()}),
    description="materialize_fanout without the asset checks (dbt builds the models without their data tests).",
)

defs = dg.Definitions(
    assets=FANOUT_ASSETS,
    asset_checks=CHECKS,
    jobs=[MATERIALIZE_FANOUT, MATERIALIZE_FANOUT_WITHOUT_CHECKS],
    resources=make_resources(NoticesConfig.from_env()),
    loggers=loggers(),
)


def fanout_job() -> dg.JobDefinition:
    """The job, for ``dg.reconstructable`` (the multiprocess executor re-imports it in each step)."""
    return defs.resolve_job_def("materialize_fanout")


def fanout_job_without_checks() -> dg.JobDefinition:
    return defs.resolve_job_def("materialize_fanout_without_checks")
