"""Per-source replace loads into DuckDB: idempotent, atomic, and clear about locks."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import polars as pl
import pytest

from pipelines.warehouse import WarehouseBusy, connect, record_error, replace_source_rows, stage_state


def frame(source_id: str, texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"source_id": [source_id] * len(texts), "text": texts}, schema={"source_id": pl.String, "text": pl.String})


def table(conn, name: str) -> list[tuple]:
    return conn.execute(f"select source_id, text from raw.{name} order by all").fetchall()


def test_replace_is_idempotent_and_touches_only_its_source(tmp_path):
    with connect(tmp_path / "w.duckdb") as conn:
        replace_source_rows(conn, "a", {"t": frame("a", ["1", "2"])})
        replace_source_rows(conn, "b", {"t": frame("b", ["x"])})
        replace_source_rows(conn, "a", {"t": frame("a", ["1", "2"])})
        assert table(conn, "t") == [("a", "1"), ("a", "2"), ("b", "x")]
        replace_source_rows(conn, "a", {"t": frame("a", ["3"])})
        assert table(conn, "t") == [("a", "3"), ("b", "x")]


def test_rows_of_another_source_are_refused(tmp_path):
    with connect(tmp_path / "w.duckdb") as conn:
        with pytest.raises(ValueError, match="do not belong to source 'a'"):
            replace_source_rows(conn, "a", {"t": frame("b", ["x"])})
        with pytest.raises(ValueError, match="no source_id column"):
            replace_source_rows(conn, "a", {"t": pl.DataFrame({"text": ["x"]})})


def test_failed_load_leaves_earlier_rows(tmp_path):
    with connect(tmp_path / "w.duckdb") as conn:
        replace_source_rows(conn, "a", {"t": frame("a", ["good"]), "u": frame("a", ["good"])})
        # The second frame does not fit its table (a list where the table has text), so its
        # insert fails after the first table was already replaced: the whole source's load
        # must roll back, the first table included.
        conn.execute("create table raw.v (source_id varchar, n integer)")
        bad = pl.DataFrame({"source_id": ["a"], "n": ["not a number"]})
        with pytest.raises(Exception):
            replace_source_rows(conn, "a", {"t": frame("a", ["new"]), "v": bad}, stage="parse", code_version="v")
        assert table(conn, "t") == [("a", "good")] and table(conn, "u") == [("a", "good")]
        assert "a" not in stage_state(conn, "parse")


def test_recorded_error_keeps_rows_and_state_says_why(tmp_path):
    with connect(tmp_path / "w.duckdb") as conn:
        replace_source_rows(conn, "a", {"t": frame("a", ["good"])}, stage="parse", input_sha256="h1", code_version="v")
        record_error(conn, "parse", "a", "h2", "v", "corrupt PDF: the file ends too early")
        assert table(conn, "t") == [("a", "good")]
        assert stage_state(conn, "parse")["a"] == ("h2", "v", "error")


def test_new_columns_are_added_when_the_code_writes_more(tmp_path):
    with connect(tmp_path / "w.duckdb") as conn:
        replace_source_rows(conn, "a", {"t": frame("a", ["1"])})
        wider = frame("b", ["2"]).with_columns(pl.lit(7).alias("extra"))
        replace_source_rows(conn, "b", {"t": wider})
        assert conn.execute("select source_id, extra from raw.t order by 1").fetchall() == [("a", None), ("b", 7)]


def test_writer_waits_then_reports_a_held_lock_readably(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            c = duckdb.connect({str(path)!r})
            print("held", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match=r"another program \(PID \d+\) has the warehouse .* open.*even read-only.*snapshot"):
            with connect(path, timeout=1):
                pass
    finally:
        holder.kill()
        holder.wait()
    with connect(path, timeout=5) as conn:  # free again
        assert conn.execute("select 1").fetchall() == [(1,)]
