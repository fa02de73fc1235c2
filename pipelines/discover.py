"""Discover notices from listings: an HTML listing with pages, a JSON listing API, a sitemap.

The catalogue may hold ``listings:`` next to ``notices:``::

    listings:
      - id: gd-wjk                               # html: links on listing pages
        type: html
        url: https://www.gd.gov.cn/zwgk/wjk/qbwj/index.html
        links: '/content/post_\\d+\\.html$'      # regex on the absolute link URL, or
        select: 'ul.list li a'                  # a CSS selector of the notice links
        page_url: 'https://www.gd.gov.cn/zwgk/wjk/qbwj/index_{page}.html'  # pages 2, 3, … or
        next_text: 下一页                         # follow the link with this text (or next_selector)
        max_pages: 10
        since: 2020-01-01                       # notices dated before this are skipped
      - id: gd-api                              # json: a paged API, read by field paths
        type: json
        url: 'https://www.gd.gov.cn/gkmlpt/api/all/5?page={page}&sid=2'
        url_field: 'articles[].url'
        title_field: 'articles[].title'
        date_field: 'articles[].first_publish_time'   # ISO date, 2020年1月2日 or epoch (s / ms)
        doc_number_field: 'articles[].document_number'
        max_pages: 5
      - id: gov-sitemap
        type: sitemap                            # urlset or sitemapindex (one level deep)
        url: https://www.example.gov.cn/sitemap.xml
        links: '/content/'                       # optional filter

Discovery reads listings through a ``Getter`` (the fetch module supplies a polite one: robots.txt,
per-host rate limits). Every loop is bounded: ``max_pages`` pages per listing, a page seen twice
ends the walk, and a sitemap index is followed one level deep and at most ``max_pages`` sitemaps.
A listing that fails returns its error and whatever it found before; it never raises.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup
from lxml import etree

from pipelines.catalog import _ID_OK, _date, _did_you_mean, derive_source_id, unique_by_id

LISTING_TYPES = ("html", "json", "sitemap")
_COMMON_KEYS = ("id", "type", "url", "max_pages", "since", "links")
LISTING_KEYS: dict[str, tuple[str, ...]] = {
    "html": (*_COMMON_KEYS, "select", "page_url", "next_selector", "next_text"),
    "json": (*_COMMON_KEYS, "url_field", "title_field", "date_field", "doc_number_field", "first_page"),
    "sitemap": _COMMON_KEYS,
}
DEFAULT_MAX_PAGES = 10
MAX_PAGES_LIMIT = 1000  # a catalogue cannot ask for an unbounded walk
_BEIJING = timezone(timedelta(hours=8))  # portals' epoch timestamps mean a day in China
_DATE_IN_TEXT = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Listing:
    """One listing of the catalogue (see the module docstring for the keys)."""

    listing_id: str
    kind: str  # html | json | sitemap
    url: str
    max_pages: int = DEFAULT_MAX_PAGES
    since: date | None = None
    links: str | None = None  # regex the notice URLs must match
    select: str | None = None
    page_url: str | None = None  # template with {page}
    next_selector: str | None = None
    next_text: str | None = None
    url_field: str | None = None
    title_field: str | None = None
    date_field: str | None = None
    doc_number_field: str | None = None
    first_page: int = 1


@dataclass(frozen=True)
class Discovered:
    """A notice found on a listing."""

    source_id: str
    url: str
    listing_id: str
    title: str | None = None
    publish_date: date | None = None
    doc_number: str | None = None


@dataclass
class ListingResult:
    """What one walk of a listing found. ``complete``: the walk reached the listing's end (not
    stopped by ``max_pages`` or ``since``), so a notice it did not find is no longer listed."""

    listing_id: str
    notices: list[Discovered] = field(default_factory=list)
    pages: int = 0
    complete: bool = False
    error: str | None = None

    @property
    def oldest_date(self) -> date | None:
        dates = [n.publish_date for n in self.notices if n.publish_date]
        return min(dates) if dates else None


@dataclass(frozen=True)
class Page:
    """An answer to a GET: status, content type and body (``error`` when there is no answer)."""

    status: int | None
    content_type: str | None
    body: bytes
    url: str
    error: str | None = None


Getter = Callable[[str], Page]


# --- catalogue ---------------------------------------------------------------------------------

def parse_listings(value: object, path: Path, problems: list[str]) -> list[Listing]:
    """The ``listings:`` of a catalogue; every problem is appended to ``problems`` (catalog.py's style)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{path}: 'listings' must be a list of listings")
        return []
    numbered = [(n, _listing(raw, n, path, problems)) for n, raw in enumerate(value, start=1)]
    return unique_by_id(numbered, lambda listing: listing.listing_id, "listing", path, problems)


def _listing(raw: object, n: int, path: Path, problems: list[str]) -> Listing | None:
    where = f"{path}: listing {n}"
    if not isinstance(raw, dict) or not raw.get("url") or not raw.get("id"):
        problems.append(f"{where}: each listing needs an 'id' and a 'url'")
        return None
    where += f" (id {raw['id']})"
    before = len(problems)
    kind = str(raw.get("type") or "")
    if kind not in LISTING_TYPES:
        problems.append(f"{where}: type {kind!r} is not one of {', '.join(LISTING_TYPES)}")
        return None
    known = LISTING_KEYS[kind]
    for key in raw:
        if key not in known:
            problems.append(f"{where}: unknown key {key!r} for a {kind} listing{_did_you_mean(str(key), known)}; known keys: {', '.join(known)}")
    listing_id, url = str(raw["id"]), str(raw["url"])
    if not _ID_OK.match(listing_id):
        problems.append(f"{where}: id {listing_id!r} must be letters, digits, '.', '_' or '-'")
    if urlparse(url).scheme not in ("http", "https"):
        problems.append(f"{where}: url {url!r} must be http(s)://")
    max_pages = raw.get("max_pages", DEFAULT_MAX_PAGES)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or not 1 <= max_pages <= MAX_PAGES_LIMIT:
        problems.append(f"{where}: max_pages must be a whole number from 1 to {MAX_PAGES_LIMIT}, not {max_pages!r}")
        max_pages = DEFAULT_MAX_PAGES
    since = None
    if raw.get("since") is not None:
        since = _date(raw["since"])
        if since is None:
            problems.append(f"{where}: since: {raw['since']!r} is not a date (YYYY-MM-DD)")
    for key in ("links",):
        if raw.get(key) is not None:
            try:
                re.compile(str(raw[key]))
            except re.error as e:
                problems.append(f"{where}: {key}: {raw[key]!r} is not a regular expression ({e})")
    if kind == "html":
        if raw.get("select") is None and raw.get("links") is None:
            problems.append(f"{where}: an html listing needs 'links' (a regex) or 'select' (a CSS selector)")
        if raw.get("select") is not None:
            _check_selector(str(raw["select"]), f"{where}: select", problems)
        if raw.get("next_selector") is not None:
            _check_selector(str(raw["next_selector"]), f"{where}: next_selector", problems)
        if raw.get("page_url") is not None and "{page}" not in str(raw["page_url"]):
            problems.append(f"{where}: page_url must contain {{page}}, e.g. index_{{page}}.html")
    if kind == "json":
        if not raw.get("url_field"):
            problems.append(f"{where}: a json listing needs 'url_field', e.g. data.list[].url")
        if "{page}" not in url:
            problems.append(f"{where}: a json listing's url must contain {{page}}, e.g. …?page={{page}}")
        prefixes = set()
        for key in ("url_field", "title_field", "date_field", "doc_number_field"):
            if raw.get(key) is None:
                continue
            text = str(raw[key])
            if text.count("[]") != 1:
                problems.append(f"{where}: {key}: {text!r} must name the list once with [], e.g. data.list[].url")
                continue
            prefixes.add(text.split("[]", 1)[0])
        if len(prefixes) > 1:
            problems.append(f"{where}: the *_field paths name different lists ({', '.join(sorted(prefixes))})")
    first_page = raw.get("first_page", 1)
    if not isinstance(first_page, int) or isinstance(first_page, bool) or first_page < 0:
        problems.append(f"{where}: first_page must be a whole number ≥ 0, not {first_page!r}")
        first_page = 1
    if len(problems) > before:
        return None
    text = {k: (str(raw[k]) if raw.get(k) is not None else None) for k in known if k not in ("id", "type", "url", "max_pages", "since", "first_page")}
    return Listing(listing_id=listing_id, kind=kind, url=url, max_pages=max_pages, since=since, first_page=first_page, **text)


def _check_selector(selector: str, where: str, problems: list[str]) -> None:
    try:
        BeautifulSoup("<p></p>", "lxml").select(selector)
    except Exception as e:  # soupsieve raises its own SelectorSyntaxError
        problems.append(f"{where}: {selector!r} is not a CSS selector ({str(e).splitlines()[0]})")


# --- walking listings ----------------------------------------------------------------------------

def discover(listing: Listing, get: Getter) -> ListingResult:
    """Walk one listing. Never raises: an error ends the walk and is returned with what was found."""
    walker = {"html": _walk_html, "json": _walk_json, "sitemap": _walk_sitemap}[listing.kind]
    result = ListingResult(listing.listing_id)
    try:
        walker(listing, get, result)
    except Exception as e:  # a listing is input from the web: whatever breaks, the others go on
        result.error = f"listing {listing.listing_id}: {type(e).__name__}: {e}"
        result.complete = False
    if not result.notices and result.error is None:
        # Never "complete and empty": a redesigned page would otherwise withdraw every notice.
        result.complete = False
        result.error = (f"listing {listing.listing_id}: no notices found on {result.pages} page(s) of {listing.url} "
                        "(do links / select / url_field still match? is nothing newer than since?); earlier rows kept")
    # One row per URL: the first sighting (the newest page) wins.
    unique: dict[str, Discovered] = {}
    for n in result.notices:
        unique.setdefault(n.url, n)
    result.notices = list(unique.values())
    return result


def _get_ok(get: Getter, url: str, listing: Listing) -> Page | str:
    page = get(url)
    if page.error:
        return f"listing {listing.listing_id}: {page.error}"
    if page.status != 200:
        return f"listing {listing.listing_id}: HTTP {page.status} for {url}"
    return page


def _keep(listing: Listing, url: str) -> bool:
    if urlparse(url).scheme not in ("http", "https"):
        return False
    return listing.links is None or re.search(listing.links, url) is not None


def _too_old(listing: Listing, day: date | None) -> bool:
    return listing.since is not None and day is not None and day < listing.since


def _row(listing: Listing, url: str, title: str | None, day: date | None, doc_number: str | None = None) -> Discovered:
    title = re.sub(r"\s+", " ", title).strip() if title else None
    return Discovered(derive_source_id(url), url, listing.listing_id, title or None, day, doc_number or None)


def _walk_html(listing: Listing, get: Getter, result: ListingResult) -> None:
    url: str | None = listing.url
    seen_pages: set[str] = set()
    for page_no in range(1, listing.max_pages + 1):
        if url is None or url in seen_pages:
            result.complete = True
            return
        seen_pages.add(url)
        page = _get_ok(get, url, listing)
        if isinstance(page, str):
            # A page template runs out with a 404: that is the listing's end, not an error.
            if page_no > 1 and listing.page_url and page.endswith(f"HTTP 404 for {url}"):
                result.complete = True
            else:
                result.error = page
            return
        result.pages += 1
        soup = BeautifulSoup(page.body, "lxml", from_encoding=_charset(page.content_type))
        found = list(_html_links(listing, soup, page.url))
        if page_no > 1 and _nothing_new(found, result):
            result.complete = True  # an empty page, or the last one again (CMSs that repeat it)
            return
        fresh = [n for n in found if not _too_old(listing, n.publish_date)]
        result.notices.extend(fresh)
        if found and not fresh:
            return  # every notice on this page is older than `since`: listings run newest first
        url = _next_page(listing, soup, page.url, page_no)
        if url is None:
            result.complete = True
            return


def _html_links(listing: Listing, soup: BeautifulSoup, base: str) -> Iterator[Discovered]:
    anchors = soup.select(listing.select) if listing.select else soup.find_all("a", href=True)
    for a in anchors:
        if a.name != "a":
            a = a.find("a", href=True)
        if a is None or not a.get("href"):
            continue
        url = urljoin(base, a["href"].strip())
        if not _keep(listing, url):
            continue
        title = a.get("title") or a.get_text(" ", strip=True)
        # The date sits beside the link, in the same list item or table row.
        holder = a.find_parent(["li", "tr", "dd", "div"]) or a.parent
        yield _row(listing, url, title, _date_in_text(holder.get_text(" ", strip=True) if holder else ""))


def _next_page(listing: Listing, soup: BeautifulSoup, base: str, page_no: int) -> str | None:
    if listing.page_url:
        return listing.page_url.format(page=page_no + 1)
    link = None
    if listing.next_selector:
        link = soup.select_one(listing.next_selector)
    elif listing.next_text:
        link = next((a for a in soup.find_all("a", href=True) if a.get_text(strip=True) == listing.next_text), None)
    href = link.get("href") if link is not None else None
    if not href or href.strip().startswith(("javascript:", "#")):
        return None
    return urljoin(base, href.strip())


def _walk_json(listing: Listing, get: Getter, result: ListingResult) -> None:
    items_path, url_key = listing.url_field.split("[]", 1)
    for n in range(listing.max_pages):
        page_url = listing.url.format(page=listing.first_page + n)
        page = _get_ok(get, page_url, listing)
        if isinstance(page, str):
            result.error = page
            return
        result.pages += 1
        try:
            doc = json.loads(page.body.decode(_charset(page.content_type) or "utf-8", errors="replace"))
        except ValueError as e:
            result.error = f"listing {listing.listing_id}: {page_url} is not JSON ({e})"
            return
        items = _path(doc, items_path)
        if not isinstance(items, list):
            result.error = f"listing {listing.listing_id}: {page_url} has no list at {items_path!r}"
            return
        if not items:
            result.complete = True
            return
        found = []
        if not any(isinstance(_path(item, url_key), str) for item in items):
            result.error = f"listing {listing.listing_id}: no item of {page_url} has a URL at {listing.url_field!r}"
            return
        for item in items:
            link = _path(item, url_key)
            if not isinstance(link, str) or not link:
                continue
            url = urljoin(page_url, link.strip())
            if not _keep(listing, url):
                continue
            title = _field(item, listing.title_field)
            day = _parse_date(_path(item, listing.date_field.split("[]", 1)[1]) if listing.date_field else None)
            found.append(_row(listing, url, str(title) if title else None, day, _field(item, listing.doc_number_field)))
        if _nothing_new(found, result):
            result.complete = True  # an API that ignores the page number repeats its first page
            return
        fresh = [d for d in found if not _too_old(listing, d.publish_date)]
        result.notices.extend(fresh)
        if found and not fresh:
            return


def _nothing_new(found: list[Discovered], result: ListingResult) -> bool:
    seen = {n.url for n in result.notices}
    return all(n.url in seen for n in found)


def _field(item: object, path: str | None) -> str | None:
    if not path:
        return None
    value = _path(item, path.split("[]", 1)[1])
    return str(value) if value not in (None, "") else None


def _path(doc: object, path: str) -> object:
    """``data.list`` of a JSON document (a dotted path; empty: the document itself)."""
    for part in [p for p in path.strip(".").split(".") if p]:
        if isinstance(doc, dict):
            doc = doc.get(part)
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return None
    return doc


_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _walk_sitemap(listing: Listing, get: Getter, result: ListingResult) -> None:
    queue = [listing.url]
    seen: set[str] = set()
    while queue:
        if result.pages >= listing.max_pages:
            return  # more sitemaps than allowed: incomplete
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page = _get_ok(get, url, listing)
        if isinstance(page, str):
            result.error = page
            return
        result.pages += 1
        body = page.body
        if body[:2] == b"\x1f\x8b":
            import gzip

            body = gzip.decompress(body)[: 50 * 2**20]
        # No entities, no network, no huge trees: a sitemap is input from the web.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(body, parser)
        tag = etree.QName(root).localname
        if tag == "sitemapindex":
            if url != listing.url:
                continue  # one level deep
            queue.extend(loc.strip() for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()"))
            continue
        for node in root.xpath("//*[local-name()='url']"):
            loc = "".join(node.xpath("./*[local-name()='loc']/text()")).strip()
            lastmod = "".join(node.xpath("./*[local-name()='lastmod']/text()")).strip()
            if not loc or not _keep(listing, urljoin(url, loc)):
                continue
            day = _parse_date(lastmod)
            if not _too_old(listing, day):
                result.notices.append(_row(listing, urljoin(url, loc), None, day))
    result.complete = True


# --- helpers --------------------------------------------------------------------------------------

def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset=([\w.:-]+)", content_type or "", re.I)
    if not m:
        return None
    label = m.group(1).lower()
    return "gb18030" if label in ("gb2312", "gbk", "gb18030") else label


def _date_in_text(text: str) -> date | None:
    m = _DATE_IN_TEXT.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _parse_date(value: object) -> date | None:
    """A listing's date: ISO (with a time or not), 2020/01/02, 2020年1月2日, or epoch seconds / ms."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit() and len(value.strip()) >= 9):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, tz=_BEIJING).date()
        except (OverflowError, OSError, ValueError):
            return None
    return _date_in_text(str(value))
