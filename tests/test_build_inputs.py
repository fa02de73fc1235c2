"""The fingerprint that lets a run with nothing new skip dbt and publishing (pipelines.build_inputs)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import build_inputs

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def conn():
    c = duckdb.connect(":memory:")
    c.execute("create schema raw")
    c.execute("create table raw.clauses (source_id varchar, clause_seq int, text varchar, tags varchar[])")
    c.execute("insert into raw.clauses values ('a', 1, '加快建设合浦至湛江铁路。', ['x']), ('a', 2, '（省发展改革委牵头）', [])")
    c.execute("create table raw.catalog (source_id varchar, url varchar, listed_at timestamptz)")
    c.execute("insert into raw.catalog values ('a', 'corpus/a.html', now())")
    c.execute("create table raw.stage_state (stage varchar, source_id varchar, status varchar, updated_at timestamptz)")
    c.execute("insert into raw.stage_state values ('parse', 'a', 'ok', now())")
    yield c
    c.close()


def test_raw_digest_sees_every_change_to_a_row(conn):
    before = build_inputs.raw_digest(conn)
    assert build_inputs.raw_digest(conn) == before  # deterministic
    conn.execute("update raw.clauses set text = '加快建设合浦至湛江铁路' where clause_seq = 1")
    edited = build_inputs.raw_digest(conn)
    assert edited != before
    conn.execute("insert into raw.clauses select * from raw.clauses where clause_seq = 2")  # a duplicated row
    duplicated = build_inputs.raw_digest(conn)
    assert duplicated != edited
    conn.execute("delete from raw.clauses where clause_seq = 2")
    assert build_inputs.raw_digest(conn) not in {before, edited, duplicated}
    conn.execute("create table raw.targets (source_id varchar)")  # a new, empty table is a change too
    assert build_inputs.raw_digest(conn) != duplicated


def test_raw_digest_ignores_when_the_catalogue_was_listed_and_stages_last_ran(conn):
    before = build_inputs.raw_digest(conn)
    conn.execute("update raw.catalog set listed_at = listed_at + interval 1 day")
    conn.execute("update raw.stage_state set updated_at = updated_at + interval 1 day")
    assert build_inputs.raw_digest(conn) == before
    conn.execute("update raw.stage_state set status = 'error'")
    assert build_inputs.raw_digest(conn) != before


def test_raw_digest_of_the_fetch_log_follows_what_source_status_shows(conn):
    conn.execute("""create table raw.fetches (source_id varchar, ok boolean, status_code int, error varchar,
        sha256 varchar, version int, fetched_at timestamptz, attempts int, from_cache boolean, headers_json varchar)""")
    log = lambda row: conn.execute("insert into raw.fetches values (?, ?, ?, ?, ?, ?, now() + to_seconds(?), 1, false, '{}')", row)  # noqa: E731
    log(["a", True, 200, None, "s1", 1, 1])
    log(["gone", False, 404, "HTTP 404", None, None, 1])
    first = build_inputs.raw_digest(conn)
    log(["gone", False, 404, "HTTP 404", None, None, 2])  # retried, failed the same way
    log(["a", True, 200, None, "s1", 1, 2])  # downloaded again, same bytes
    assert build_inputs.raw_digest(conn) == first
    log(["gone", False, 503, "HTTP 503", None, None, 3])  # fails differently: source_status changes
    assert build_inputs.raw_digest(conn) != first
    log(["gone", False, 404, "HTTP 404", None, None, 4])
    assert build_inputs.raw_digest(conn) == first
    log(["a", False, 500, "HTTP 500", None, None, 5])  # a good source now fails: its latest fetch changed
    failing = build_inputs.raw_digest(conn)
    assert failing != first
    log(["a", True, 200, None, "s1", 1, 6])  # and recovers with the same bytes
    assert build_inputs.raw_digest(conn) == first
    log(["a", True, 200, None, "s2", 2, 7])  # new bytes
    assert build_inputs.raw_digest(conn) not in {first, failing}


def test_dbt_project_digest_follows_models_not_build_output(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    before = build_inputs.dbt_project_digest(project)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    (project / "logs").mkdir()
    (project / "logs" / "dbt.log").write_text("ran")
    assert build_inputs.dbt_project_digest(project) == before
    model = project / "models" / "marts" / "fct_tasks.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- a comment\n", encoding="utf-8")
    assert build_inputs.dbt_project_digest(project) != before


def _record_whole_build(conn, value: str, publishing: str, invocation: str = "inv-1", failures: int = 0, later: int = 0) -> None:
    conn.execute("create schema if not exists meta")
    conn.execute("create table if not exists meta.dbt_builds (invocation_id varchar, command varchar, finished_at timestamptz, failures integer, by_pipeline boolean)")
    conn.execute("insert into meta.dbt_builds values (?, 'build', now() + to_seconds(?), ?, true)", [invocation, later, failures])
    build_inputs.record(conn, "dbt", value, invocation)
    for step in ("snapshot", "exports", "report"):
        build_inputs.record(conn, step, build_inputs.published_value(value, publishing))


def test_why_rebuild_until_every_step_followed_the_same_inputs(conn):
    value = build_inputs.fingerprint(conn, REPO / "dbt_project")
    assert build_inputs.why_rebuild(conn, value, "p1") == "no build recorded yet"
    conn.execute("create schema marts")
    conn.execute("create table marts.fct_tasks as select 1 as task_id")
    conn.execute("create schema if not exists meta")
    build_inputs.record(conn, "dbt", value, "inv-1")
    assert build_inputs.why_rebuild(conn, value, "p1") == "no snapshot recorded yet"
    _record_whole_build(conn, value, "p1")
    assert build_inputs.why_rebuild(conn, value, "p1") is None
    # Publishing differently (other paths, CSV on, new publish code) publishes again.
    assert build_inputs.why_rebuild(conn, value, "p2") == "the last snapshot did not follow the last build"
    # New raw rows.
    conn.execute("insert into raw.clauses values ('b', 1, '到2025年，…', [])")
    changed = build_inputs.fingerprint(conn, REPO / "dbt_project")
    assert changed != value
    assert build_inputs.why_rebuild(conn, changed, "p1") == "inputs changed since the last dbt"


def test_why_rebuild_after_dbt_by_hand_a_failed_build_or_dropped_marts(conn):
    value = build_inputs.fingerprint(conn, REPO / "dbt_project")
    conn.execute("create schema marts")
    conn.execute("create table marts.fct_tasks as select 1 as task_id")
    _record_whole_build(conn, value, "p")
    assert build_inputs.why_rebuild(conn, value, "p") is None
    conn.execute("insert into meta.dbt_builds values ('by-hand', 'run', now() + interval 1 second, 0, false)")
    assert build_inputs.why_rebuild(conn, value, "p") == "dbt ran outside the pipeline since the last build"
    _record_whole_build(conn, value, "p", invocation="inv-2", failures=1, later=2)
    assert build_inputs.why_rebuild(conn, value, "p") == "the last dbt build had failures"
    _record_whole_build(conn, value, "p", invocation="inv-3", later=3)
    assert build_inputs.why_rebuild(conn, value, "p") is None
    conn.execute("drop table marts.fct_tasks")
    assert build_inputs.why_rebuild(conn, value, "p") == "the marts are missing"


def test_record_refuses_an_unknown_step(conn):
    with pytest.raises(ValueError, match="unknown step"):
        build_inputs.record(conn, "exprots", "x")


def test_only_the_raw_tables_models_read_count():
    """Bookkeeping tables no model reads (when each source was last asked, discovery's last_seen)
    change on every run; they must not make a run with nothing new rebuild the marts."""
    import json

    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))
    tables = build_inputs.modelled_tables(manifest)
    assert {"sources", "clauses", "tasks", "task_agencies", "targets", "catalog", "stage_state"} <= tables
    assert "fetch_checks" not in tables and "listing_pages" not in tables
    c = duckdb.connect(":memory:")
    c.execute("create schema raw")
    c.execute("create table raw.clauses as select 'a' as source_id, '第一条' as text")
    c.execute("create table raw.fetch_checks as select 'a' as source_id, now() as checked_at")
    before = build_inputs.raw_digest(c, tables)
    c.execute("update raw.fetch_checks set checked_at = checked_at + interval 1 day")
    assert build_inputs.raw_digest(c, tables) == before
    assert build_inputs.raw_digest(c) != before  # all tables, when no manifest says which
