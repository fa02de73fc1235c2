"""A fake government portal on 127.0.0.1 for the discovery and politeness tests.

``FakePortal()`` serves, on its own port (one "host"):

* ``/list/index.html``, ``index_2.html``, ``index_3.html``: an HTML listing of 25 notices, 10 a
  page, newest first, with a 下一页 link; 20 HTML pages (GBK and UTF-8 alternating) and 5 PDFs;
* ``/api/list?page=N``: the same notices as a JSON API (``data.list[].url`` …), 10 a page;
* ``/sitemap.xml``: a sitemap index pointing at ``/sitemap-notices.xml``;
* ``/robots.txt``: disallows ``/private/`` (``/private/secret.html`` exists, to be refused);
* ETag and Last-Modified on every notice, answering If-None-Match / If-Modified-Since with 304.

``change(n)`` rewrites notice n, ``remove(n)`` takes it off the listings and makes its page a
404, ``fail_first(path, k)`` answers 503 to the next k requests, ``delay(path, s)`` slows a path,
and ``rate_limit`` (requests per second) makes the host answer 429 beyond it. Every request is
logged with its arrival time and whether it was conditional, so tests can assert what was asked.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from synth import HUNAN, Notice, notice_html, pdf_for

N_NOTICES = 25
PER_PAGE = 10
PDF_EVERY = 5  # notices 5, 10, 15, 20, 25 are PDFs


def make_notice(n: int, revision: int = 0) -> Notice:
    """Notice n (1-based), short and distinct (its own 文号), so 25 of them parse in seconds."""
    extra = f"本通知第{revision}次修订，自修订之日起施行。" if revision else "本通知自印发之日起施行。"
    return dataclasses.replace(
        HUNAN,
        doc_number=f"湘政发〔2026〕{n}号",
        title=f"湖南省人民政府关于推进第{n}批城镇老旧小区改造的通知",
        title_lines=(),
        paragraphs=(
            f"为推进第{n}批城镇老旧小区改造，改善居民居住条件，现将有关事项通知如下。",
            "一、总体要求",
            f"（一）主要目标。到2027年底，完成第{n}批城镇老旧小区改造任务的{10 + n}%以上。",
            "（二）明确责任。各市州人民政府负责组织实施，省住房城乡建设厅牵头做好指导。",
            extra,
        ),
        publish_date=f"2026-{1 + (n - 1) // 3:02d}-{1 + n % 28:02d}",  # later for a higher n
    )


@dataclass
class Resource:
    body: bytes
    content_type: str
    modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    at: float  # time.monotonic() on arrival
    path: str
    conditional: bool
    status: int


class FakePortal:
    def __init__(self, rate_limit: float | None = None) -> None:
        self.rate_limit = rate_limit
        self.revisions: dict[int, int] = {n: 0 for n in range(1, N_NOTICES + 1)}
        self.removed: set[int] = set()
        self.failures: dict[str, int] = {}
        self.delays: dict[str, float] = {}
        self.hits: list[Hit] = []
        self.extra: dict[str, Resource] = {}  # more paths a test serves
        self._lock = threading.Lock()
        self._resources: dict[str, Resource] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        for n in self.revisions:
            self._render(n)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    # --- what the portal holds --------------------------------------------------------------

    @staticmethod
    def path_of(n: int) -> str:
        return f"/art/2026/{n:03d}.pdf" if n % PDF_EVERY == 0 else f"/art/2026/{n:03d}.html"

    def url_of(self, n: int) -> str:
        return self.base_url + self.path_of(n)

    def listed(self) -> list[int]:
        """Notices on the listings, newest first (the highest number is the newest)."""
        return [n for n in sorted(self.revisions, reverse=True) if n not in self.removed]

    def _render(self, n: int) -> None:
        notice = make_notice(n, self.revisions[n])
        if n % PDF_EVERY == 0:
            res = Resource(pdf_for(notice), "application/pdf")
        elif n % 2:
            res = Resource(notice_html(notice, encoding="gbk"), "text/html; charset=gb2312")
        else:
            res = Resource(notice_html(notice, encoding="utf-8"), "text/html; charset=utf-8")
        self._resources[self.path_of(n)] = res

    def change(self, n: int) -> None:
        with self._lock:
            self.revisions[n] += 1
            self._render(n)

    def remove(self, n: int) -> None:
        with self._lock:
            self.removed.add(n)
            self._resources.pop(self.path_of(n), None)

    def fail_first(self, path: str, times: int) -> None:
        self.failures[path] = times

    def delay(self, path: str, seconds: float) -> None:
        self.delays[path] = seconds

    def requests_to(self, prefix: str = "/") -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def max_in_any_second(self) -> int:
        """The most requests that arrived within any window of one second."""
        times = sorted(h.at for h in self.requests_to())
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    # --- pages ------------------------------------------------------------------------------

    def _listing_page(self, page: int) -> bytes:
        notices = self.listed()
        pages = max(1, -(-len(notices) // PER_PAGE))
        items = "".join(
            f'<li><a href="{self.path_of(n)}" title="{make_notice(n).title}">{make_notice(n).title}</a>'
            f"<span>{make_notice(n).publish_date}</span></li>"
            for n in notices[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        nxt = f'<a class="next" href="index_{page + 1}.html">下一页</a>' if page < pages else "<span>下一页</span>"
        html = (
            '<html><head><meta charset="gb2312"><title>政府文件</title></head><body>'
            '<div class="nav"><a href="/">首页</a><a href="/about.html">关于我们</a></div>'
            f'<ul class="list">{items}</ul><div class="page">{nxt}</div></body></html>'
        )
        return html.encode("gbk")

    def _api_page(self, page: int) -> bytes:
        notices = self.listed()[(page - 1) * PER_PAGE : page * PER_PAGE]
        rows = [
            {"title": make_notice(n).title, "url": self.path_of(n), "publish_time": make_notice(n).publish_date + " 09:00:00",
             "document_number": make_notice(n).doc_number}
            for n in notices
        ]
        return json.dumps({"code": 0, "data": {"total": len(self.listed()), "list": rows}}, ensure_ascii=False).encode()

    def _sitemap(self, index: bool) -> bytes:
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if index:
            return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {ns}><sitemap>'
                    f"<loc>{self.base_url}/sitemap-notices.xml</loc></sitemap></sitemapindex>").encode()
        urls = "".join(
            f"<url><loc>{self.url_of(n)}</loc><lastmod>{make_notice(n).publish_date}</lastmod></url>" for n in self.listed()
        ) + f"<url><loc>{self.base_url}/about.html</loc></url>"
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset {ns}>{urls}</urlset>'.encode()

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Resource | None]:
        if path == "/robots.txt":
            return 200, Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path in ("/list/", "/list/index.html") or path.startswith("/list/index_"):
            page = 1 if path in ("/list/", "/list/index.html") else int(path.split("_")[1].split(".")[0])
            if page > max(1, -(-len(self.listed()) // PER_PAGE)):
                return 404, None
            return 200, Resource(self._listing_page(page), "text/html; charset=gb2312")
        if path == "/api/list":
            return 200, Resource(self._api_page(int(query.get("page", ["1"])[0])), "application/json; charset=utf-8")
        if path in ("/sitemap.xml", "/sitemap-notices.xml"):
            return 200, Resource(self._sitemap(path == "/sitemap.xml"), "application/xml")
        if path == "/private/secret.html":
            return 200, Resource("<p>不应抓取</p>".encode(), "text/html; charset=utf-8")
        res = self._resources.get(path) or self.extra.get(path)
        return (200, res) if res else (404, None)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                arrived = time.monotonic()
                url = urlparse(self.path)
                conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
                with portal._lock:
                    recent = [h for h in portal.hits if arrived - h.at < 1.0]
                    over = portal.rate_limit is not None and len(recent) >= portal.rate_limit
                    failing = portal.failures.get(url.path, 0)
                    if failing:
                        portal.failures[url.path] = failing - 1
                if over:
                    status, res = 429, None
                elif failing:
                    status, res = 503, None
                else:
                    with portal._lock:
                        status, res = portal._answer(url.path, parse_qs(url.query))
                if res is not None and conditional and (
                    self.headers.get("If-None-Match") == res.etag
                    or (not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == formatdate(res.modified, usegmt=True))
                ):
                    status = 304
                with portal._lock:
                    portal.hits.append(Hit(arrived, url.path, conditional, status))
                if url.path in portal.delays:
                    time.sleep(portal.delays[url.path])
                body = res.body if status == 200 and res else b"" if status == 304 else f"<h1>{status}</h1>".encode()
                self.send_response(status)
                if res is not None:
                    self.send_header("ETag", res.etag)
                    self.send_header("Last-Modified", formatdate(res.modified, usegmt=True))
                if status == 200 and res:
                    self.send_header("Content-Type", res.content_type)
                elif status != 304:
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                if status == 429:
                    self.send_header("Retry-After", "1")
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
