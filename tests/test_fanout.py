"""The fan-out path (``run --fan-out``): Parquet frames in a frame store, one compute step per
batch in parallel processes, one writer. It must leave the warehouse exactly as the default path
does and record a bad document's error the same way.

The frame store is tested on its own first (local folders and fsspec's memory filesystem); the
end-to-end test runs both paths as real processes on the same notices.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from faults import CORPUS, REPO, Site, contents
from pipelines.frame_store import FrameStore, frames_key
from pipelines.workers import WorkError

PYTHON_STAGES = "fetched_notices parsed_notices extracted_tasks extracted_promises"


def _frames() -> dict[str, pl.DataFrame]:
    return {
        "clauses": pl.DataFrame(
            {"seq": [1, 2], "text": ["（一）加快建设合浦至湛江铁路。", "（省发展改革委牵头）"], "page_breaks": [[3], []]},
            schema={"seq": pl.Int32, "text": pl.Utf8, "page_breaks": pl.List(pl.Int32)},
        ),
        "sources": pl.DataFrame(
            {"source_id": ["gd-1"], "signed_date": [date(2016, 5, 4)]},
            schema={"source_id": pl.Utf8, "signed_date": pl.Date},
        ),
        "empty": pl.DataFrame(schema={"seq": pl.Int32, "name": pl.Utf8}),
    }


@pytest.mark.parametrize("where", ["folder", "memory"])
def test_frames_round_trip_with_their_dtypes(tmp_path, where):
    url = str(tmp_path / "frames") if where == "folder" else f"memory://frames-{tmp_path.name}"
    store = FrameStore(url)
    frames = _frames()
    store.write("parse", "gd-1", "k1", frames)
    # A schema that asks for wider types than were written: the reader casts to it.
    schemas = {"clauses": frames["clauses"].cast({"seq": pl.Int64}).clear()}
    back = store.read("parse", "gd-1", "k1", schemas)
    assert set(back) == set(frames)
    assert back["clauses"].schema["seq"] == pl.Int64
    assert back["clauses"].cast({"seq": pl.Int32}).equals(frames["clauses"])
    assert back["sources"].equals(frames["sources"]) and back["sources"].schema["signed_date"] == pl.Date
    assert back["empty"].height == 0 and back["empty"].schema == frames["empty"].schema


def test_an_error_is_stored_and_read_back_and_other_keys_are_pruned(tmp_path):
    store = FrameStore(str(tmp_path / "frames"))
    store.write("parse", "gd-1", "old", _frames())
    store.write("parse", "gd-1", "new", WorkError("unreadable", "PDF 文件已损坏：no trailer"))
    error = store.read("parse", "gd-1", "new")
    assert isinstance(error, WorkError) and error.kind == "unreadable" and "已损坏" in error.message
    assert store.read("parse", "gd-1", "old") is None  # pruned: only the newest key is kept
    assert [p.name for p in (tmp_path / "frames" / "parse" / "gd-1").iterdir()] == ["new"]


def test_an_unfinished_write_reads_as_absent(tmp_path):
    store = FrameStore(str(tmp_path / "frames"))
    store.write("parse", "gd-1", "k1", _frames())
    (tmp_path / "frames" / "parse" / "gd-1" / "k1" / "_done.json").unlink()  # the step died before its last file
    assert store.read("parse", "gd-1", "k1") is None
    assert store.read("parse", "gd-2", "k1") is None


def test_the_key_changes_with_the_input_and_the_code():
    assert frames_key("a", "v1") != frames_key("b", "v1") != frames_key("a", "v2")
    assert frames_key("a", "v1") == frames_key("a", "v1")


def _fan_out(site: Site) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipelines.cli", "run", "--fan-out", "--no-checks", "--select", PYTHON_STAGES]
    return subprocess.run(command, cwd=REPO, env=site.env(NOTICES_WORKERS="2"), capture_output=True, text=True, timeout=900)


def _default(site: Site) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipelines.cli", "run", "--no-checks", "--select", PYTHON_STAGES]
    return subprocess.run(command, cwd=REPO, env=site.env(), capture_output=True, text=True, timeout=900)


def test_fan_out_leaves_the_warehouse_the_default_path_leaves(tmp_path):
    pdf = (CORPUS / "gd-2017-8.pdf").read_bytes()
    notices = {
        "gd-2016-34.html": (CORPUS / "gd-2016-34.html").read_bytes(),
        "fj-2016-52.html": (CORPUS / "fj-2016-52.html").read_bytes(),
        "broken.pdf": pdf[: len(pdf) // 3],  # a download cut short (a whole PDF is slow to parse twice here)
    }
    root = tmp_path / "site"
    site = Site(root)
    site.write_catalog(notices)
    pristine = site.copy_to(tmp_path / "pristine")

    default = _default(site)
    assert default.returncode == 3, default.stderr[-3000:]  # one source failed, the others loaded
    expected = contents(site)

    site = pristine.copy_to(root)
    fanned = _fan_out(site)
    log = fanned.stdout + fanned.stderr
    assert fanned.returncode == 3, log[-3000:]
    assert "fan-out: 3 of 3 sources to compute, in " in log
    assert (root / "warehouse" / "frames" / "parse" / "broken").is_dir()
    got = contents(site)
    tables = ["raw.sources", "raw.paragraphs", "raw.clauses", "raw.table_rows", "raw.tasks",
              "raw.task_agencies", "raw.targets", "raw.project_mentions", "raw.document_references",
              "raw.stage_state"]
    for table in tables:
        assert got[table] == expected[table], table
    assert len(got["raw.clauses"]) > 100 and len(got["raw.tasks"]) > 10

    state = {(r[0], r[1]): r for r in _state(site)}
    assert state[("parse", "broken")][2] == "error"
    assert "pdf" in state[("parse", "broken")][3].lower()
    assert {state[("parse", s)][2] for s in ("gd-2016-34", "fj-2016-52")} == {"ok"}


def _state(site: Site) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(site.warehouse), read_only=True) as conn:
        return conn.execute("select stage, source_id, status, error from raw.stage_state").fetchall()
