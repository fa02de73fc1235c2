"""raw.discovered, raw.withdrawals and the re-check schedule: what is marked when, and what stays."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from synth import HUNAN, error_html, notice_html
from pipelines.catalog import CatalogEntry
from pipelines.discover import Discovered, Listing, ListingResult
from pipelines.discovery_log import (
    all_entries, flag_removed_pages, merge_discovered, removed_marker, unlisted, update_withdrawals,
)
from pipelines.fetch import FetchResult
from pipelines.rawstore import RawStore

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
T1 = T0 + timedelta(days=7)
LISTING = Listing("portal", "html", "https://x.gov.cn/list/", select="a")


def found(*days: int, listing: str = "portal") -> list[Discovered]:
    return [Discovered(f"n{d}", f"https://x.gov.cn/{d}.html", listing, f"通知{d}", date(2026, 1, d)) for d in days]


def test_notices_seen_again_keep_first_seen_and_a_missing_one_is_marked_not_dropped():
    first = merge_discovered([], [LISTING], [ListingResult("portal", found(1, 2, 3), complete=True)], T0)
    second = merge_discovered(first, [LISTING], [ListingResult("portal", found(1, 3), complete=True)], T1)
    by_id = {r["source_id"]: r for r in second}
    assert by_id["n1"]["first_seen"] == T0 and by_id["n1"]["last_seen"] == T1 and by_id["n1"]["missing_since"] is None
    assert by_id["n2"]["missing_since"] == T1 and by_id["n2"]["last_seen"] == T0
    assert unlisted(second) == {"n2": (T1, "portal")}
    # Listed again: no longer missing.
    third = merge_discovered(second, [LISTING], [ListingResult("portal", found(1, 2, 3), complete=True)], T1 + timedelta(days=1))
    assert unlisted(third) == {}


def test_an_incomplete_or_failed_walk_marks_only_what_it_could_have_seen():
    first = merge_discovered([], [LISTING], [ListingResult("portal", found(1, 2, 9), complete=True)], T0)
    # Stopped by max_pages after reaching the notices of day 5 onwards: day 1 and 2 lie beyond.
    capped = merge_discovered(first, [LISTING], [ListingResult("portal", found(5, 6), complete=False)], T1)
    assert unlisted(capped) == {"n9": (T1, "portal")}
    failed = merge_discovered(first, [LISTING], [ListingResult("portal", [], error="HTTP 503")], T1)
    assert unlisted(failed) == {}


def test_a_notice_on_two_listings_is_unlisted_only_when_gone_from_both_and_dropped_listings_go():
    other = Listing("sitemap", "sitemap", "https://x.gov.cn/sitemap.xml")
    first = merge_discovered([], [LISTING, other], [ListingResult("portal", found(1), complete=True),
                                                     ListingResult("sitemap", found(1, listing="sitemap"), complete=True)], T0)
    half = merge_discovered(first, [LISTING, other], [ListingResult("portal", [], complete=True),
                                                      ListingResult("sitemap", found(1, listing="sitemap"), complete=True)], T1)
    assert unlisted(half) == {}
    assert merge_discovered(first, [LISTING], [], T1) == [r for r in first if r["listing_id"] == "portal"]


def test_catalogue_entries_win_over_discovered_ones():
    rows = merge_discovered([], [LISTING], [ListingResult("portal", found(1, 2), complete=True)], T0)
    mine = CatalogEntry("my-id", "https://x.gov.cn/1.html", {"doc_number": "湘政发〔2026〕1号"})
    entries = all_entries([mine], rows)
    assert [e.source_id for e in entries] == ["my-id", "n2"] and entries[0].overrides


def _result(sid: str, sha: str | None, ok: bool = True, status: int | None = 200, from_cache: bool = False) -> FetchResult:
    return FetchResult(sid, f"https://x.gov.cn/{sid}.html", None, ok, status, None if ok else "HTTP 404", "text/html",
                       None, T0, 10, sha, 1, from_cache)


def test_a_removed_page_or_a_404_where_a_notice_was_is_a_withdrawal_and_the_earlier_version_stays(tmp_path):
    store = RawStore(tmp_path)
    good = store.put(notice_html(HUNAN))
    gone_page = store.put(error_html("soft404"))
    previous = {"a": _result("a", good), "b": _result("b", good), "c": _result("c", good)}
    results = [
        _result("a", gone_page),  # now a 页面不存在 page
        replace(_result("b", None, ok=False, status=404)),
        _result("c", good, status=304, from_cache=True),
    ]
    results, reasons = flag_removed_pages(results, previous, store)
    assert not results[0].ok and "withdrawn, earlier version kept" in results[0].error and results[0].sha256 is None
    assert "now says" in reasons["a"] and reasons["b"].startswith("HTTP 404")
    assert "c" not in reasons
    entries = [CatalogEntry(s, f"https://x.gov.cn/{s}.html") for s in "abc"]
    rows = update_withdrawals([], entries, {}, reasons, results, T0)
    assert {r["source_id"] for r in rows} == {"a", "b"}
    # Still withdrawn a week later: since stays the first time; back (304) clears it.
    later = update_withdrawals(rows, entries, {}, {"a": reasons["a"]}, [_result("b", good, status=304, from_cache=True)], T1)
    assert [(r["source_id"], r["withdrawn_since"]) for r in later] == [("a", T0)]


def test_a_notice_that_mentions_abolition_is_not_a_removed_page():
    assert removed_marker(notice_html(replace(HUNAN, paragraphs=(*HUNAN.paragraphs, "原《实施办法》同时废止，已废止的文件不再执行。"))), None) is None
    assert removed_marker("<html><body><p>该文件已废止</p></body></html>".encode(), "text/html; charset=utf-8") == "已废止"


def test_a_walk_that_found_nothing_marks_nothing():
    first = merge_discovered([], [LISTING], [ListingResult("portal", found(1, 2), complete=True)], T0)
    empty = ListingResult("portal", [], complete=False, error="listing portal: no notices found on 1 page(s)")
    assert unlisted(merge_discovered(first, [LISTING], [empty], T1)) == {}
