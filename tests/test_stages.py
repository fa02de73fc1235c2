"""run_stage: per-source isolation, skipping what is up to date, retrying failures, stale rows."""
from __future__ import annotations

import polars as pl

from pipelines.model import ParseError
from pipelines.stages import run_stage
from pipelines.warehouse import connect, stage_state

SCHEMA = {"source_id": pl.String, "text": pl.String}
EMPTY = {"t": pl.DataFrame(schema=SCHEMA)}


def rows(conn) -> list[tuple]:
    return conn.execute("select source_id, text from raw.t order by all").fetchall()


def test_a_failing_source_does_not_stop_the_others(tmp_path):
    def compute(source_id: str):
        if source_id == "bad":
            raise ParseError("no text layer: 2 pages, all images — scanned PDF needs OCR")
        if source_id == "unloadable":
            return {"t": pl.DataFrame({"text": ["no source_id column"]})}  # fails at load time
        return {"t": pl.DataFrame({"source_id": [source_id], "text": [source_id.upper()]}, schema=SCHEMA)}

    with connect(tmp_path / "w.duckdb") as conn:
        work = [("a", "k"), ("bad", "k"), ("unloadable", "k"), ("b", "k")]
        report = run_stage(conn, "parse", "v1", work, compute, EMPTY)
        assert rows(conn) == [("a", "A"), ("b", "B")]
        assert report.processed == 2 and set(report.failed) == {"bad", "unloadable"}
        assert report.failed["bad"].startswith("no text layer")
        assert "source_id" in report.failed["unloadable"]
        state = stage_state(conn, "parse")
        assert state["bad"][2] == "error" and state["a"] == ("k", "v1", "ok")


def test_up_to_date_sources_are_skipped_and_failures_retried(tmp_path):
    calls: list[str] = []
    broken = {"b"}

    def compute(source_id: str):
        calls.append(source_id)
        if source_id in broken:
            raise RuntimeError("disk full")
        return {"t": pl.DataFrame({"source_id": [source_id], "text": ["x"]}, schema=SCHEMA)}

    with connect(tmp_path / "w.duckdb") as conn:
        work = [("a", "k1"), ("b", "k1")]
        run_stage(conn, "s", "v1", work, compute, EMPTY)
        broken.clear()
        calls.clear()
        again = run_stage(conn, "s", "v1", work, compute, EMPTY)
        assert calls == ["b"] and again.skipped == 1 and again.processed == 1
        calls.clear()
        run_stage(conn, "s", "v2", work, compute, EMPTY)  # new code version: everything again
        assert calls == ["a", "b"]
        calls.clear()
        run_stage(conn, "s", "v2", [("a", "k2"), ("b", "k1")], compute, EMPTY)  # a's input changed
        assert calls == ["a"]


def test_stale_outputs_are_dropped_only_when_asked_and_input_changed(tmp_path):
    fail = False

    def compute(source_id: str):
        if fail:
            raise ValueError("extractor bug")
        return {"t": pl.DataFrame({"source_id": [source_id], "text": ["from v1"]}, schema=SCHEMA)}

    with connect(tmp_path / "w.duckdb") as conn:
        run_stage(conn, "tasks", "c", [("a", "parse-v1"), ("b", "parse-v1")], compute, EMPTY)
        fail = True
        # Same input, failing again (e.g. a retried transient error): rows stay.
        run_stage(conn, "tasks", "c2", [("a", "parse-v1")], compute, EMPTY, drop_stale_outputs=True)
        assert rows(conn) == [("a", "from v1"), ("b", "from v1")]
        # New input (the text was re-parsed) and the extraction fails: a's old rows no longer
        # point at its text, so they go; b is untouched. Without the flag they would stay.
        run_stage(conn, "tasks", "c2", [("b", "parse-v2")], compute, EMPTY)
        assert ("b", "from v1") in rows(conn)
        run_stage(conn, "tasks", "c2", [("a", "parse-v2")], compute, EMPTY, drop_stale_outputs=True)
        assert rows(conn) == [("b", "from v1")]
        assert stage_state(conn, "tasks")["a"] == ("parse-v2", "c2", "error")
