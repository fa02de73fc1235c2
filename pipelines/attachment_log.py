"""Attachments as sources: which files a notice page links (附件1：重点任务分工表.docx), the catalogue
entries they become, and ``raw.attachments``, where the fetch stage records them.

An attachment is fetched like any notice (same politeness, cache and re-check schedule) under
its own source id, derived from its notice's id and its URL; dbt reads ``raw.attachments``
(``stg_attachments``) to put it in its notice's document with its title and position. The links of a page are looked for once per version of the page's bytes
(and of the finder's code): a run where nothing changed reads no page again.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import polars as pl

from pipelines.catalog import CatalogEntry, outside_roots, portable_url
from pipelines.code_version import modules_version
from pipelines.fetch import FetchResult
from pipelines.parse.attachments import attachment_links, may_link_files
from pipelines.parse.registry import detect_format
from pipelines.rawstore import RawStore
from pipelines.warehouse import RAW_SCHEMA, replace_table, table_exists

ATTACHMENTS_SCHEMA: dict[str, pl.DataType] = {
    "parent_source_id": pl.String,
    "parent_sha256": pl.String,  # the version of the page the links were read from
    "finder_version": pl.String,  # code version of the link finder that read them
    "position": pl.Int32,  # 1-based, in page order
    "source_id": pl.String,
    "url": pl.String,
    "title": pl.String,
    "extension": pl.String,
}
# A page linking more files than this is a listing or a download centre, not a notice with
# attachments: its first ones are kept and the rest reported.
MAX_PER_PAGE = 50
FINDER_VERSION = modules_version(["pipelines.parse.attachments", "pipelines.attachment_log"])


def attachment_source_id(parent_id: str, url: str) -> str:
    """Stable and readable: the notice's id, then a short hash of the attachment's URL."""
    return f"{parent_id[:80]}-att-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def find_attachments(
    notices: Iterable[CatalogEntry],
    fetches: dict[str, FetchResult],
    store: RawStore,
    known: list[dict],
    roots: list[Path],
    warn: Callable[[str], None] = lambda message: None,
) -> list[dict]:
    """``raw.attachments`` rows for the notices' current fetches (``fetches``: source id → the
    fetch the pipeline works on). Rows read from the same bytes by the same finder are reused;
    other pages are read from the store. Only HTML pages have attachments. A page on the web may
    link web files only; a local page, files inside the catalogue's folders (``roots``). A link
    to a URL the catalogue lists itself is left to that entry. A page that cannot be read is
    reported through ``warn`` and has no attachments this run; it never stops the others."""
    notices = list(notices)
    listed = {e.url for e in notices}
    reuse: dict[tuple[str, str], list[dict]] = {}
    for row in known:
        if row["finder_version"] == FINDER_VERSION:
            reuse.setdefault((row["parent_source_id"], row["parent_sha256"]), []).append(row)
    out: list[dict] = []
    for entry in notices:
        fetch = fetches.get(entry.source_id)
        if entry.attachment_of or fetch is None or not fetch.ok or not fetch.sha256:
            continue
        key = (entry.source_id, fetch.sha256)
        if key in reuse:
            out.extend(sorted(reuse[key], key=lambda r: r["position"]))
            continue
        try:
            data = store.get(fetch.sha256)
            if not may_link_files(data) or detect_format(data, fetch.content_type, entry.url) != "html":
                continue
            links = attachment_links(data, fetch.final_url or entry.url, fetch.content_type)
        except Exception as e:  # noqa: BLE001 (one unreadable page must not stop the fetch stage)
            warn(f"attachments of {entry.source_id}: the page could not be read for links: {type(e).__name__}: {e}")
            continue
        kept = [a for a in links if a.url not in listed and _may_follow(entry.url, a.url, roots)]
        if len(kept) > MAX_PER_PAGE:
            warn(f"attachments of {entry.source_id}: {len(kept)} file links, only the first {MAX_PER_PAGE} are fetched")
            kept = kept[:MAX_PER_PAGE]
        out.extend(
            {"parent_source_id": entry.source_id, "parent_sha256": fetch.sha256, "finder_version": FINDER_VERSION,
             "position": n, "source_id": attachment_source_id(entry.source_id, a.url), "url": a.url,
             "title": a.title, "extension": a.extension}
            for n, a in enumerate(kept, start=1)
        )
    return out


def _may_follow(page_url: str, url: str, roots: list[Path]) -> bool:
    page, link = urlparse(page_url).scheme, urlparse(url).scheme
    if page in ("http", "https"):
        return link in ("http", "https")  # a web page never makes the pipeline read a local file
    return page == "file" and link == "file" and outside_roots(url, roots) is None


def attachment_entries(rows: list[dict], notices: Iterable[CatalogEntry], base_dir: Path | None = None) -> list[CatalogEntry]:
    """The catalogue entries of the attachments of ``notices`` (rows of notices no longer worked
    on are left out), each id once. A local file is shown by its path relative to ``base_dir``."""
    wanted = {e.source_id for e in notices}
    out: dict[str, CatalogEntry] = {}
    for r in rows:
        if r["parent_source_id"] not in wanted or r["source_id"] in out:
            continue
        shown = portable_url(r["url"], base_dir) if base_dir is not None else r["url"]
        out[r["source_id"]] = CatalogEntry(
            source_id=r["source_id"], url=r["url"], source_url=shown,
            attachment_of=r["parent_source_id"],
        )
    return list(out.values())


def read_attachments(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    if not table_exists(conn, "attachments"):
        return []
    names = list(ATTACHMENTS_SCHEMA)
    rows = conn.execute(
        f"select {', '.join(names)} from {RAW_SCHEMA}.attachments order by parent_source_id, position"
    ).fetchall()
    return [dict(zip(names, r)) for r in rows]


def write_attachments(conn: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    replace_table(conn, "attachments", pl.DataFrame(rows, schema=ATTACHMENTS_SCHEMA))
