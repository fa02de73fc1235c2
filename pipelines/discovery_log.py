"""The warehouse side of discovery and re-checks: ``raw.discovered``, ``raw.withdrawals``, ``raw.fetch_checks``.

* ``raw.discovered``: one row per notice and listing it was found on, with when it was first and
  last seen, and since when it is no longer listed (``missing_since``; the row stays).
* ``raw.withdrawals``: the sources that are withdrawn, since when and why: no longer on any of
  their listings, a page that now says 页面不存在 / 已撤销 / 已废止, or a 404/410 where there was a
  notice. Their earlier rows stay in the warehouse; ``dim_documents.withdrawn_since`` says so.
* ``raw.fetch_checks``: when each HTTP source was last asked (the re-check schedule reads it).
* ``raw.listing_pages``: the validators and stored bytes of the last walk's listing pages, so
  the next walk asks for them conditionally.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import duckdb
import polars as pl

from pipelines.catalog import CatalogEntry
from pipelines.discover import Listing, ListingResult
from pipelines.fetch import FetchResult, RecheckPolicy
from pipelines.rawstore import RawStore
from pipelines.warehouse import RAW_SCHEMA, ensure_table, replace_table, table_exists

DISCOVERED_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String, "url": pl.String, "listing_id": pl.String, "title": pl.String,
    "publish_date": pl.Date, "doc_number": pl.String,
    "first_seen": pl.Datetime("us", "UTC"), "last_seen": pl.Datetime("us", "UTC"),
    "missing_since": pl.Datetime("us", "UTC"),  # null while the notice is listed
}
WITHDRAWALS_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String, "withdrawn_since": pl.Datetime("us", "UTC"), "reason": pl.String,
}
LISTING_PAGES_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String, "etag": pl.String, "last_modified": pl.String, "content_type": pl.String, "sha256": pl.String,
}
CHECKS_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String, "checked_at": pl.Datetime("us", "UTC"), "status_code": pl.Int32,
}
# What a portal puts on the page of a notice it took down. Only looked for on a short page
# that replaced a notice we had: a notice that merely mentions 已废止 is still a notice.
_REMOVED = re.compile(r"页面不存在|已撤销|已废止|已失效|已被删除|已删除|不存在或已")
_MAX_REMOVED_PAGE_CHARS = 500


def _rows(conn: duckdb.DuckDBPyConnection, table: str, schema: dict[str, pl.DataType]) -> list[dict]:
    if not table_exists(conn, table):
        return []
    names = list(schema)
    return [dict(zip(names, r)) for r in conn.execute(f"select {', '.join(names)} from {RAW_SCHEMA}.{table}").fetchall()]


def _replace(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict], schema: dict[str, pl.DataType]) -> None:
    frame = pl.DataFrame(rows, schema=schema)
    replace_table(conn, table, frame.sort(list(schema)[:3]) if frame.height else frame)


# --- raw.discovered -------------------------------------------------------------------------------

def merge_discovered(
    previous: list[dict], listings: list[Listing], results: list[ListingResult], now: datetime
) -> list[dict]:
    """The new ``raw.discovered``: notices found now are seen now; a notice not found is marked
    missing only where the walk could have found it (the walk was complete, or it is not older
    than the oldest notice the walk reached); a listing that failed leaves its rows as they were.
    Rows of listings no longer in the catalogue are dropped (like entries removed from it)."""
    wanted = {listing.listing_id for listing in listings}
    by_key = {(r["listing_id"], r["url"]): r for r in previous if r["listing_id"] in wanted}
    for result in results:
        found = set()
        for n in result.notices:
            key = (n.listing_id, n.url)
            found.add(key)
            old = by_key.get(key)
            by_key[key] = {
                "source_id": n.source_id, "url": n.url, "listing_id": n.listing_id, "title": n.title,
                "publish_date": n.publish_date, "doc_number": n.doc_number,
                "first_seen": old["first_seen"] if old else now, "last_seen": now, "missing_since": None,
            }
        if result.error:
            continue
        oldest = result.oldest_date
        for key, row in by_key.items():
            if key[0] != result.listing_id or key in found or row["missing_since"] is not None:
                continue
            reachable = result.complete or (oldest is not None and row["publish_date"] is not None and row["publish_date"] >= oldest)
            if reachable:
                by_key[key] = {**row, "missing_since": now}
    return list(by_key.values())


def read_discovered(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    return _rows(conn, "discovered", DISCOVERED_SCHEMA)


def write_discovered(conn: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    _replace(conn, "discovered", rows, DISCOVERED_SCHEMA)


def read_listing_pages(conn: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    return {r["url"]: r for r in _rows(conn, "listing_pages", LISTING_PAGES_SCHEMA)}


def write_listing_pages(conn: duckdb.DuckDBPyConnection, pages: dict[str, dict]) -> None:
    _replace(conn, "listing_pages", [{k: p.get(k) for k in LISTING_PAGES_SCHEMA} for p in pages.values()], LISTING_PAGES_SCHEMA)


def unlisted(rows: list[dict]) -> dict[str, tuple[datetime, str]]:
    """source_id → (since when, listing ids) of discovered notices missing from every listing they were on."""
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source_id"], []).append(r)
    out = {}
    for source_id, seen in by_source.items():
        if all(r["missing_since"] is not None for r in seen):
            out[source_id] = (min(r["missing_since"] for r in seen), ", ".join(sorted({r["listing_id"] for r in seen})))
    return out


def all_entries(catalog: list[CatalogEntry], discovered: list[dict]) -> list[CatalogEntry]:
    """The catalogue's entries, then every discovered notice the catalogue does not list itself
    (by id or URL), in a stable order. Withdrawn notices stay: their earlier rows stay too."""
    ids = {e.source_id for e in catalog}
    urls = {e.url for e in catalog}
    extra: dict[str, CatalogEntry] = {}
    for r in sorted(discovered, key=lambda r: (r["listing_id"], r["url"])):
        if r["source_id"] in ids or r["url"] in urls or r["source_id"] in extra:
            continue
        extra[r["source_id"]] = CatalogEntry(source_id=r["source_id"], url=r["url"])
    return [*catalog, *extra.values()]


# --- raw.withdrawals ------------------------------------------------------------------------------

def removed_marker(data: bytes, content_type: str | None) -> str | None:
    """The words by which a short HTML page says its notice was taken down, or None."""
    if data[:5] == b"%PDF-" or len(data) > 64 * 1024:
        return None
    from bs4 import BeautifulSoup

    from pipelines.parse.html import decode_html

    text, _ = decode_html(data, content_type)
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style"]):
        junk.decompose()
    visible = re.sub(r"\s+", "", soup.get_text())
    if len(visible) > _MAX_REMOVED_PAGE_CHARS:
        return None
    m = _REMOVED.search(visible)
    return m.group(0) if m else None


def flag_removed_pages(results: list[FetchResult], previous: dict[str, FetchResult], store: RawStore) -> tuple[list[FetchResult], dict[str, str]]:
    """Turn a download that replaced a notice we had with a "removed" page into a failed fetch
    (so the earlier version stays the one the pipeline works on). Returns the results and
    source_id → reason of the sources withdrawn so, by their page or by a 404/410."""
    out, reasons = [], {}
    for r in results:
        prev = previous.get(r.source_id)
        if prev is None or not prev.ok:
            out.append(r)
            continue
        if not r.ok and r.status_code in (404, 410):
            reasons[r.source_id] = f"HTTP {r.status_code} at {r.url}, where there was a notice"
        elif r.ok and not r.from_cache and r.status_code == 200 and r.sha256 != prev.sha256:
            marker = removed_marker(store.get(r.sha256), r.content_type)
            if marker:
                reasons[r.source_id] = f"the page at {r.url} now says {marker}"
                r = replace(r, ok=False, error=f"{r.url} now says {marker}: withdrawn, earlier version kept",
                            sha256=None, size=None)
        out.append(r)
    return out, reasons


def update_withdrawals(
    previous: list[dict], entries: list[CatalogEntry], unlisted_now: dict[str, tuple[datetime, str]],
    fetch_reasons: dict[str, str], results: list[FetchResult], now: datetime,
) -> list[dict]:
    """The new ``raw.withdrawals``: a source stays withdrawn since it first was, while a reason
    holds; a source fetched again (200 or 304) or listed again is withdrawn no more. A source
    that was not asked this run (not due) keeps its state."""
    before = {r["source_id"]: r for r in previous}
    asked_ok = {r.source_id for r in results if r.ok and (not r.from_cache or r.status_code == 304)}
    rows = []
    for e in entries:
        sid = e.source_id
        reason = None
        if sid in unlisted_now:
            since, listings = unlisted_now[sid]
            reason = f"no longer listed on {listings}"
        elif sid in fetch_reasons:
            since, reason = now, fetch_reasons[sid]
        elif sid in before and sid not in asked_ok:
            rows.append(before[sid])
            continue
        if reason is None:
            continue
        old = before.get(sid)
        rows.append({"source_id": sid, "withdrawn_since": old["withdrawn_since"] if old else since, "reason": reason})
    return rows


def read_withdrawals(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    return _rows(conn, "withdrawals", WITHDRAWALS_SCHEMA)


def write_withdrawals(conn: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    _replace(conn, "withdrawals", rows, WITHDRAWALS_SCHEMA)


# --- raw.fetch_checks: the re-check schedule --------------------------------------------------------

def recheck_schedule(conn: duckdb.DuckDBPyConnection, policy: RecheckPolicy, now: datetime) -> Callable[[CatalogEntry], bool]:
    """entry → whether it is due for a conditional re-check (see RecheckPolicy)."""
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    if table_exists(conn, "fetches"):
        for sid, lo, hi in conn.execute(
            f"select source_id, min(fetched_at), max(fetched_at) from {RAW_SCHEMA}.fetches where ok group by all"
        ).fetchall():
            first[sid], last[sid] = lo, hi
    for r in _rows(conn, "fetch_checks", CHECKS_SCHEMA):
        if r["source_id"] in last:
            last[r["source_id"]] = max(last[r["source_id"]], r["checked_at"])
    return lambda e: policy.due(first.get(e.source_id), last.get(e.source_id), now)


def record_checks(conn: duckdb.DuckDBPyConnection, results: list[FetchResult], now: datetime) -> None:
    """When each HTTP source was last asked (304s and downloads alike; cache reuses do not count)."""
    rows = {r["source_id"]: r for r in _rows(conn, "fetch_checks", CHECKS_SCHEMA)}
    for r in results:
        if r.url.startswith("file://"):
            continue
        if r.from_cache and r.status_code != 304:
            continue
        rows[r.source_id] = {"source_id": r.source_id, "checked_at": now, "status_code": r.status_code}
    _replace(conn, "fetch_checks", list(rows.values()), CHECKS_SCHEMA)


def ensure_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """The tables dbt reads exist, empty, before any listing or withdrawal."""
    for table, schema in (("discovered", DISCOVERED_SCHEMA), ("withdrawals", WITHDRAWALS_SCHEMA)):
        ensure_table(conn, table, pl.DataFrame([], schema=schema))
