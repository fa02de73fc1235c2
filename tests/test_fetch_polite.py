"""Polite fetching against the fake portal: robots.txt, per-host rate limits, conditional
re-checks, content-type checks, a flaky page and a slow host."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from fake_portal import FakePortal, Resource
from pipelines.catalog import CatalogEntry, HostLimits, derive_source_id
from pipelines.fetch import FetchSettings, Politeness, RecheckPolicy, fetch_all
from pipelines.fetch_log import latest_good_fetches, log_fetches
from pipelines.rawstore import RawStore
from pipelines.warehouse import connect

FAST = FetchSettings(backoff=0.01, retries=3, read_timeout=5, deadline=30)


def entries_of(urls: list[str]) -> list[CatalogEntry]:
    return [CatalogEntry(derive_source_id(u), u) for u in urls]


def test_robots_txt_is_read_once_and_a_disallowed_url_is_a_readable_error(portal, tmp_path):
    urls = [portal.url_of(n) for n in range(1, 7)] + [portal.base_url + "/private/secret.html"]
    results = fetch_all(entries_of(urls), RawStore(tmp_path), {}, settings=FAST)
    assert all(r.ok for r in results[:-1])
    refused = results[-1]
    assert not refused.ok and "disallowed by robots.txt" in refused.error and "/private/secret.html" in refused.error
    assert not portal.requests_to("/private/")
    assert len(portal.requests_to("/robots.txt")) == 1


def test_a_host_limited_to_two_requests_per_second_is_never_asked_more(tmp_path):
    portal = FakePortal(rate_limit=2)  # answers 429 beyond 2 requests in any second
    try:
        host = portal.base_url.split("//")[1]
        polite = Politeness(FAST, hosts={host: HostLimits(rps=2, connections=2)})
        urls = [portal.url_of(n) for n in range(1, 9)]
        started = time.monotonic()
        results = fetch_all(entries_of(urls), RawStore(tmp_path), {}, settings=FAST, polite=polite)
        took = time.monotonic() - started
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        assert portal.max_in_any_second() <= 2
        assert not [h for h in portal.hits if h.status == 429]
        assert len(portal.hits) == 9 and took >= 3.5  # robots.txt and 8 notices, 0.5 s apart
    finally:
        portal.close()


def test_recheck_is_conditional_and_304_costs_nothing(portal, tmp_path):
    store = RawStore(tmp_path / "raw")
    entries = entries_of([portal.url_of(n) for n in (1, 2, 5)])
    with connect(tmp_path / "w.duckdb") as conn:
        first = fetch_all(entries, store, {}, settings=FAST)
        log_fetches(conn, first, {})
        previous = latest_good_fetches(conn)
        before = len(portal.hits)
        portal.change(2)
        again = fetch_all(entries, store, previous, settings=FAST, recheck=lambda e: True)
        asked = portal.hits[before:]
        assert all(h.conditional for h in asked if h.path != "/robots.txt")
        by_url = {r.url: r for r in again}
        assert by_url[portal.url_of(1)].status_code == 304 and by_url[portal.url_of(1)].from_cache
        assert by_url[portal.url_of(5)].status_code == 304  # the PDF too
        changed = by_url[portal.url_of(2)]
        assert changed.ok and not changed.from_cache and changed.sha256 != previous[changed.source_id].sha256
        logged = log_fetches(conn, again, previous)
        assert logged["url"].to_list() == [portal.url_of(2)] and logged["version"].to_list() == [2]
        # Not due: no request at all.
        before = len(portal.hits)
        quiet = fetch_all(entries, store, latest_good_fetches(conn), settings=FAST, recheck=lambda e: False)
        assert all(r.from_cache for r in quiet) and len(portal.hits) == before  # not even robots.txt


def test_recheck_schedule_young_weekly_old_monthly():
    policy = RecheckPolicy()
    now = datetime(2026, 12, 2, tzinfo=timezone.utc)
    young, old = now - timedelta(days=30), now - timedelta(days=800)
    assert policy.due(None, None, now)
    assert not policy.due(young, now - timedelta(days=6), now)
    assert policy.due(young, now - timedelta(days=7), now)
    assert not policy.due(old, now - timedelta(days=20), now)
    assert policy.due(old, now - timedelta(days=31), now)
    assert RecheckPolicy(young_every_days=0).due(young, now, now)


def test_503_twice_then_200_is_fetched(portal, tmp_path):
    portal.fail_first(portal.path_of(3), 2)
    (result,) = fetch_all(entries_of([portal.url_of(3)]), RawStore(tmp_path), {}, settings=FAST)
    assert result.ok and result.attempts == 3


def test_an_html_error_page_for_a_pdf_url_is_an_error(portal, tmp_path):
    portal.extra["/art/2026/broken.pdf"] = Resource("<html><body>系统繁忙</body></html>".encode(), "text/html; charset=utf-8")
    (result,) = fetch_all(entries_of([portal.base_url + "/art/2026/broken.pdf"]), RawStore(tmp_path), {}, settings=FAST)
    assert not result.ok and "should be a PDF" in result.error and result.sha256 is None


def test_a_slow_host_does_not_hold_up_the_others(portal, tmp_path):
    slow = FakePortal()
    try:
        for n in (1, 2):
            slow.delay(slow.path_of(n), 1.5)
        urls = [slow.url_of(1), slow.url_of(2)] + [portal.url_of(n) for n in range(1, 11)]
        started = time.monotonic()
        results = fetch_all(entries_of(urls), RawStore(tmp_path), {}, settings=FAST)
        assert all(r.ok for r in results)
        fast_done = max(h.at for h in portal.hits) - started
        assert fast_done < 1.5 and time.monotonic() - started >= 3.0  # slow: one at a time, 1.5 s each
    finally:
        slow.close()


def test_a_read_timeout_is_an_error_naming_the_url(portal, tmp_path):
    portal.delay(portal.path_of(4), 2.0)
    settings = FetchSettings(backoff=0.01, retries=1, read_timeout=0.5, deadline=5)
    (result,) = fetch_all(entries_of([portal.url_of(4)]), RawStore(tmp_path), {}, settings=settings)
    assert not result.ok and "ReadTimeout" in result.error and portal.url_of(4) in result.error


def test_a_failing_robots_txt_keeps_us_off_the_host(portal, tmp_path):
    portal.fail_first("/robots.txt", 1)  # RFC 9309: a 5xx robots.txt means "disallow everything" for now
    results = fetch_all(entries_of([portal.url_of(1), portal.url_of(2)]), RawStore(tmp_path), {}, settings=FAST)
    assert all(not r.ok and "robots.txt of" in r.error and "HTTP 503" in r.error for r in results)
    assert not portal.requests_to("/art/") and len(portal.requests_to("/robots.txt")) == 1
