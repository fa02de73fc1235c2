"""The reader snapshot: replaced atomically while a reader holds the old one open."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipelines.publish import publish_snapshot, snapshot_path


def make_warehouse(path: Path, n: int) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.execute("create or replace table marts.dim_documents as select range as document_id from range(?)", [n])


def test_snapshot_sits_beside_the_warehouse_unless_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("NOTICES_SNAPSHOT", raising=False)
    assert snapshot_path(tmp_path / "notices.duckdb") == tmp_path / "notices.snapshot.duckdb"
    monkeypatch.setenv("NOTICES_SNAPSHOT", str(tmp_path / "bi" / "n.duckdb"))
    assert snapshot_path(tmp_path / "notices.duckdb") == tmp_path / "bi" / "n.duckdb"


def test_publish_while_a_reader_holds_the_old_snapshot(tmp_path):
    warehouse, snap = tmp_path / "w.duckdb", tmp_path / "w.snapshot.duckdb"
    make_warehouse(warehouse, 3)
    assert publish_snapshot(warehouse, snap) == {"dim_documents": 3}
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys
            c = duckdb.connect({str(snap)!r}, read_only=True)
            print(c.execute("select count(*) from marts.dim_documents").fetchall()[0][0], flush=True)
            sys.stdin.readline()
            print(c.execute("select count(*) from marts.dim_documents").fetchall()[0][0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "3"
        # The pipeline writes its own file and publishes again while the reader is connected.
        make_warehouse(warehouse, 5)
        assert publish_snapshot(warehouse, snap) == {"dim_documents": 5}
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "3"  # the open reader keeps its consistent view
    finally:
        reader.kill()
        reader.wait()
    with duckdb.connect(str(snap), read_only=True) as conn:  # a new connection sees the new data
        assert conn.execute("select count(*) from marts.dim_documents").fetchall() == [(5,)]
    assert not list(tmp_path.glob(".*.tmp"))

