"""From a portal to the warehouse: a catalogue with one listing of the fake portal, three runs.

1. discovers and loads the portal's 25 notices (HTML and PDF, GBK and UTF-8);
2. asks for every notice conditionally (all 304) and loads nothing new;
3. after the portal changed one notice and removed another: replaces the one, marks the other
   withdrawn in dim_documents (its rows stay), and touches nothing else.
Throughout, the host's limit of requests per second and its robots.txt hold.
"""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from fake_portal import N_NOTICES, FakePortal

RPS = 10
CHANGED, REMOVED = 7, 12


def catalogue(tmp_path: Path, portal: FakePortal) -> Path:
    host = portal.base_url.split("//")[1]
    path = tmp_path / "catalog.yaml"
    path.write_text(f"""
listings:
  - id: portal
    type: html
    url: {portal.base_url}/list/index.html
    links: '/art/2026/\\d+\\.(html|pdf)$'
    next_text: 下一页
    max_pages: 5
hosts:
  "{host}": {{rps: {RPS}, connections: 2}}
""", encoding="utf-8")
    return path


def run(materialize, tmp_path: Path, portal: FakePortal, dbt: bool = False):
    # Without their checks: the checks on the raw tables are dbt tests, and would run dbt.
    selection = dg.AssetSelection.assets("discovered_notices", "fetched_notices", "parsed_notices").without_checks()
    if dbt:  # dim_documents, source_status and what they are built from (not every mart: the test stays short)
        selection = selection | dg.AssetSelection.assets(["marts", "dim_documents"], ["marts", "source_status"]).upstream()
    result = materialize(catalogue(tmp_path, portal), tmp_path / "w.duckdb", tmp_path / "raw", selection=selection, checks=False)
    assert result.success
    return result


def meta(result, asset: str) -> dict:
    (m,) = result.asset_materializations_for_node(asset)
    return {k: v.value for k, v in m.metadata.items()}


def rows(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_discover_load_recheck_change_and_withdraw(materialize, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTICES_RECHECK_YOUNG_EVERY_DAYS", "0")  # re-check on every run
    monkeypatch.setenv("NOTICES_WORKERS", "2")
    monkeypatch.setenv("NOTICES_DBT_ROW_COUNTS", "0")
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")  # no tests of the marts left out
    portal = FakePortal()
    try:
        # 1. discover and load all 25
        first = run(materialize, tmp_path, portal)
        assert meta(first, "discovered_notices")["found"] == N_NOTICES
        assert meta(first, "fetched_notices")["downloaded_or_read"] == N_NOTICES
        assert meta(first, "parsed_notices")["parsed"] == N_NOTICES
        assert rows(tmp_path, "select count(*) from raw.discovered where missing_since is null") == [(N_NOTICES,)]
        assert rows(tmp_path, "select count(*), count(distinct doc_number) from raw.sources") == [(N_NOTICES, N_NOTICES)]
        fetches = rows(tmp_path, "select count(*) from raw.fetches")

        # 2. nothing changed: conditional requests only, nothing new loaded
        seen = len(portal.hits)
        second = run(materialize, tmp_path, portal)
        asked = [h for h in portal.hits[seen:] if h.path != "/robots.txt"]  # robots.txt is read afresh each run
        assert len(asked) == N_NOTICES + 3 and all(h.conditional and h.status == 304 for h in asked)  # and 3 listing pages
        assert meta(second, "discovered_notices")["pages_not_modified"] == 3
        assert meta(second, "fetched_notices")["not_modified"] == N_NOTICES
        assert meta(second, "parsed_notices")["parsed"] == 0
        assert rows(tmp_path, "select count(*) from raw.fetches") == fetches

        # 3. one notice changed, one removed
        portal.change(CHANGED)
        portal.remove(REMOVED)
        before = {sid: sha for sid, sha in rows(tmp_path, "select source_id, content_sha256 from raw.sources")}
        seen = len(portal.hits)
        third = run(materialize, tmp_path, portal, dbt=True)
        assert not [h for h in portal.hits[seen:] if h.path == portal.path_of(REMOVED)]  # not asked again
        assert meta(third, "fetched_notices")["not_modified"] == N_NOTICES - 2
        assert meta(third, "parsed_notices")["parsed"] == 1
        logged = rows(tmp_path, "select url, version from raw.fetches where version > 1")
        assert logged == [(portal.url_of(CHANGED), 2)]
        after = {sid: sha for sid, sha in rows(tmp_path, "select source_id, content_sha256 from raw.sources")}
        assert set(after) == set(before)  # the removed notice's rows stay
        assert [sid for sid in after if after[sid] != before[sid]] == [
            sid for (sid,) in rows(tmp_path, f"select source_id from raw.discovered where url = '{portal.url_of(CHANGED)}'")
        ]
        docs = rows(tmp_path, """select doc_number, withdrawn_since is not null, withdrawn_reason from marts.dim_documents order by doc_number""")
        assert len(docs) == N_NOTICES
        withdrawn = [(d, r) for d, w, r in docs if w]
        assert withdrawn == [(f"湘政发〔2026〕{REMOVED}号", "no longer listed on portal")]
        assert rows(tmp_path, f"select missing_since is not null from raw.discovered where url = '{portal.url_of(REMOVED)}'") == [(True,)]
        assert rows(tmp_path, "select status, count(*) from marts.source_status group by 1 order by 1") == [
            ("ok", N_NOTICES - 1), ("withdrawn", 1),
        ]

        # politeness, over all three runs
        assert portal.max_in_any_second() <= RPS
        assert not [h for h in portal.hits if h.status == 429]
    finally:
        portal.close()


def test_the_discovery_schedule_is_there_and_off_by_default():
    from pipelines.definitions import DISCOVERY_SCHEDULE, defs

    assert DISCOVERY_SCHEDULE.default_status == dg.DefaultScheduleStatus.STOPPED
    assert defs.resolve_schedule_def("discover_and_load").cron_schedule == "0 6 * * *"
