"""SIGKILL at any point of a run, then the next run completes with exactly a clean run's rows.

Each scenario starts from a good warehouse (two notices), changes the catalogue (one notice
edited, one added), starts a run that is killed with SIGKILL at one point, checks that no process
of the run is left behind (worker processes, dbt), runs again, and compares every row of every
table with a run that was never interrupted.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb
import pytest

from faults import CORPUS, Site, contents, differences, kill, processes_of, run, start, start_paused, wait_until_gone


def _edited(html: bytes) -> bytes:
    """The page with one body paragraph taken out (cut at tag boundaries: GBK-safe)."""
    paragraphs = [m.start() for m in re.finditer(rb"<p[ >]", html)]
    start = paragraphs[len(paragraphs) // 2]
    end = html.index(b"</p>", start) + 4
    return html[:start] + html[end:]


V1 = {"gd-2016-34.html": (CORPUS / "gd-2016-34.html").read_bytes(), "fj-2016-52.html": (CORPUS / "fj-2016-52.html").read_bytes()}
V2 = {**V1, "fj-2016-52.html": _edited(V1["fj-2016-52.html"]), "gd-2017-8.html": (CORPUS / "gd-2017-8.html").read_bytes()}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """Where every scenario runs, one after another (the same path: see Site.copy_to)."""
    return tmp_path_factory.mktemp("kill") / "site"


@pytest.fixture(scope="module")
def base(tmp_path_factory, workdir) -> Site:
    """The good warehouse every scenario starts from, built at ``workdir`` and kept aside."""
    site = Site(workdir)
    site.write_catalog(V1)
    done = run(site)
    assert done.returncode == 0, done.stderr[-3000:]
    return site.copy_to(tmp_path_factory.mktemp("base") / "site")


@pytest.fixture(scope="module")
def reference(base, workdir) -> dict:
    site = base.copy_to(workdir)
    site.write_catalog(V2)
    done = run(site)
    assert done.returncode == 0, done.stderr[-3000:]
    return contents(site)


def _dbt_running(site: Site) -> bool:
    for pid in processes_of(site):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"/dbt") for part in cmdline) and b"build" in cmdline:
            return True
    return False


@pytest.mark.parametrize("point", ["fetch", "parse", "load:tasks", "dbt", "publish"])
def test_a_run_killed_at_any_point_is_repaired_by_the_next(base, reference, workdir, point):
    site = base.copy_to(workdir)
    site.write_catalog(V2)
    before = site.snapshot.read_bytes()
    if point == "dbt":
        proc = start(site)
        deadline = time.monotonic() + 300
        while not _dbt_running(site):
            assert proc.poll() is None and time.monotonic() < deadline, "dbt never started"
            time.sleep(0.1)
        time.sleep(2)  # dbt is building the marts
    else:
        proc = start_paused(site, point)
    kill(proc)
    # Nothing of the killed run lives on: its worker processes and its dbt die with it.
    assert wait_until_gone(site) == []
    assert site.snapshot.read_bytes() == before  # readers still have the last good snapshot

    done = run(site)
    assert done.returncode == 0, done.stderr[-3000:]
    assert differences(contents(site), reference) == []
    # The snapshot readers open holds the same marts.
    with duckdb.connect(str(site.snapshot), read_only=True) as snap, duckdb.connect(str(site.warehouse), read_only=True) as wh:
        for (table,) in wh.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall():
            q = f"select * from marts.{table}"
            assert sorted(map(repr, snap.execute(q).fetchall())) == sorted(map(repr, wh.execute(q).fetchall())), table
    assert not list(site.snapshot.parent.glob(".*.tmp"))
