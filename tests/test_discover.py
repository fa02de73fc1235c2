"""Discovering notices from listings of a fake portal on 127.0.0.1: HTML pages, a JSON API, a sitemap."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fake_portal import N_NOTICES, FakePortal, Resource, make_notice
from pipelines.catalog import CatalogError, HostLimits, derive_source_id, load_catalog_file
from pipelines.discover import Listing, discover
from pipelines.fetch import FetchSettings, Politeness, make_client, polite_getter


def walk(listing: Listing, settings: FetchSettings | None = None):
    settings = settings or FetchSettings(backoff=0.01, retries=3)
    polite = Politeness(settings)
    with make_client(settings) as client:
        return discover(listing, polite_getter(client, polite))


def html_listing(portal: FakePortal, **kw) -> Listing:
    defaults = dict(listing_id="list", kind="html", url=portal.base_url + "/list/index.html",
                    select="ul.list li a", next_text="下一页")
    return Listing(**{**defaults, **kw})


def test_html_listing_walks_three_pages_to_25_notices_with_titles_and_dates(portal):
    result = walk(html_listing(portal))
    assert result.error is None and result.complete and result.pages == 3
    assert len(result.notices) == N_NOTICES
    assert {n.url for n in result.notices} == {portal.url_of(n) for n in range(1, N_NOTICES + 1)}
    first = next(n for n in result.notices if n.url == portal.url_of(7))
    assert first.title == make_notice(7).title  # GBK listing decoded
    assert first.publish_date == date.fromisoformat(make_notice(7).publish_date)
    assert first.source_id == derive_source_id(first.url) and first.listing_id == "list"
    assert len(portal.requests_to("/robots.txt")) == 1  # read once


def test_link_regex_page_template_ends_at_the_first_missing_page(portal):
    listing = html_listing(portal, select=None, next_text=None, links=r"/art/2026/\d+\.(html|pdf)$",
                           page_url=portal.base_url + "/list/index_{page}.html")
    result = walk(listing)
    assert result.error is None and result.complete and len(result.notices) == N_NOTICES
    assert len(portal.requests_to("/list/")) == 4  # three pages and the 404 that ends them


def test_max_pages_and_since_bound_the_walk_and_leave_it_incomplete(portal):
    capped = walk(html_listing(portal, max_pages=2))
    assert len(capped.notices) == 20 and not capped.complete and capped.pages == 2
    cutoff = date.fromisoformat(make_notice(13).publish_date)
    recent = walk(html_listing(portal, since=cutoff))
    assert recent.notices and all(n.publish_date >= cutoff for n in recent.notices)
    assert portal.url_of(1) not in {n.url for n in recent.notices}
    assert not recent.complete


def test_a_next_link_pointing_back_ends_the_walk(portal):
    portal.extra["/loop.html"] = Resource(
        f'<ul class="list"><li><a href="{portal.path_of(3)}">x</a></li></ul><a href="/loop.html">下一页</a>'.encode(),
        "text/html; charset=utf-8",
    )
    result = walk(html_listing(portal, url=portal.base_url + "/loop.html"))
    assert result.pages == 1 and result.complete and len(result.notices) == 1
    assert len(portal.requests_to("/loop.html")) == 1


def test_json_api_by_field_paths(portal):
    listing = Listing(
        listing_id="api", kind="json", url=portal.base_url + "/api/list?page={page}",
        url_field="data.list[].url", title_field="data.list[].title",
        date_field="data.list[].publish_time", doc_number_field="data.list[].document_number",
    )
    result = walk(listing)
    assert result.error is None and result.complete and result.pages == 4  # the 4th page is empty
    assert len(result.notices) == N_NOTICES
    row = next(n for n in result.notices if n.url == portal.url_of(5))
    assert row.doc_number == "湘政发〔2026〕5号" and row.publish_date == date.fromisoformat(make_notice(5).publish_date)


def test_sitemap_index_is_followed_and_filtered(portal):
    listing = Listing(listing_id="sm", kind="sitemap", url=portal.base_url + "/sitemap.xml", links=r"/art/")
    result = walk(listing)
    assert result.error is None and result.complete and result.pages == 2
    assert {n.url for n in result.notices} == {portal.url_of(n) for n in range(1, N_NOTICES + 1)}


def test_removed_notice_disappears_from_every_listing(portal):
    portal.remove(25)
    result = walk(html_listing(portal))
    assert len(result.notices) == N_NOTICES - 1 and portal.url_of(25) not in {n.url for n in result.notices}


def test_listing_that_fails_returns_its_error_and_never_raises(portal):
    portal.fail_first("/list/index_2.html", 10)
    result = walk(html_listing(portal), FetchSettings(backoff=0.01, retries=2))
    assert len(result.notices) == 10 and not result.complete
    assert "503" in result.error and "index_2.html" in result.error
    gone = walk(Listing(listing_id="x", kind="json", url=portal.base_url + "/nope?page={page}", url_field="a[].u"))
    assert "404" in gone.error and not gone.notices


def test_robots_txt_forbids_a_listing(portal):
    result = walk(html_listing(portal, url=portal.base_url + "/private/secret.html"))
    assert "disallowed by robots.txt" in result.error and not portal.requests_to("/private/")


# --- the catalogue ---------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "catalog.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_catalogue_of_listings_only_with_host_limits(tmp_path):
    cat = load_catalog_file(write(tmp_path, """
listings:
  - id: gd
    type: html
    url: https://www.gd.gov.cn/zwgk/wjk/index.html
    links: '/content/post_\\d+\\.html$'
    page_url: 'https://www.gd.gov.cn/zwgk/wjk/index_{page}.html'
    max_pages: 5
    since: 2020-01-01
  - id: api
    type: json
    url: 'https://www.gd.gov.cn/gkmlpt/api/all/5?page={page}'
    url_field: 'articles[].url'
    date_field: 'articles[].first_publish_time'
  - {id: sm, type: sitemap, url: 'https://www.example.gov.cn/sitemap.xml'}
hosts:
  www.gd.gov.cn: {rps: 2, connections: 1}
"""))
    assert cat.entries == []
    gd, api, sm = cat.listings
    assert gd.kind == "html" and gd.max_pages == 5 and gd.since == date(2020, 1, 1) and gd.page_url.endswith("{page}.html")
    assert api.url_field == "articles[].url" and sm.kind == "sitemap"
    assert cat.hosts == {"www.gd.gov.cn": HostLimits(rps=2.0, connections=1)}


def test_bad_listings_are_all_reported_readably(tmp_path):
    with pytest.raises(CatalogError) as e:
        load_catalog_file(write(tmp_path, """
notices: []
listings:
  - {id: a, type: html, url: 'https://x.gov.cn/', selct: 'a'}
  - {id: b, type: rss, url: 'https://x.gov.cn/'}
  - {id: c, type: json, url: 'https://x.gov.cn/api', url_field: 'data.url'}
  - {id: d, type: html, url: 'https://x.gov.cn/', links: '(', max_pages: 0}
  - {id: a, type: sitemap, url: 'https://x.gov.cn/s.xml'}
  - {type: sitemap, url: 'ftp://x.gov.cn/s.xml'}
hosts:
  x.gov.cn: {rps: -1, conections: 2}
"""))
    text = str(e.value)
    assert "listing 1 (id a): unknown key 'selct' for a html listing (did you mean 'select'?)" in text
    assert "listing 1 (id a): an html listing needs 'links' (a regex) or 'select'" in text
    assert "type 'rss' is not one of html, json, sitemap" in text
    assert "must contain {page}" in text and "must name the list once with []" in text
    assert "listing 4 (id d): links: '(' is not a regular expression" in text
    assert "max_pages must be a whole number from 1 to 1000, not 0" in text
    assert "listing 5 (id a): id 'a' is already used by listing 1" not in text  # listing 1 was invalid
    assert "listing 6: each listing needs an 'id' and a 'url'" in text
    assert "hosts: x.gov.cn: rps must be a number above 0" in text and "did you mean 'connections'?" in text


def test_the_readme_catalogue_examples_are_valid(tmp_path):
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S) if "listings:" in b]
    assert len(blocks) == 2
    kinds = [listing.kind for b in blocks for listing in load_catalog_file(write(tmp_path, b)).listings]
    assert kinds == ["html", "json", "sitemap"]


def test_an_api_that_ignores_the_page_number_is_walked_once(portal):
    portal.extra["/api/same"] = Resource(b'{"data": {"list": [{"url": "/art/2026/001.html"}]}}', "application/json")
    result = walk(Listing(listing_id="same", kind="json", url=portal.base_url + "/api/same?page={page}",
                          url_field="data.list[].url", max_pages=50))
    assert result.complete and result.pages == 2 and len(result.notices) == 1


def test_a_listing_that_no_longer_matches_is_an_error_not_an_empty_listing(portal):
    result = walk(html_listing(portal, select="ul.gone a"))
    assert not result.complete and "no notices found" in result.error
    wrong = walk(Listing(listing_id="api", kind="json", url=portal.base_url + "/api/list?page={page}", url_field="data.list[].href"))
    assert not wrong.complete and "no item of" in wrong.error and "data.list[].href" in wrong.error


def test_a_second_walk_asks_for_the_listing_pages_conditionally(portal, tmp_path):
    from pipelines.fetch import PageCache
    from pipelines.rawstore import RawStore

    settings = FetchSettings(backoff=0.01)
    cache = PageCache(RawStore(tmp_path), {})
    with make_client(settings) as client:
        first = discover(html_listing(portal), polite_getter(client, Politeness(settings), cache))
        seen = len(portal.hits)
        again = PageCache(cache.store, cache.seen)
        second = discover(html_listing(portal), polite_getter(client, Politeness(settings), again))
    asked = [h for h in portal.hits[seen:] if h.path != "/robots.txt"]
    assert len(asked) == 3 and all(h.conditional and h.status == 304 for h in asked)
    assert again.not_modified == 3 and second.notices == first.notices and second.complete
