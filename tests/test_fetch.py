"""Fetching over a real HTTP server on 127.0.0.1, and from local files."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from pipelines.catalog import CatalogEntry
from pipelines.fetch import fetch_entry, make_client
from pipelines.fetch_log import latest_good_fetches, log_fetches
from pipelines.parse.html import parse_html
from pipelines.rawstore import RawStore
from pipelines.warehouse import connect

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GBK_PAGE = (CORPUS / "fj-2016-52.html").read_bytes()


def entry(url: str, source_id: str = "s1") -> CatalogEntry:
    return CatalogEntry(source_id=source_id, url=url)


def test_gbk_page_labelled_gb2312_is_stored_unchanged_and_decodes(http_server, tmp_path):
    url = http_server.serve("/fj.html", (200, {"Content-Type": "text/html; charset=gb2312"}, GBK_PAGE))
    store = RawStore(tmp_path)
    result = fetch_entry(entry(url), store, backoff_seconds=0)
    assert result.ok and result.status_code == 200
    assert result.sha256 == hashlib.sha256(GBK_PAGE).hexdigest()
    assert store.get(result.sha256) == GBK_PAGE  # bytes exactly as served
    assert "gb2312" in result.content_type
    notice = parse_html(store.get(result.sha256), result.content_type, url)
    assert "\ufffd" not in notice.full_text
    assert "泛珠三角" in notice.full_text


def test_redirect_is_followed_and_final_url_recorded(http_server, tmp_path):
    target = http_server.serve("/new/notice.html", (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>x</p>"))
    url = http_server.serve("/old", (301, {"Location": "/new/notice.html"}, b""))
    result = fetch_entry(entry(url), RawStore(tmp_path), backoff_seconds=0)
    assert result.ok
    assert result.url == url and result.final_url == target


def test_404_is_recorded_not_raised_and_not_retried(http_server, tmp_path):
    url = http_server.base_url + "/missing.html"
    result = fetch_entry(entry(url), RawStore(tmp_path), backoff_seconds=0)
    assert not result.ok
    assert result.status_code == 404
    assert "404" in result.error and url in result.error
    assert result.attempts == 1
    assert result.sha256 is None


def test_503_is_retried_until_it_succeeds(http_server, tmp_path):
    url = http_server.serve(
        "/busy.html",
        (503, {}, b"busy"),
        (503, {}, b"busy"),
        (200, {"Content-Type": "text/html"}, b"<p>finally</p>"),
    )
    result = fetch_entry(entry(url), RawStore(tmp_path), retries=3, backoff_seconds=0)
    assert result.ok and result.attempts == 3
    assert http_server.hits("/busy.html") == 3


def test_503_that_never_recovers_fails_after_the_retries(http_server, tmp_path):
    url = http_server.serve("/down.html", (503, {}, b"down"))
    result = fetch_entry(entry(url), RawStore(tmp_path), retries=3, backoff_seconds=0)
    assert not result.ok and result.status_code == 503 and result.attempts == 3
    assert http_server.hits("/down.html") == 3


def test_connection_refused_is_a_recorded_error(tmp_path):
    result = fetch_entry(entry("http://127.0.0.1:9/nothing"), RawStore(tmp_path), retries=2, backoff_seconds=0)
    assert not result.ok and result.status_code is None and "ConnectError" in result.error


def test_cached_http_source_is_not_downloaded_again_unless_forced(http_server, tmp_path):
    url = http_server.serve("/a.html", (200, {}, b"<p>v1</p>"))
    store = RawStore(tmp_path)
    with make_client() as client:
        first = fetch_entry(entry(url), store, client)
        again = fetch_entry(entry(url), store, client, previous=first)
        assert again.from_cache and again.sha256 == first.sha256
        assert http_server.hits("/a.html") == 1
        forced = fetch_entry(entry(url), store, client, previous=first, force=True)
    assert not forced.from_cache and http_server.hits("/a.html") == 2


def test_changed_document_gets_a_new_version_and_old_bytes_stay(http_server, tmp_path):
    url = http_server.serve("/doc.html", (200, {}, b"<p>version one</p>"), (200, {}, b"<p>version two</p>"))
    store = RawStore(tmp_path / "raw")
    with connect(tmp_path / "w.duckdb") as conn:
        first = fetch_entry(entry(url), store, backoff_seconds=0)
        log_fetches(conn, [first], {})
        previous = latest_good_fetches(conn)
        second = fetch_entry(entry(url), store, previous=previous["s1"], force=True)
        logged = log_fetches(conn, [second], previous)
        assert logged["version"].to_list() == [2]
        assert latest_good_fetches(conn)["s1"].sha256 == second.sha256
        versions = conn.execute("select version, sha256 from raw.fetches order by version").fetchall()
    assert [v for v, _ in versions] == [1, 2]
    assert store.get(first.sha256) == b"<p>version one</p>"  # the old bytes are still there
    assert store.get(second.sha256) == b"<p>version two</p>"


def test_local_file_is_read_and_missing_file_is_an_error(tmp_path):
    f = tmp_path / "n.html"
    f.write_bytes(b"<p>local</p>")
    store = RawStore(tmp_path / "raw")
    ok = fetch_entry(CatalogEntry("f", f.as_uri()), store)
    assert ok.ok and store.get(ok.sha256) == b"<p>local</p>" and ok.content_type == "text/html"
    missing = fetch_entry(CatalogEntry("g", (tmp_path / "nope.pdf").as_uri()), store)
    assert not missing.ok and "nope.pdf" in missing.error


def test_raw_store_detects_corruption(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put(b"abc")
    store.path_for(sha).write_bytes(b"abd")
    try:
        store.get(sha)
    except OSError as e:
        assert "corrupt" in str(e)
    else:
        raise AssertionError("a corrupt object was returned")


def test_cache_is_not_reused_when_the_entry_points_elsewhere(http_server, tmp_path):
    old = http_server.serve("/old.html", (200, {}, b"<p>old notice</p>"))
    new = http_server.serve("/new.html", (200, {}, b"<p>new notice</p>"))
    store = RawStore(tmp_path)
    first = fetch_entry(entry(old, "notice-1"), store)
    moved = fetch_entry(entry(new, "notice-1"), store, previous=first)
    assert not moved.from_cache and store.get(moved.sha256) == b"<p>new notice</p>"
    assert http_server.hits("/new.html") == 1
