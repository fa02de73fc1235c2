"""The dbt project as Dagster assets: seeds, staging, intermediate and mart models; dbt tests
become asset checks. Sources map to the Python assets via `meta.dagster.asset_key` in YAML."""

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from pipelines import build_inputs
from pipelines.defs.resources import NoticesConfig
from pipelines.publish import published_files_missing, publishing_state
from pipelines.settings import DBT_PROJECT_DIR
from pipelines.warehouse import connect

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` this re-parses the project; elsewhere the manifest is built ahead by
# `make manifest` (dbt parse), never at import.
dbt_project.prepare_if_dev()


class NoticesDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # Seeds are reference data; models are grouped by layer (staging, intermediate, marts).
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        # dbt's tests on the raw tables become checks of the Python assets that write them. They
        # run inside the dbt build, so they cannot block the stages after those assets: blocking
        # checks would make Dagster split the build into one dbt invocation per stage.
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is not None and manifest["nodes"][unique_id].get("sources"):
            spec = dg.AssetCheckSpec(
                name=spec.name, asset=spec.asset_key, description=spec.description,
                additional_deps=spec.additional_deps, metadata=spec.metadata, blocking=False,
            )
        return spec


class DbtBuildConfig(dg.Config):
    force: bool = False  # build and test every model even when nothing they are built from changed


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # Several raw tables come from one Python asset (raw.sources, raw.clauses… ← parsed_notices).
    dagster_dbt_translator=NoticesDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True, enable_source_tests_as_checks=True)
    ),
)
def dbt_warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource, notices: NoticesConfig, config: DbtBuildConfig):
    """Build (run + test) the selected dbt seeds and models in the warehouse; skipped, with the
    publish steps after it, when nothing the marts are built from changed (pipelines.build_inputs)."""
    # dbt's profile reads the DuckDB path from NOTICES_WAREHOUSE: make it the resource's path.
    os.environ["NOTICES_WAREHOUSE"] = notices.warehouse_path
    # The snapshot asset publishes after this build; dbt's on-run-end hook warns only when run by hand.
    os.environ["NOTICES_PIPELINE_DBT"] = "1"
    # Hold the writer lock for the whole build. dbt itself fails at once on a held DuckDB file,
    # so wait for the file here first, as every other writer does (bounded, says who holds it).
    with connect(Path(notices.warehouse_path)):
        pass
    project_dir = Path(dbt_project.project_dir)
    whole = set(context.selected_asset_keys) == set(context.assets_def.keys)
    # A build without dbt's tests (`run --no-checks`) is recorded as such: the next run that
    # tests builds again instead of taking untested marts as current.
    every_check = {spec.key for spec in context.assets_def.node_check_specs_by_output_name.values()}
    tested = set(context.selected_asset_check_keys) >= every_check
    with notices.writer_lock("dbt build"):
        with notices.connect() as conn:
            inputs = build_inputs.fingerprint(conn, project_dir, dbt_warehouse_manifest()) + ("" if tested else ":untested")
            warehouse = Path(notices.warehouse_path)
            reason = (
                "asked for" if not whole or config.force
                else build_inputs.why_rebuild(conn, inputs, publishing_state(warehouse)) or published_files_missing(warehouse)
            )
        if reason is None:
            # Yielding nothing skips every model, and Dagster skips the publish steps after them.
            context.log.info(f"dbt: skipped, nothing changed since the last build (inputs {inputs}); the marts and what readers see are current")
            return
        context.log.info(f"dbt: building, {reason} (inputs {inputs})")
        yield from _build(context, dbt)
        if whole:
            with notices.connect() as conn:
                build = build_inputs.latest_build_invocation(conn)
                build_inputs.record(conn, "dbt", inputs, build[0] if build else None)
    prune_run_folders(project_dir / "target")


def dbt_warehouse_manifest() -> dict[str, Any]:
    """The parsed dbt manifest (which raw tables the models read)."""
    return json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    with _dbt_output():
        # Row counts on every materialised model cost one query each (≈ 7 s a build here).
        row_counts = os.environ.get("NOTICES_DBT_ROW_COUNTS", "1") != "0"
        target = Path(dbt_project.project_dir) / "target" / f"dbt_warehouse-{context.run.run_id[:7]}-{uuid.uuid4().hex[:7]}"
        cache = _partial_parse_cache(os.environ["NOTICES_WAREHOUSE"])
        if cache.exists():  # dagster-dbt copies the project's own only where none is there yet
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(cache, target / "partial_parse.msgpack")
        invocation = dbt.cli(["build"], context=context, target_path=target)
        if row_counts:
            invocation.manifest = _relations_for_any_file(invocation.manifest)
        events = invocation.stream()
        yield from (events.fetch_row_counts() if row_counts else events)
    _keep_partial_parse(target / "partial_parse.msgpack", cache)


def _partial_parse_cache(warehouse: str) -> Path:
    """Where the parse of the project for this warehouse path is kept between runs. dbt parses
    the whole project again (≈ 7 s) whenever the profile differs from the last parse's, and the
    profile holds the warehouse path: one cache per path keeps a warehouse elsewhere than the
    default (any NOTICES_WAREHOUSE) from paying that on every run."""
    key = hashlib.sha256(warehouse.encode("utf-8")).hexdigest()[:16]
    return Path(dbt_project.project_dir) / "target" / "partial_parse" / f"{key}.msgpack"


def _keep_partial_parse(parsed: Path, cache: Path) -> None:
    if not parsed.exists():
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    shutil.copy(parsed, tmp)
    os.replace(tmp, cache)  # atomic: another run may be reading it
    # ≈ 1.5 MB each: keep the parses of the most recently built warehouses only.
    for _, old in _newest_first(cache.parent.glob("*.msgpack"))[20:]:
        old.unlink(missing_ok=True)


def _newest_first(paths: Iterable[Path]) -> list[tuple[float, Path]]:
    """(mtime, path), newest first; a path that another run removed meanwhile is left out."""
    found = []
    for path in paths:
        try:
            found.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    return sorted(found, reverse=True)


def _relations_for_any_file(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest with relation names that hold in whichever DuckDB file is the warehouse.

    dbt-duckdb names the database after the file (notices.duckdb → "notices") and the manifest
    is parsed once, ahead, with the default path; Dagster counts rows with the manifest's
    `relation_name`. Without the database part, "marts"."fct_clauses" is found in any file."""
    nodes = {}
    for unique_id, node in manifest["nodes"].items():
        relation, database = node.get("relation_name"), node.get("database")
        if relation and database and relation.startswith(f'"{database}".'):
            node = {**node, "relation_name": relation[len(database) + 3 :]}
        nodes[unique_id] = node
    return {**manifest, "nodes": nodes}


@contextlib.contextmanager
def _dbt_output():
    """dagster-dbt echoes dbt's log to stdout. With NOTICES_DBT_LOG set (the CLI sets it), that
    goes to the file instead, so the terminal shows one line per stage; the UI keeps the events."""
    path = os.environ.get("NOTICES_DBT_LOG")
    if not path:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        yield


def prune_run_folders(target: Path, keep: int = 5, min_age_seconds: float = 3600) -> None:
    """dagster-dbt writes every invocation's artifacts to its own folder under target/ (~10 MB
    each). Keep the newest few; never touch one younger than an hour (another run may be using it).
    Runs in other processes prune the same folder: one gone meanwhile is skipped."""
    now = time.time()
    for m, old in _newest_first(target.glob("dbt_warehouse-*"))[keep:]:
        if now - m > min_age_seconds:
            shutil.rmtree(old, ignore_errors=True)


def dbt_resource() -> DbtCliResource:
    # The dbt of this environment, whether or not the venv's bin is on PATH (tests, IDEs), run
    # through a guard that kills it when the run that started it dies (pipelines/dbt_guard.py).
    os.environ.setdefault("NOTICES_DBT_EXECUTABLE", str(Path(sys.executable).parent / "dbt"))
    return DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(__file__).resolve().parent.parent / "dbt_guard.py"))
