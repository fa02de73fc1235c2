"""A document that changes is re-parsed and replaces only its own rows; a new version that
fails to parse keeps the earlier good rows and says why."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
PYTHON_STAGES = ["fetched_notices", "parsed_notices", "extracted_tasks", "extracted_promises"]


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_changed_then_broken_document(materialize, tmp_path):
    corpus = tmp_path / "notices"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "fj-2016-52.html", corpus / "fj.html")
    shutil.copy(REPO / "corpus" / "gd-2017-8.html", corpus / "gd.html")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("notices:\n  - {id: fj, url: notices/fj.html}\n  - {id: gd, url: notices/gd.html}\n", encoding="utf-8")
    warehouse, raw = tmp_path / "w.duckdb", tmp_path / "raw"

    first = materialize(catalog, warehouse, raw, selection=PYTHON_STAGES)
    assert first.success
    gd_before = query(warehouse, "select clause_id, text from raw.clauses where source_id = 'gd' order by 1")
    fj_tasks_before = query(warehouse, "select count(*) from raw.tasks where source_id = 'fj'")[0][0]
    assert fj_tasks_before == 29

    # Edit one notice: drop its last responsibility line. Only that source is parsed again.
    page = (corpus / "fj.html").read_bytes()
    cut = page.rindex("责任单位".encode("gb18030"))
    end = page.index(b"<", cut)
    (corpus / "fj.html").write_bytes(page[:cut] + page[end:])
    second = materialize(catalog, warehouse, raw, selection=PYTHON_STAGES)
    assert second.success
    meta = second.asset_materializations_for_node("parsed_notices")[0].metadata
    assert (meta["parsed"].value, meta["up_to_date"].value) == (1, 1)
    assert query(warehouse, "select count(*) from raw.tasks where source_id = 'fj'")[0][0] == fj_tasks_before - 1
    assert query(warehouse, "select clause_id, text from raw.clauses where source_id = 'gd' order by 1") == gd_before
    assert query(warehouse, "select max(version) from raw.fetches where source_id = 'fj'") == [(2,)]
    good_sha = query(warehouse, "select content_sha256 from raw.sources where source_id = 'fj'")[0][0]

    # A third version is garbage: its error is recorded, the second version's rows stay.
    (corpus / "fj.html").write_bytes(b"<html><body><div class='nav'><a href='/'>\xca\xd7\xd2\xb3</a></div></body></html>")
    third = materialize(catalog, warehouse, raw, checks=False)  # everything, dbt included (not its tests)
    assert third.success
    assert query(warehouse, "select content_sha256 from raw.sources where source_id = 'fj'") == [(good_sha,)]
    assert query(warehouse, "select count(*) from raw.tasks where source_id = 'fj'")[0][0] == fj_tasks_before - 1
    (status, error, version), = query(
        warehouse, "select status, parse_error, content_version from marts.source_status where source_id = 'fj'"
    )
    assert status == "parse failed (earlier version kept)" and error and version == 3
    assert (raw / "objects" / good_sha[:2] / good_sha).exists()  # every version's bytes are kept
    assert query(warehouse, "select count(*) from marts.dim_documents") == [(2,)]
