"""Faults around a run, survived: two runs at once, a reader holding the file, full and read-only
storage, a corrupted raw object. Real processes, real files and filesystems (a tmpfs), no mocks.

Most runs here select the Python stages only (``--select``): the faults concern fetching and
loading, and each test checks the raw tables; the whole pipeline is run in the other fault tests.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from faults import CORPUS, Site, kill, output, remount, run, small_filesystem, start, start_paused, wait_for_output

PYTHON_STAGES = "fetched_notices parsed_notices extracted_tasks extracted_promises"
V1 = {"gd-2016-34.html": (CORPUS / "gd-2016-34.html").read_bytes(), "fj-2016-52.html": (CORPUS / "fj-2016-52.html").read_bytes()}
V2 = {**V1, "gd-2017-8.html": (CORPUS / "gd-2017-8.html").read_bytes()}


def python_run(site: Site, **env: str) -> subprocess.CompletedProcess[str]:
    return run(site, select=PYTHON_STAGES, **env)


def _rows(site: Site, sql: str) -> list[tuple]:
    with duckdb.connect(str(site.warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def _state(site: Site) -> dict[str, tuple]:
    return {sid: (status, error) for sid, status, error in _rows(
        site, "select source_id, status, error from raw.stage_state where stage = 'parse'")}


@pytest.fixture()
def built(tmp_path) -> Site:
    site = Site(tmp_path / "site")
    site.write_catalog(V1)
    done = python_run(site)
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def test_two_runs_at_once_the_second_waits_and_a_killed_holder_frees_it(built):
    built.write_catalog(V2)
    first = start_paused(built, "load:parse", select=PYTHON_STAGES)  # holds the writer lock, mid-transaction
    try:
        busy = python_run(built, NOTICES_LOCK_TIMEOUT="2")
        assert busy.returncode == 1
        assert f"being written by pid {first.pid} " in busy.stderr and "waited 2s" in busy.stderr
        # A run started now waits for the lock; killing the holder frees it at once.
        waiting = start(built, PYTHON_STAGES, NOTICES_LOCK_TIMEOUT="120")
        wait_for_output(waiting, f"waiting for the warehouse: it is being written by pid {first.pid} ")
        kill(first)
        assert waiting.wait(timeout=300) == 0, output(waiting)[-3000:]
    finally:
        if first.poll() is None:
            first.kill()
    assert sorted(_state(built)) == ["fj-2016-52", "gd-2016-34", "gd-2017-8"]
    assert {s for s, _ in _state(built).values()} == {"ok"}


def test_a_reader_holding_the_warehouse_makes_the_run_wait_then_say_who(built):
    built.write_catalog(V2)
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys
            c = duckdb.connect({str(built.warehouse)!r}, read_only=True)
            print("reading", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        blocked = python_run(built, NOTICES_LOCK_TIMEOUT="2")
        assert blocked.returncode == 1
        error = [line for line in blocked.stderr.splitlines() if line.startswith("error:")]
        assert len(error) == 1 and f"(PID {reader.pid})" in error[0] and "snapshot" in error[0], blocked.stderr[-2000:]
        # The reader lets go while the next run waits: that run goes through.
        waiting = start(built, PYTHON_STAGES, NOTICES_LOCK_TIMEOUT="120")
        time.sleep(3)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert waiting.wait(timeout=600) == 0, output(waiting)[-3000:]
    finally:
        reader.kill()
        reader.wait()
    assert "gd-2017-8" in _state(built)


def _fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # unbuffered: nothing left to flush at close
    try:
        for size in (65536, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_a_full_raw_store_fails_the_new_sources_only(tmp_path):
    site = Site(tmp_path / "site")
    with small_filesystem(site.raw, 4096) as kind:
        assert kind == "tmpfs", "the fault tests need to mount a tmpfs (run as root, as CI does)"
        site.write_catalog(V1)
        assert python_run(site).returncode == 0
        filler = _fill(site.raw)
        site.write_catalog(V2)
        done = python_run(site)
        assert done.returncode == 3, done.stderr[-3000:]
        (error,) = _rows(site, "select error from raw.fetches where source_id = 'gd-2017-8' and not ok")
        assert error[0].startswith("cannot store the bytes of ") and "No space left on device (ENOSPC)" in error[0]
        assert set(_state(site)) == {"fj-2016-52", "gd-2016-34"}  # the earlier sources are untouched
        assert {s for s, _ in _state(site).values()} == {"ok"}
        filler.unlink()
        again = python_run(site)
        assert again.returncode == 0, again.stderr[-3000:]
        assert _state(site)["gd-2017-8"][0] == "ok"


def test_a_read_only_raw_store_fails_readably(tmp_path):
    site = Site(tmp_path / "site")
    with small_filesystem(site.raw, 4096) as kind:
        assert kind == "tmpfs", "the fault tests need to mount a tmpfs (run as root, as CI does)"
        site.write_catalog(V1)
        assert python_run(site).returncode == 0
        assert remount(site.raw, "ro")
        site.write_catalog(V2)
        done = python_run(site)
        assert done.returncode == 3, done.stderr[-3000:]
        (error,) = _rows(site, "select error from raw.fetches where source_id = 'gd-2017-8' and not ok")
        assert "Read-only file system (EROFS)" in error[0]
        assert {s for s, _ in _state(site).values()} == {"ok"} and len(_state(site)) == 2
        assert remount(site.raw, "rw")
        assert python_run(site).returncode == 0


def test_a_full_warehouse_disk_fails_the_run_readably_and_keeps_the_data(tmp_path):
    site = Site(tmp_path / "site")
    folder = site.warehouse.parent
    with small_filesystem(folder, 64 * 1024) as kind:
        assert kind == "tmpfs", "the fault tests need to mount a tmpfs (run as root, as CI does)"
        site.write_catalog(V1)
        assert python_run(site).returncode == 0
        before = _rows(site, "select source_id, clause_count from raw.sources order by 1")
        filler = _fill(folder)
        site.write_catalog(V2)
        done = python_run(site)
        assert done.returncode == 1
        assert "the warehouse disk is full" in done.stderr or "No space left on device" in done.stderr, done.stderr[-3000:]
        assert "Traceback" not in done.stdout
        filler.unlink()
        assert _rows(site, "select source_id, clause_count from raw.sources order by 1") == before
        again = python_run(site)
        assert again.returncode == 0, again.stderr[-3000:]
        assert len(_rows(site, "select * from raw.sources")) == 3


def test_a_corrupted_raw_object_is_noticed_and_repaired(tmp_path, http_server):
    page = (CORPUS / "fj-2016-52.html").read_bytes()
    url = http_server.serve("/fj.html", (200, {"Content-Type": "text/html; charset=gb2312"}, page))
    site = Site(tmp_path / "site")
    site.write_catalog({"gd-2016-34.html": V1["gd-2016-34.html"]})
    with open(site.catalog, "a", encoding="utf-8") as f:
        f.write(f"  - {{id: fj-http, url: '{url}'}}\n")
    assert python_run(site).returncode == 0
    objects = sorted(p for p in (site.raw / "objects").rglob("*") if p.is_file())
    assert len(objects) == 2
    for obj in objects:  # flip a byte in every object
        data = bytearray(obj.read_bytes())
        data[len(data) // 2] ^= 0xFF
        obj.write_bytes(bytes(data))
    done = python_run(site)
    assert done.returncode == 0, done.stderr[-3000:]
    assert http_server.hits("/fj.html") == 2  # the cached copy was bad: fetched again
    from pipelines.rawstore import RawStore

    store = RawStore(site.raw)
    assert all(store.verify(obj.name) for obj in objects)  # both rewritten from good bytes
    assert {s for s, _ in _state(site).values()} == {"ok"}
