"""Materialise every asset on the bundled corpus into a temporary warehouse and query the marts."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((REPO / "corpus" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db(bundled_warehouse: Path):
    conn = duckdb.connect(str(bundled_warehouse), read_only=True)
    yield conn
    conn.close()


def rows(conn, sql: str, params=None) -> list[tuple]:
    return conn.execute(sql, params or []).fetchall()


def test_five_files_are_four_documents_each_with_clauses(db):
    assert rows(db, "select count(*) from marts.dim_documents") == [(4,)]
    assert rows(db, "select count(*) from marts.dim_documents where clause_count = 0") == [(0,)]
    per_doc = dict(rows(db, "select document_id, count(*) from marts.fct_clauses group by 1"))
    counts = dict(rows(db, "select document_id, clause_count from marts.dim_documents"))
    assert per_doc == counts


def test_document_metadata_matches_the_manifest(db):
    docs = {
        r[0]: r[1:]
        for r in rows(db, "select title, issuer, doc_number, signed_date, publish_date, province from marts.dim_documents")
    }
    for m in MANIFEST:
        issuer, doc_number, signed, published = m["发布机构"], m.get("文号"), m.get("成文日期"), m.get("发布日期")
        assert m["名称"] in docs, f"{m['file']}: title not found"
        got = docs[m["名称"]]
        assert got[0] == issuer and got[1] == doc_number
        if signed:
            assert got[2] == date.fromisoformat(signed)
        if published:
            assert got[3] == date.fromisoformat(published)
        assert got[4] == ("福建省" if m["file"].startswith("fj") else "广东省")


def test_same_notice_in_two_formats_is_one_document(db):
    (doc,) = rows(
        db,
        """select document_id, formats, source_urls, canonical_source_id, canonical_format, clause_count
           from marts.dim_documents where doc_number = '粤府〔2017〕8号'""",
    )
    document_id, formats, urls, canonical, canonical_format, clause_count = doc
    assert formats == ["html", "pdf"]
    assert sorted(u.rsplit("/", 1)[-1] for u in urls) == ["gd-2017-8.html", "gd-2017-8.pdf"]
    assert canonical in ("gd-2017-8-html", "gd-2017-8-pdf") and canonical.endswith(canonical_format)
    # The marts hold one set of clauses, all from the canonical source ...
    assert rows(db, "select distinct source_id from marts.fct_clauses where document_id = ?", [document_id]) == [(canonical,)]
    # ... while staging keeps both sources' own clauses.
    staged = dict(rows(db, "select source_id, count(*) from staging.stg_clauses where source_id like 'gd-2017-8-%' group by 1"))
    assert set(staged) == {"gd-2017-8-html", "gd-2017-8-pdf"} and staged[canonical] == clause_count
    # The canonical source has the most complete text (within 1%; HTML wins near-ties, so the
    # PDF and the page, whose texts differ by a few characters, give the HTML).
    body = dict(rows(db, "select source_id, body_chars from intermediate.int_document_sources where source_id like 'gd-2017-8-%'"))
    assert body[canonical] >= 0.99 * max(body.values())
    assert abs(body["gd-2017-8-html"] - body["gd-2017-8-pdf"]) <= 0.01 * max(body.values())
    assert canonical == "gd-2017-8-html"


def test_every_clause_points_back_to_its_source_text(db):
    bad = rows(
        db,
        """select c.clause_id from marts.fct_clauses c join staging.stg_sources s using (source_id)
           where substring(s.full_text, c.char_start + 1, c.char_end - c.char_start) <> c.text""",
    )
    assert bad == []
    # PDF clauses carry a page; HTML clauses do not.
    assert rows(
        db,
        """select count(*) from marts.fct_clauses c join staging.stg_sources s using (source_id)
           where (s.format = 'pdf') <> (c.page is not null)""",
    ) == [(0,)]


def test_heading_paths_follow_the_outline(db):
    (path,) = rows(
        db,
        """select heading_path from marts.fct_clauses c join marts.dim_documents d using (document_id)
           where d.doc_number = '闽政〔2016〕52号' and c.text like '%深化闽粤、闽赣省际边界地区合作%'""",
    )[0]
    assert path == "二、促进区域经济合作发展 › （一）优化区域经济发展格局"


def test_scraped_repeats_are_flagged_not_dropped(db):
    repeats = rows(
        db,
        """select count(*) filter (where is_repeat), count(*) from marts.fct_clauses c
           join marts.dim_documents d using (document_id) where d.doc_number = '粤府〔2016〕34号'""",
    )[0]
    assert repeats[0] > 0 and repeats[1] > repeats[0]


def test_every_catalogue_entry_is_ok(db):
    assert rows(db, "select source_id, status from marts.source_status where status <> 'ok'") == []


def test_rerun_is_idempotent_and_parses_nothing_again(bundled_warehouse, materialize, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(bundled_warehouse, copy)
    raw_dir = bundled_warehouse.parent / "raw"

    def snapshot() -> dict[str, object]:
        with duckdb.connect(str(copy), read_only=True) as conn:
            return {
                "clauses": rows(conn, "select clause_id, document_id, text, char_start, char_end from marts.fct_clauses order by 1"),
                "documents": rows(conn, "select * exclude (source_urls) from marts.dim_documents order by 1"),
                "raw_clauses": rows(conn, "select count(*) from raw.clauses"),
                "fetches": rows(conn, "select count(*) from raw.fetches"),
            }

    before = snapshot()
    # Without the checks (dbt's tests ran when the bundled warehouse was built): both runs alike.
    result = materialize(REPO / "catalog.yaml", copy, raw_dir, checks=False)
    assert result.success
    parse_meta = result.asset_materializations_for_node("parsed_notices")[0].metadata
    assert parse_meta["parsed"].value == 0 and parse_meta["up_to_date"].value == 5
    assert snapshot() == before
    # dbt models carry their row counts in Dagster (NOTICES_DBT_ROW_COUNTS defaults on).
    materializations = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]
    counts = {m.asset_key.path[-1]: m.metadata["dagster/row_count"].value for m in materializations if "dagster/row_count" in m.metadata}
    with duckdb.connect(str(copy), read_only=True) as conn:
        assert counts["fct_clauses"] == rows(conn, "select count(*) from marts.fct_clauses")[0][0] > 0

    # That run rebuilt (the copy had no snapshot, exports or report beside it yet). Now nothing
    # changed at all: dbt and the publish steps are skipped, and nothing readers see is touched.
    published = copy.with_name("copy.snapshot.duckdb")
    published_at = published.stat().st_mtime_ns
    again = materialize(REPO / "catalog.yaml", copy, raw_dir, checks=False)
    assert again.success
    materialized = {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()}
    assert materialized == {"discovered_notices", "fetched_notices", "parsed_notices", "extracted_tasks", "extracted_promises"}
    skipped = {e.step_key for e in again.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert skipped == {"warehouse_snapshot", "mart_exports", "analyst_report"}
    assert published.stat().st_mtime_ns == published_at
    assert snapshot() == before


def test_pdf_clauses_are_on_the_page_they_claim(db):
    """Each PDF clause's first characters are printed on its page (or start at its very end)."""
    import re

    import pdfplumber

    ws = re.compile(r"\s+")
    checked = 0
    for source_id, url in rows(db, "select source_id, url from staging.stg_sources where format = 'pdf'"):
        # a local source's URL is relative to its catalogue (the bundled one is at the repo's root)
        with pdfplumber.open(REPO / url) as pdf:
            # Page text without whitespace and without the printed page number ("— 3 —").
            pages = [re.sub(r"[—-]\d+[—-]", "", ws.sub("", p.extract_text() or "")) for p in pdf.pages]
        wrong = []
        for clause_id, text, page in rows(
            db, "select clause_id, text, page from staging.stg_clauses where source_id = ?", [source_id]
        ):
            prefix = ws.sub("", text)[:6]
            here, after = pages[page - 1], pages[page] if page < len(pages) else ""
            split_ok = any(here.endswith(prefix[:k]) and after.startswith(prefix[k:]) for k in range(1, len(prefix)))
            if prefix not in here and not split_ok:
                wrong.append((clause_id, page, prefix))
            checked += 1
        assert wrong == [], f"{source_id}: {len(wrong)} clauses on the wrong page, e.g. {wrong[:3]}"
    assert checked > 900
