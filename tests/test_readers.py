"""What readers get after a build: a snapshot DuckDB 1.x opens, Parquet exports of every mart, every
mart column described in the database itself, and a report page a real browser renders."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.publish import export_path, report_path, snapshot_path

REPO = Path(__file__).resolve().parents[1]
# The duckdb-cli wheel (a dev dependency) is DuckDB 1.5: the version BI drivers and the DuckDB
# CLI most analysts have are on.
DUCKDB_1X = Path(sys.executable).with_name("duckdb")
ARTIFACTS = Path(os.environ.get("NOTICES_TEST_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="module")
def marts(bundled_warehouse: Path) -> dict[str, int]:
    """Every mart of the warehouse with its row count, as the writer sees it."""
    with duckdb.connect(str(bundled_warehouse), read_only=True) as conn:
        tables = [t for (t,) in conn.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        return {t: conn.execute(f"select count(*) from marts.{t}").fetchall()[0][0] for t in tables}


def test_a_duckdb_1x_reader_opens_the_snapshot_and_reads_every_mart(bundled_warehouse: Path, marts: dict[str, int]):
    assert DUCKDB_1X.exists(), f"{DUCKDB_1X} missing: the duckdb-cli dev dependency is not installed (make setup)"
    version = subprocess.run([str(DUCKDB_1X), "-version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version
    assert len(marts) >= 19
    query = " union all ".join(f"select '{t}' as mart, count(*) as n from marts.{t}" for t in marts)
    snapshot = snapshot_path(bundled_warehouse)
    done = subprocess.run([str(DUCKDB_1X), "-readonly", "-csv", "-noheader", str(snapshot), "-c", query],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    read = {mart: int(n) for mart, n in (line.split(",") for line in done.stdout.split())}
    assert read == marts
    # The old reader sees the content too, not only the row counts (Chinese text, lists, dates).
    done = subprocess.run(
        [str(DUCKDB_1X), "-readonly", "-csv", "-noheader", str(snapshot), "-c",
         "select name_en, aliases[1], province_code from marts.dim_agencies where name_zh = '广东省发展和改革委员会'"],
        capture_output=True, text=True, check=True)
    assert done.stdout.strip() == 'Guangdong Provincial Development and Reform Commission,"广东省发展改革委",440000'


def test_every_mart_is_exported_as_parquet(bundled_warehouse: Path, marts: dict[str, int]):
    folder = export_path(bundled_warehouse)
    assert folder.is_symlink(), "the export folder is switched atomically through a symlink"
    files = {p.stem: p for p in folder.glob("*.parquet")}
    assert set(files) == set(marts)
    with duckdb.connect() as conn:
        for mart, n in marts.items():
            assert conn.execute(f"select count(*) from read_parquet('{files[mart]}')").fetchall()[0][0] == n, mart


def test_exports_are_replaced_whole_and_old_ones_pruned(bundled_warehouse: Path, tmp_path: Path):
    from pipelines.publish import export_marts

    target = tmp_path / "export"
    snapshot = snapshot_path(bundled_warehouse)
    first = export_marts(snapshot, target, formats=("parquet", "csv"))
    first_folder = target.resolve()
    assert {p.suffix for p in target.iterdir()} == {".parquet", ".csv"}
    for _ in range(4):
        assert export_marts(snapshot, target) == first
    assert target.resolve() != first_folder
    assert {p.suffix for p in target.iterdir()} == {".parquet"}
    kept = [p for p in (tmp_path / ".export-versions").iterdir() if p.is_dir()]
    assert 1 < len(kept) <= 3, kept


def test_an_export_folder_set_by_setting_is_replaced_in_place(bundled_warehouse: Path, tmp_path: Path, monkeypatch):
    """NOTICES_EXPORT_DIR names the symlink readers open; each export replaces it beside the last
    (never inside it)."""
    from pipelines.publish import export_marts, export_path

    monkeypatch.setenv("NOTICES_EXPORT_DIR", str(tmp_path / "bi" / "export"))
    snapshot = snapshot_path(bundled_warehouse)
    for _ in range(3):
        target = export_path(bundled_warehouse)
        assert target == tmp_path / "bi" / "export"
        export_marts(snapshot, target)
    assert (tmp_path / "bi" / "export").is_symlink()
    assert (tmp_path / "bi" / "export").resolve().parent == tmp_path / "bi" / ".export-versions"
    assert not list((tmp_path / "bi" / ".export-versions").glob("*/.*-versions"))


def test_every_mart_column_is_described_in_the_database(bundled_warehouse: Path):
    """persist_docs writes the dbt descriptions as DuckDB comments, which BI tools show."""
    for path in (bundled_warehouse, snapshot_path(bundled_warehouse)):
        with duckdb.connect(str(path), read_only=True) as conn:
            bare = conn.execute(
                """select table_name || '.' || column_name from duckdb_columns()
                   where schema_name = 'marts' and coalesce(trim(comment), '') = ''"""
            ).fetchall()
            assert bare == [], path
            tables = conn.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' and coalesce(trim(comment), '') = ''"
            ).fetchall()
            assert tables == [], path


def test_no_local_paths_reach_the_marts(bundled_warehouse: Path):
    with duckdb.connect(str(bundled_warehouse), read_only=True) as conn:
        leaks = conn.execute(
            """select table_name, column_name from duckdb_columns() where schema_name = 'marts'
               and data_type = 'VARCHAR' and column_name like '%url%'"""
        ).fetchall()
        assert leaks, "the marts carry source URLs"
        for table, column in leaks:
            bad = conn.execute(
                f"select {column} from marts.{table} where {column} like 'file:%' or {column} like '/%' limit 1"
            ).fetchall()
            assert bad == [], (table, column, bad)
        urls = [u for (u,) in conn.execute("select source_url from marts.bridge_document_sources").fetchall()]
        assert "corpus/gd-2017-8.pdf" in urls


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no headless browser: install Debian's chromium (.ci/run does: apt-get install chromium)")


def _browse(page: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--user-data-dir=" + str(page.parent / ".chromium-profile"),
         "--virtual-time-budget=10000", *flags, page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )


def test_the_report_page_renders_in_a_headless_browser(bundled_warehouse: Path, tmp_path: Path):
    page = tmp_path / "report.html"
    shutil.copy(report_path(bundled_warehouse), page)
    done = _browse(page, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert "data-errors" not in root, html.unescape(root)
    assert re.search(r'<body[^>]*data-ready="yes"', dom), "the page's script did not run to the end"

    # The Guangdong DRC's 16 led tasks, each with its sentence and a link to its source.
    row = re.search(r'<tr><td><span class="agency" data-agency="广东省发展和改革委员会">.*?</tr>', dom, re.S).group(0)
    assert "Guangdong Provincial Development and Reform Commission" in row
    led = re.search(r'<details data-role="lead"><summary>(\d+)</summary><ul>(.*?)</ul></details>', row, re.S)
    assert led and int(led.group(1)) == 16
    assert led.group(2).count("<li>") == 16 and led.group(2).count(">source</a>") == 16
    # The seawall target and the Bay Area plan's three steps.
    targets = re.search(r'<table id="targets">.*?</table>', dom, re.S).group(0)
    seawall = [r for r in re.findall(r"<tr>.*?</tr>", targets, re.S) if "海堤标准化率" in r]
    assert len(seawall) == 1 and "2020" in seawall[0] and "80%" in seawall[0] and "粤府〔2016〕34号" in seawall[0]
    steps = {int(n) for n in re.findall(r'data-step="(\d)"', targets)}
    assert steps == {1, 2, 3}
    # Charts are SVG with their text as text (the browser renders Chinese whatever fonts built it).
    assert dom.count("<svg") >= 2 and "海堤标准化率" in re.search(r"<svg.*?</svg>", dom, re.S).group(0)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = _browse(page, f"--screenshot={shot}", "--window-size=1400,2400", "--hide-scrollbars")
    assert done.returncode == 0 and shot.stat().st_size > 20_000, done.stderr[-2000:]


def test_the_exposures_cover_every_mart():
    """dbt knows what the exports and the report read: a new mart cannot be left out of them."""
    import json

    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))
    marts = {n["unique_id"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"}
    exposures = {e["name"]: set(e["depends_on"]["nodes"]) for e in manifest["exposures"].values()}
    assert set(exposures) == {"analyst_report", "mart_exports"}
    assert exposures["mart_exports"] == marts
    assert exposures["analyst_report"] < marts


def test_source_freshness_warns_when_the_catalogue_was_not_read_for_a_week(bundled_warehouse: Path, tmp_path: Path):
    copy = tmp_path / "notices.duckdb"
    shutil.copy(bundled_warehouse, copy)
    dbt = [str(Path(sys.executable).with_name("dbt")), "source", "freshness", "--profiles-dir", ".",
           "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    env = {**os.environ, "NOTICES_WAREHOUSE": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def freshness() -> dict[str, str]:
        done = subprocess.run(dbt, cwd=REPO / "dbt_project", env=env, capture_output=True, text=True, timeout=300)
        import json

        results = json.loads((tmp_path / "target" / "sources.json").read_text(encoding="utf-8"))["results"]
        return {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results} | {"_rc": str(done.returncode)}

    fresh = freshness()
    assert fresh["catalog"] == "pass" and fresh["fetches"] == "pass", fresh
    with duckdb.connect(str(copy)) as conn:
        conn.execute("update raw.catalog set listed_at = listed_at - interval 8 day")
    stale = freshness()
    assert stale["catalog"] == "warn" and stale["fetches"] == "pass", stale
