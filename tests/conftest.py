"""Shared fixtures: a loopback HTTP server and a warehouse built by really materialising the assets."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
# dbt's profile needs the variable to render, even for `dbt parse`; runs set the real path.
os.environ.setdefault("NOTICES_WAREHOUSE", str(REPO / "warehouse" / "notices.duckdb"))


def pytest_configure(config: pytest.Config) -> None:
    """Build the dbt manifest if `make manifest` has not (the dbt assets are defined from it)."""
    manifest = REPO / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists() and not hasattr(config, "workerinput"):
        subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet"],
            cwd=REPO / "dbt_project", check=True,
        )


# --- loopback HTTP server -------------------------------------------------------------------

@dataclass
class Route:
    """What the server answers on a path: a list of (status, headers, body), one per request;
    the last one repeats."""

    responses: list[tuple[int, dict[str, str], bytes]]
    hits: int = 0
    delay_per_byte: float = 0.0  # > 0: the body trickles out one byte at a time


@dataclass
class LoopbackServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)

    def serve(self, path: str, *responses: tuple[int, dict[str, str], bytes]) -> str:
        self.routes[path] = Route(list(responses))
        return self.base_url + path

    def hits(self, path: str) -> int:
        return self.routes[path].hits


@pytest.fixture()
def http_server() -> Iterator[LoopbackServer]:
    server_state = LoopbackServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            route = server_state.routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            status, headers, body = route.responses[min(route.hits, len(route.responses) - 1)]
            route.hits += 1
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not route.delay_per_byte:
                self.wfile.write(body)
                return
            deadline = time.monotonic() + 60  # bounded, whatever the client does
            for i in range(len(body)):
                if time.monotonic() > deadline:
                    break
                try:
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up: that is the point
                    break
                time.sleep(route.delay_per_byte)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- materialising the pipeline ---------------------------------------------------------------

def materialize_all(
    catalog: Path, warehouse: Path, raw_dir: Path, run_config: dict | None = None, selection=None, checks: bool = True,
):
    """Materialise every asset (Python stages, dbt seeds/models/tests) into ``warehouse``, or
    only the assets in ``selection`` (names or an AssetSelection); ``checks=False`` leaves the
    asset checks out (dbt builds the models without their data tests)."""
    import dagster as dg

    from pipelines.definitions import ASSETS, CHECKS, make_resources
    from pipelines.defs.resources import NoticesConfig

    if not checks:
        chosen = dg.AssetSelection.all() if selection is None else (
            selection if isinstance(selection, dg.AssetSelection) else dg.AssetSelection.from_coercible(selection))
        selection = chosen.without_checks()
    notices = NoticesConfig(catalog_path=str(catalog), warehouse_path=str(warehouse), raw_dir=str(raw_dir))
    return dg.materialize(
        [*ASSETS, *CHECKS], resources=make_resources(notices), run_config=run_config, raise_on_error=False,
        selection=selection,
    )


@pytest.fixture(scope="session")
def materialize() -> Callable[..., object]:
    return materialize_all


@pytest.fixture(scope="session")
def bundled_warehouse(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A warehouse built from the bundled catalogue, once per test session.

    Under pytest-xdist the workers share one build: the first to take the lock builds, the
    others wait and reuse it (a full build is about a minute of two cores). Tests open it
    read-only; a test that wants to write copies it first.
    """
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if worker_id != "master" else base) / "bundled"
    root.mkdir(exist_ok=True)
    warehouse = root / "notices.duckdb"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            result = materialize_all(REPO / "catalog.yaml", warehouse, root / "raw")
            assert result.success, "materialising the bundled catalogue failed"
            (root / "built").touch()
    return warehouse


# The files that run the pipeline many times, longest first. With `--dist loadfile
# --no-loadscope-reorder` (make test) each file goes to one worker as a whole, in collection order:
# starting the long ones first keeps both cores busy to the end instead of leaving one long file
# running alone at the tail (xdist's default order puts files with many short tests first).
_LONGEST_FIRST = (
    "test_faults_kill.py", "test_faults_runs.py", "test_unseen_notices.py", "test_faults_inputs.py",
    "test_changed_documents.py", "test_fanout.py", "test_eval.py", "test_end_to_end.py", "test_discovery_end_to_end.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within a file kept


@pytest.fixture()
def portal() -> Iterator["FakePortal"]:
    """The fake portal on 127.0.0.1 (tests/fake_portal.py), closed after the test."""
    from fake_portal import FakePortal

    p = FakePortal()
    try:
        yield p
    finally:
        p.close()
