"""The fan-out path's compute: one source's bytes → its parse and extraction frames, in the store.

The default path parses in worker processes and extracts from what the warehouse holds. The
fan-out path (``pipelines.defs.fanout``, ``pipelines.cli run --fan-out``) runs parse and both
extraction stages of a source in one go, in steps that never open DuckDB, so the steps can run
anywhere the raw store and the frame store can be reached; the one writer then loads what they
left in the frame store. Pure: no Dagster, no DuckDB.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import polars as pl

from pipelines.extract_stages import PROMISES, TASKS, ExtractStage, source_input_from_frames
from pipelines.frame_store import FrameStore, frames_key
from pipelines.process import ParseTask, parse_task
from pipelines.workers import Limits, WorkError, run_bounded

EXTRACT_STAGES: tuple[ExtractStage, ...] = (TASKS, PROMISES)


@dataclass(frozen=True)
class SourceJob:
    """One source's work on the fan-out path: parse it (``task``) and extract from the result."""

    task: ParseTask
    parse_input_key: str  # the parse stage's input key (raw.stage_state.input_sha256)
    parse_code_version: str
    extract_code_versions: tuple[tuple[str, str], ...]  # (stage, code version)
    store_url: str

    @property
    def source_id(self) -> str:
        return self.task.entry.source_id


def compute_source(job: SourceJob) -> dict[str, str]:
    """Parse one source, extract from it, and leave every stage's frames (or its error) in the
    store. Returns each stage's outcome ("ok" or the error) for the step's log."""
    from pipelines.stages import describe_error, error_kind

    store = FrameStore(job.store_url)
    sid = job.source_id
    try:
        parsed = parse_task(job.task)
    except Exception as exc:  # a bad document must not stop the others
        error = WorkError(error_kind(exc), describe_error(exc))
        store.write("parse", sid, frames_key(job.parse_input_key, job.parse_code_version), error)
        return {"parse": error.message}
    store.write("parse", sid, frames_key(job.parse_input_key, job.parse_code_version), parsed)
    outcome = {"parse": "ok"}
    src = source_input_from_frames(parsed)
    parse_key = parsed["sources"]["parse_key"][0]  # the extraction stages' input key
    versions = dict(job.extract_code_versions)
    for stage in EXTRACT_STAGES:
        key = frames_key(parse_key, versions[stage.name])
        try:
            frames: dict[str, pl.DataFrame] | WorkError = stage.extract(src)
            outcome[stage.name] = "ok"
        except Exception as exc:
            frames = WorkError(error_kind(exc), describe_error(exc))
            outcome[stage.name] = frames.message
        store.write(stage.name, sid, key, frames)
    return outcome


def compute_batch(jobs: Iterable[SourceJob], limits: Limits | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """Compute every job of a batch, each in a worker process under the per-source limits. A
    source whose worker is stopped (time, memory, a crash) has that error stored as its parse
    error, so the loader records it like any other."""
    jobs = list(jobs)
    by_id = {job.source_id: job for job in jobs}
    for sid, result in run_bounded(compute_source, ((j.source_id, lambda j=j: j) for j in jobs), limits, total=len(jobs)):
        if isinstance(result, WorkError):
            job = by_id[sid]
            FrameStore(job.store_url).write("parse", sid, frames_key(job.parse_input_key, job.parse_code_version), result)
            result = {"parse": result.message or result.kind}
        yield sid, result
