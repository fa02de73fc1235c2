"""Helpers of the fault tests: run the real pipeline as a process, pause it at a named point
(pipelines/faults.py), kill it, and compare a warehouse's contents with another's."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

# Columns that say when something happened, not what: they differ between any two runs.
VOLATILE = {
    ("raw", "fetches"): {"fetched_at", "attempts", "from_cache", "headers_json"},
    ("raw", "stage_state"): {"updated_at"},
    ("raw", "catalog"): {"listed_at"},
    ("raw", "fetch_checks"): {"checked_at"},
    ("raw", "discovered"): {"first_seen", "last_seen", "missing_since"},
    ("raw", "withdrawals"): {"withdrawn_since"},
    ("staging", "stg_withdrawals"): {"withdrawn_since"},
    ("marts", "dim_documents"): {"withdrawn_since"},
    ("marts", "source_status"): {"last_fetched_at", "withdrawn_since"},
    ("staging", "stg_fetches"): {"fetched_at", "attempts", "from_cache", "headers_json"},
    ("staging", "stg_stage_state"): {"updated_at"},
}


@dataclass
class Site:
    """A catalogue, its notices, a raw store, a warehouse and a Dagster home, all under ``root``."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.yaml"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "notices.duckdb"

    @property
    def snapshot(self) -> Path:
        return self.root / "warehouse" / "notices.snapshot.duckdb"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    def env(self, **extra: str) -> dict[str, str]:
        (self.root / "dagster").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "NOTICES_CATALOG": str(self.catalog),
            "NOTICES_WAREHOUSE": str(self.warehouse),
            "NOTICES_RAW_DIR": str(self.raw),
            "DAGSTER_HOME": str(self.root / "dagster"),
            "NOTICES_LOCK_TIMEOUT": "120",
            "NOTICES_WORKERS": "1",
            # Fault tests read the warehouse, not Dagster's row-count metadata.
            "NOTICES_DBT_ROW_COUNTS": "0",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        env.pop("NOTICES_SNAPSHOT", None)
        env.pop("NOTICES_PAUSE_AT", None)
        env.update(extra)
        return env

    def write_catalog(self, notices: dict[str, bytes]) -> None:
        """Write ``notices`` (file name → bytes) under notices/ and list them in the catalogue."""
        folder = self.root / "notices"
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in notices:
                old.unlink()
        lines = ["notices:"]
        for name, data in notices.items():
            (folder / name).write_bytes(data)
            lines.append(f"  - {{id: {Path(name).stem}, url: notices/{name}}}")
        self.catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def copy_to(self, root: Path) -> Site:
        """A copy of this site at ``root`` (replacing what is there). Keys the pipeline derives
        from a notice's URL hold its absolute path: compare sites copied to the same ``root``."""
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(self.root, root, symlinks=True, ignore=shutil.ignore_patterns("*.lock"))
        return Site(root)


def _command(select: str | None) -> list[str]:
    # Without the asset checks: these tests compare rows, and dbt's data tests are half of each
    # build (test_end_to_end and test_unseen_notices run with them).
    return [sys.executable, "-m", "pipelines.cli", "run", "--no-checks", *(["--select", select] if select else [])]


def run(site: Site, timeout: float = 600, select: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """A run of ``python -m pipelines.cli run`` (of the ``select``ed assets only, if given)."""
    return subprocess.run(_command(select), cwd=REPO, env=site.env(**env), capture_output=True, text=True, timeout=timeout)


def start(site: Site, select: str | None = None, **env: str) -> subprocess.Popen[str]:
    """A run in the background; its output goes to files (``output(proc)`` reads them)."""
    out = open(site.root / f"run-{time.monotonic_ns()}.out", "w+", encoding="utf-8")
    proc = subprocess.Popen(_command(select), cwd=REPO, env=site.env(**env), stdout=out, stderr=subprocess.STDOUT, text=True)
    proc.output_file = out  # type: ignore[attr-defined]
    return proc


def output(proc: subprocess.Popen[str]) -> str:
    """What a background run printed so far (stdout and stderr)."""
    return Path(proc.output_file.name).read_text(encoding="utf-8")  # type: ignore[attr-defined]


def wait_for_output(proc: subprocess.Popen[str], text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in output(proc):
        assert proc.poll() is None, f"the run ended without printing {text!r}: {output(proc)[-2000:]}"
        assert time.monotonic() < deadline, f"no {text!r} within {timeout}s"
        time.sleep(0.1)


def start_paused(site: Site, point: str, timeout: float = 300, select: str | None = None) -> subprocess.Popen[str]:
    """Start a run that stops at ``point`` (see pipelines/faults.py); return once it is there."""
    marker = site.root / f"paused-at-{point.replace(':', '-')}"
    marker.unlink(missing_ok=True)
    proc = start(site, select, NOTICES_PAUSE_AT=point, NOTICES_PAUSE_FILE=str(marker))
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before reaching {point}: {output(proc)[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the run did not reach {point} within {timeout}s")
        time.sleep(0.1)
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the run's main process only, as the OOM killer would: its children are on their own."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def processes_of(site: Site) -> list[int]:
    """Live processes started for this site (they carry its warehouse path in their environment)."""
    needle = f"NOTICES_WAREHOUSE={site.warehouse}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_until_gone(site: Site, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := processes_of(site)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _relative(value: object, root: str) -> object:
    """Paths under the site's root written relative to it: two sites hold the same notices."""
    if isinstance(value, str):
        return value.replace(root, "<site>")
    if isinstance(value, list):
        return [_relative(v, root) for v in value]
    if isinstance(value, tuple):
        return tuple(_relative(v, root) for v in value)
    if isinstance(value, dict):
        return {k: _relative(v, root) for k, v in value.items()}
    return value


def contents(site: Site) -> dict[str, list[tuple]]:
    """Every row of every raw, staging, intermediate and mart table, sorted, without the columns
    that only say when (VOLATILE), with the site's paths made relative: two warehouses with
    equal contents hold the same facts."""
    warehouse, root = site.warehouse, str(site.root)
    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = conn.execute(
            """select table_schema, table_name from information_schema.tables
               where table_schema in ('raw', 'staging', 'intermediate', 'marts', 'reference')
               order by 1, 2"""
        ).fetchall()
        for schema, table in tables:
            columns = [
                c for (c,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                    " order by ordinal_position", [schema, table],
                ).fetchall()
                if c not in VOLATILE.get((schema, table), set())
            ]
            rows = conn.execute(f'select {", ".join(chr(34) + c + chr(34) for c in columns)} from "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted((_relative(r, root) for r in rows), key=repr)
    return out


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> list[str]:
    """Readable differences between two ``contents``: tables missing, rows missing or extra."""
    diffs = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            diffs.append(f"{table}: only in {'the first' if table in a else 'the second'}")
            continue
        if a[table] != b[table]:
            extra = [r for r in a[table] if r not in b[table]][:2]
            missing = [r for r in b[table] if r not in a[table]][:2]
            diffs.append(f"{table}: {len(a[table])} vs {len(b[table])} rows; extra {extra!r:.300}; missing {missing!r:.300}")
    return diffs


@contextmanager
def small_filesystem(path: Path, size_kb: int) -> Iterator[str]:
    """Mount a tmpfs of ``size_kb`` at ``path`` (yields "tmpfs"); where mounting is not allowed,
    yield "quota" and the caller limits file sizes instead (RLIMIT_FSIZE, a simulated quota)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True
    ).returncode == 0
    try:
        yield "tmpfs" if mounted else "quota"
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount(path: Path, options: str) -> bool:
    return subprocess.run(["mount", "-o", f"remount,{options}", str(path)], capture_output=True).returncode == 0
