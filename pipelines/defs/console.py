"""A terse Dagster logger for the terminal: what each stage did, and why a step failed, one line each.

Dagster's default console logger prints every framework event (step start, output, type check,
materialisation …) with run ids and timestamps: some 600 lines for the bundled corpus. The CLI
(``python -m pipelines.cli run``) uses this logger instead; every event is still stored in the
Dagster instance and shown in the UI (``make dev``).
"""
from __future__ import annotations

import logging
import re
import sys

import dagster as dg


def root_cause(error) -> str:
    """The first line of the innermost error that is not Dagster's own wrapper."""
    while error is not None and error.cls_name and error.cls_name.startswith("Dagster") and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    message = (error.message or "").strip().splitlines()
    text = message[0] if message else error.cls_name
    # SerializableErrorInfo messages read "ClassName: text"; the class adds nothing for our errors.
    for prefix in ("WarehouseBusy: ", "WarehouseWriteError: ", "CatalogError: "):
        text = text.removeprefix(prefix)
    return text


# dagster-dbt's notes about its own bookkeeping (dbt source tests it records as observations).
_DBT_NOISE = ("Logging an `AssetObservation` instead of an `AssetCheckResult`",)


# When dbt is skipped (nothing changed), Dagster notes every check and step it did not run.
_SKIP_NOISE = re.compile(r"Blocking asset check .* emitted no result in step 'dbt_warehouse'|Skipping step \S+ due to skipped dependencies")
_SKIPPED = re.compile(r"Dependencies for step (?P<step>\S+) (?P<how>failed|were not executed): \[(?P<steps>.*)\]")


def quiet_skipped_build_notes() -> None:
    """Dagster's planner warns, through Python logging, once per dbt test whose build was
    skipped because nothing changed; the run's own line already says so."""
    logging.getLogger("dagster._core.execution.plan.active").addFilter(
        lambda record: not _SKIP_NOISE.match(record.getMessage())
    )


class _ToolHandler(logging.Handler):
    def __init__(self, stream) -> None:
        super().__init__()
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        if meta is None:
            return
        step = meta.get("step_key") or ""
        event = meta.get("dagster_event")
        if event is not None:
            if event.is_step_failure and event.event_specific_data is not None:
                self._write(f"{step} failed: {root_cause(event.event_specific_data.error)}")
            return
        message = str(meta.get("orig_message") or "")
        if message.startswith(_DBT_NOISE) or _SKIP_NOISE.match(message):
            return
        if step.startswith("dbt_warehouse") and record.levelno < logging.WARNING:
            # dagster-dbt narrates dbt's run; keep only its start and end.
            if not message.startswith(("Running dbt command", "Finished dbt command", "dbt: ")):
                return
            message = message.replace("Running dbt command", "dbt: running").replace("Finished dbt command", "dbt: finished")
            # A subset (e.g. --no-checks) names every model: the command's start says enough.
            command = re.match(r"(dbt: (?:running|finished): `[^`]*?--select )([^`]+)`", message)
            if command and len(command[2]) > 60:
                message = f"{command[1]}… ({len(command[2].split())} nodes)`{message[command.end():]}"
        skipped = _SKIPPED.match(message)
        if skipped:
            # "Dependencies for step x failed: ['dbt_warehouse', 'dbt_warehouse', …]": once each.
            upstream = ", ".join(dict.fromkeys(re.findall(r"'([^']+)'", skipped["steps"])))
            self._write(f"skipped {skipped['step']}: {upstream} {'failed' if skipped['how'] == 'failed' else 'did not run'}")
            return
        if record.levelno >= logging.WARNING:
            message = f"warning: {message}"
        self._write(message)

    def _write(self, line: str) -> None:
        self.stream.write(line.rstrip() + "\n")
        self.stream.flush()


@dg.logger(
    config_schema={"log_level": dg.Field(str, default_value="INFO", is_required=False)},
    description="Terse terminal output: stage progress and step failures, one line each.",
)
def terse_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("notices-warehouse", level=init_context.logger_config["log_level"])
    logger.addHandler(_ToolHandler(sys.stdout))
    return logger
