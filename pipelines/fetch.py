"""Fetch catalogue entries over HTTP or from local files into the raw store.

A fetch never raises for a bad document: it returns a FetchResult whose ``error`` says what went
wrong and names the URL (HTTP status, timeout, too large, redirect loop, missing file, full
disk), so one bad URL never stops the others. Every fetch is bounded: a byte cap, timeouts per
phase, and a deadline for the whole fetch with its retries. ``fetch_all`` runs fetches
concurrently across hosts, politely (``Politeness``): a limit of requests at once and requests
per second per host (NOTICES_FETCH_PER_HOST, NOTICES_FETCH_RPS, the catalogue's ``hosts:``),
robots.txt read once per host and obeyed. A cached source due for a re-check (``RecheckPolicy``)
is asked for conditionally (If-None-Match / If-Modified-Since): a 304 reuses the stored bytes.
"""
from __future__ import annotations

import json
import mimetypes
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse
from urllib.robotparser import RobotFileParser

import httpx
import tenacity

from pipelines.catalog import CatalogEntry, HostLimits
from pipelines.discover import Page
from pipelines.rawstore import RawStore, describe_os_error

USER_AGENT = "notices-warehouse/0.1 (+https://github.com/notices-warehouse)"
ROBOTS_AGENT = "notices-warehouse"  # the product token robots.txt rules name
NOT_MODIFIED = 304
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class FetchSettings:
    """Bounds of one fetch. From NOTICES_FETCH_* variables (see the README), else these defaults."""

    connect_timeout: float = 10.0  # seconds to connect
    read_timeout: float = 30.0  # seconds of silence while waiting for bytes
    deadline: float = 120.0  # seconds for the whole fetch, retries included
    max_bytes: int = 50 * 2**20  # a notice (or its PDF) larger than this is refused
    retries: int = 3  # attempts, for 429 / 5xx / connection failures
    backoff: float = 0.5  # seconds before the second attempt; doubles (with jitter) after
    max_workers: int = 8  # fetches at once, across hosts
    per_host: int = 1  # requests at once to one host
    rps: float = 0.0  # requests per second to one host; 0: no limit beyond per_host
    robots: bool = True  # obey robots.txt

    @classmethod
    def from_env(cls) -> FetchSettings:
        env = os.environ
        d = cls()
        return cls(
            connect_timeout=float(env.get("NOTICES_FETCH_CONNECT_TIMEOUT", d.connect_timeout)),
            read_timeout=float(env.get("NOTICES_FETCH_READ_TIMEOUT", d.read_timeout)),
            deadline=float(env.get("NOTICES_FETCH_DEADLINE", d.deadline)),
            max_bytes=int(env.get("NOTICES_FETCH_MAX_BYTES", d.max_bytes)),
            retries=int(env.get("NOTICES_FETCH_RETRIES", d.retries)),
            backoff=float(env.get("NOTICES_FETCH_BACKOFF", d.backoff)),
            max_workers=int(env.get("NOTICES_FETCH_WORKERS", d.max_workers)),
            per_host=int(env.get("NOTICES_FETCH_PER_HOST", d.per_host)),
            rps=float(env.get("NOTICES_FETCH_RPS", d.rps)),
            robots=env.get("NOTICES_FETCH_ROBOTS", "1") != "0",
        )


@dataclass(frozen=True)
class RecheckPolicy:
    """When a cached source is asked again (conditionally): a source first fetched less than
    ``young_days`` ago every ``young_every_days``, an older one every ``old_every_days``.
    0 means every run. From NOTICES_RECHECK_YOUNG_DAYS / _YOUNG_EVERY_DAYS / _OLD_EVERY_DAYS."""

    young_days: float = 365.0
    young_every_days: float = 7.0
    old_every_days: float = 30.0

    @classmethod
    def from_env(cls) -> RecheckPolicy:
        env, d = os.environ, cls()
        return cls(
            young_days=float(env.get("NOTICES_RECHECK_YOUNG_DAYS", d.young_days)),
            young_every_days=float(env.get("NOTICES_RECHECK_YOUNG_EVERY_DAYS", d.young_every_days)),
            old_every_days=float(env.get("NOTICES_RECHECK_OLD_EVERY_DAYS", d.old_every_days)),
        )

    def due(self, first_fetched: datetime | None, last_checked: datetime | None, now: datetime) -> bool:
        """Whether a source first fetched at ``first_fetched`` and last asked at ``last_checked`` is due."""
        if first_fetched is None or last_checked is None:
            return True
        young = now - first_fetched < timedelta(days=self.young_days)
        every = self.young_every_days if young else self.old_every_days
        return now - last_checked >= timedelta(days=every)


@dataclass(frozen=True)
class FetchResult:
    source_id: str
    url: str
    final_url: str | None
    ok: bool
    status_code: int | None  # None for local files and network failures
    error: str | None
    content_type: str | None
    headers_json: str | None  # response headers as a JSON object
    fetched_at: datetime
    size: int | None
    sha256: str | None
    attempts: int
    from_cache: bool  # True when the bytes were already in the store and no request was made

    def as_row(self) -> dict:
        return asdict(self)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def guess_content_type(path_or_url: str) -> str | None:
    return mimetypes.guess_type(path_or_url)[0]


class _HostPace:
    """Requests per second to one host, held where the server counts arrivals. A request may
    start only when the one ``rps`` requests before it has been answered at least a second ago:
    the server received that one before its answer, so no second of arrivals can hold more than
    ``rps``, however late the network delivers a request. Starts are also spaced by 1/``rps``
    so the allowance is not spent in bursts."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._window: deque[list[float | None]] = deque()  # [answered_at or None], in start order
        self._next_start = 0.0

    def start(self, rps: float) -> list[float | None]:
        room = max(1, int(rps))
        with self._cond:
            while True:
                now = time.monotonic()
                # Requests answered over a second ago no longer count against the host.
                while self._window and self._window[0][0] is not None and now - self._window[0][0] >= 1.0:
                    self._window.popleft()
                if len(self._window) < room and now >= self._next_start:
                    ticket: list[float | None] = [None]
                    self._window.append(ticket)
                    self._next_start = now + 1.0 / rps
                    return ticket
                wait = self._next_start - now
                if len(self._window) >= room:
                    answered = self._window[0][0]
                    # Still in flight: finish() wakes us when it is answered.
                    wait = max(wait, answered + 1.0 - now if answered is not None else 1.0)
                self._cond.wait(timeout=max(0.001, wait))

    def finish(self, ticket: list[float | None]) -> None:
        with self._cond:
            ticket[0] = time.monotonic()
            self._cond.notify_all()


# For the whole process: discovery and fetch (two assets, two Politeness objects) run back to
# back in one run and must not together exceed a host's rate.
_PACES: dict[str, _HostPace] = {}
_PACES_LOCK = threading.Lock()


class Politeness:
    """What one run owes each host, shared by all its threads: at most ``connections`` requests
    at once, request starts spaced by 1/``rps`` (retries and robots.txt included; the spacing is
    kept process-wide), and robots.txt, read once per host. Hosts are told apart by host:port;
    limits come from the catalogue's ``hosts:`` (by host:port, else host name), else from the
    settings."""

    def __init__(self, settings: FetchSettings | None = None, hosts: dict[str, HostLimits] | None = None) -> None:
        self.settings = settings or FetchSettings.from_env()
        self.hosts = hosts or {}
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._robots: dict[str, RobotFileParser | str | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests = 0  # every request made, robots.txt included

    def _limits(self, url: str) -> HostLimits:
        parts = urlparse(url)
        return self.hosts.get(parts.netloc.lower()) or self.hosts.get((parts.hostname or "").lower()) or HostLimits()

    def slot(self, url: str) -> threading.Semaphore:
        host = urlparse(url).netloc.lower()
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.Semaphore(max(1, self._limits(url).connections or self.settings.per_host))
            return self._slots[host]

    @contextmanager
    def paced(self, url: str) -> Iterator[None]:
        """Hold one request to ``url``'s host: waits until the host may be asked again, and counts
        the request as answered when the block ends. Every request (robots.txt and retries
        included) runs inside one."""
        rps = self._limits(url).rps or self.settings.rps
        host = urlparse(url).netloc.lower()
        with self._lock:
            self.requests += 1
        if not rps:
            yield
            return
        with _PACES_LOCK:
            pace = _PACES.setdefault(host, _HostPace())
        ticket = pace.start(rps)
        try:
            yield
        finally:
            pace.finish(ticket)

    def disallowed(self, url: str, client: httpx.Client) -> str | None:
        """Why robots.txt forbids ``url`` (a readable error), or None when it may be fetched."""
        if not self.settings.robots:
            return None
        parts = urlparse(url)
        host = parts.netloc.lower()
        with self._lock:
            host_lock = self._robots_locks.setdefault(host, threading.Lock())
        with host_lock:  # one robots.txt request per host, however many threads ask
            if host not in self._robots:
                self._robots[host] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", client)
        rules = self._robots[host]
        if isinstance(rules, str):
            return rules
        if rules is not None and not rules.can_fetch(ROBOTS_AGENT, url):
            return f"{url} is disallowed by robots.txt ({parts.scheme}://{parts.netloc}/robots.txt): not fetched"
        return None

    def _read_robots(self, robots_url: str, client: httpx.Client) -> RobotFileParser | str | None:
        """Rules; None (anything allowed) when there is no robots.txt; an error text when the
        server fails on it (RFC 9309: a 5xx robots.txt means "disallow everything" for now)."""
        # Bounded like any fetch (a robots.txt over 512 KiB is ignored, as crawlers do past that size).
        s = replace(self.settings, max_bytes=512 * 1024)
        with self.paced(robots_url):
            answer = _request(client, robots_url, s, time.monotonic() + s.deadline)
        if answer.status is None:
            return None  # unreachable: the request itself will fail with its own error
        if answer.status >= 500:
            return f"robots.txt of {urlparse(robots_url).netloc} answered HTTP {answer.status}: nothing fetched from that host this run"
        if not answer.ok:
            return None
        rules = RobotFileParser(robots_url)
        rules.parse(answer.data.decode("utf-8", errors="replace").splitlines())
        return rules


def fetch_all(
    entries: Iterable[CatalogEntry],
    store: RawStore,
    previous: dict[str, FetchResult],
    force: bool = False,
    settings: FetchSettings | None = None,
    polite: Politeness | None = None,
    recheck: Callable[[CatalogEntry], bool] | None = None,
) -> list[FetchResult]:
    """Fetch every entry, in the entries' order: concurrently across hosts, within each host's
    limits (``polite``). A cached entry is asked again, conditionally, when ``recheck(entry)``
    says it is due. Local files are read in the same pool."""
    settings = settings or FetchSettings.from_env()
    polite = polite or Politeness(settings)
    entries = list(entries)
    local_slot = threading.Semaphore(max(1, settings.max_workers))

    def one(entry: CatalogEntry, client: httpx.Client) -> FetchResult:
        due = bool(recheck and recheck(entry))
        with local_slot if entry.is_local else polite.slot(entry.url):
            return fetch_entry(
                entry, store, client, previous.get(entry.source_id), force=force, settings=settings,
                polite=polite, recheck=due,
            )

    with make_client(settings) as client, ThreadPoolExecutor(max_workers=max(1, settings.max_workers)) as pool:
        return list(pool.map(lambda e: one(e, client), entries))


@dataclass
class PageCache:
    """Listing pages of earlier walks, so a walk asks conditionally: url → {etag, last_modified,
    content_type, sha256}, the bytes in the raw store. ``seen`` holds this walk's pages."""

    store: RawStore
    known: dict[str, dict]
    seen: dict[str, dict] = field(default_factory=dict)
    not_modified: int = 0

    def headers(self, url: str) -> dict[str, str]:
        page = self.known.get(url)
        if not page or not page.get("sha256") or not self.store.verify(page["sha256"]):
            return {}
        out = {"If-None-Match": page.get("etag"), "If-Modified-Since": page.get("last_modified")}
        return {k: v for k, v in out.items() if v}


def polite_getter(client: httpx.Client, polite: Politeness, cache: PageCache | None = None) -> Callable[[str], Page]:
    """A GET for discovery (listing pages, APIs, sitemaps) under the same rules as fetches:
    robots.txt, per-host limits, retries with backoff, the byte cap and the deadline. With a
    ``cache``, pages seen before are asked conditionally and a 304 gives the stored bytes."""
    s = polite.settings

    def get(url: str) -> Page:
        conditional = cache.headers(url) if cache else {}
        with polite.slot(url):
            refused = polite.disallowed(url, client)
            if refused:
                return Page(None, None, b"", url, error=refused)
            result, _ = _get_with_retries(client, url, s, polite, conditional)
        if cache is not None and result.status == NOT_MODIFIED and conditional:
            page = cache.known[url]
            cache.seen[url] = page
            cache.not_modified += 1
            return Page(200, page.get("content_type"), cache.store.get(page["sha256"]), url)
        if not result.ok and result.status in (None, 200):  # no answer, too big, too slow
            return Page(None, None, b"", url, error=result.error)
        headers = result.headers or httpx.Headers()
        if cache is not None and result.ok:
            try:
                sha = cache.store.put(result.data)
            except OSError:
                sha = None  # a full raw store: the walk goes on, the next one asks in full
            if sha:
                cache.seen[url] = {"url": url, "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                                   "content_type": headers.get("content-type"), "sha256": sha}
        return Page(result.status, headers.get("content-type"), result.data or b"", result.final_url or url)

    return get


def fetch_entry(
    entry: CatalogEntry,
    store: RawStore,
    client: httpx.Client | None = None,
    previous: FetchResult | None = None,
    force: bool = False,
    retries: int | None = None,
    backoff_seconds: float | None = None,
    settings: FetchSettings | None = None,
    polite: Politeness | None = None,
    recheck: bool = False,
) -> FetchResult:
    """Fetch one entry.

    Local files are always re-read (cheap, and an edited file must be seen). For HTTP, a good
    ``previous`` fetch whose bytes are still in the store, intact, is reused without a request
    unless ``force`` is set: the result is the previous one with ``from_cache=True``. With
    ``recheck``, the server is asked conditionally (the previous ETag / Last-Modified): 304 gives
    the previous result with ``from_cache=True`` and ``status_code=304``. A previous fetch of
    another URL (the catalogue entry was pointed elsewhere) is never reused; a corrupt stored
    object is fetched again and rewritten. ``polite`` adds robots.txt and the per-host pace.
    """
    settings = settings or FetchSettings.from_env()
    if retries is not None:
        settings = replace(settings, retries=retries)
    if backoff_seconds is not None:
        settings = replace(settings, backoff=backoff_seconds)
    if entry.is_local:
        return _fetch_file(entry, store)
    reusable = previous and previous.ok and previous.url == entry.url and previous.sha256 and store.verify(previous.sha256)
    if reusable and not force and not recheck:
        return FetchResult(**{**asdict(previous), "from_cache": True, "fetched_at": _now(), "attempts": 0})
    own_client = client is None
    client = client or make_client(settings)
    try:
        if polite is not None:
            refused = polite.disallowed(entry.url, client)
            if refused:
                return _failure(entry, refused, None, 0)
        return _fetch_http(entry, store, client, settings, polite, previous if reusable and not force else None)
    finally:
        if own_client:
            client.close()


def make_client(settings: FetchSettings | None = None) -> httpx.Client:
    s = settings or FetchSettings.from_env()
    timeout = httpx.Timeout(s.read_timeout, connect=s.connect_timeout)
    limits = httpx.Limits(max_connections=max(1, s.max_workers) * 2, max_keepalive_connections=max(1, s.max_workers))
    return httpx.Client(
        follow_redirects=True, timeout=timeout, limits=limits, headers={"User-Agent": USER_AGENT}, max_redirects=10
    )


def _fetch_file(entry: CatalogEntry, store: RawStore) -> FetchResult:
    path = entry.local_path
    try:
        data = path.read_bytes()
    except OSError as e:
        return _failure(entry, f"cannot read {path}: {describe_os_error(e)}", None, 1)
    try:
        sha = store.put(data)
    except OSError as e:
        return _failure(entry, f"cannot store the bytes of {path} in the raw store: {describe_os_error(e)}", None, 1)
    return FetchResult(
        source_id=entry.source_id, url=entry.url, final_url=entry.url, ok=True, status_code=None,
        error=None, content_type=guess_content_type(str(path)), headers_json=None, fetched_at=_now(),
        size=len(data), sha256=sha, attempts=1, from_cache=False,
    )


@dataclass(frozen=True)
class _Attempt:
    """What one request gave: bytes, or why not and whether asking again may help."""

    ok: bool
    status: int | None = None
    error: str | None = None
    data: bytes | None = None
    headers: httpx.Headers | None = None
    final_url: str | None = None
    retryable: bool = False
    retry_after: float | None = None


class _DeadlineExceeded(Exception):
    pass


def _conditional_headers(previous: FetchResult | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators the previous answer carried."""
    if previous is None or not previous.headers_json:
        return {}
    try:
        stored = {k.lower(): v for k, v in json.loads(previous.headers_json).items()}
    except (ValueError, AttributeError):
        return {}
    out = {}
    if stored.get("etag"):
        out["If-None-Match"] = stored["etag"]
    if stored.get("last-modified"):
        out["If-Modified-Since"] = stored["last-modified"]
    return out


def _expects_pdf(url: str) -> bool:
    return urlparse(url).path.lower().endswith(".pdf")


def _fetch_http(
    entry: CatalogEntry, store: RawStore, client: httpx.Client, s: FetchSettings,
    polite: Politeness | None = None, previous: FetchResult | None = None,
) -> FetchResult:
    url = entry.url
    result, attempts = _get_with_retries(client, url, s, polite, _conditional_headers(previous))
    if result.status == NOT_MODIFIED and previous is not None:
        # Nothing changed: the stored bytes stand; the log gains nothing (from_cache).
        return replace(previous, from_cache=True, status_code=NOT_MODIFIED, fetched_at=_now(), attempts=attempts)
    if not result.ok:
        return _failure(entry, result.error or f"fetch of {url} failed", result.status, attempts)
    headers = result.headers or httpx.Headers()
    content_type = headers.get("content-type") or guess_content_type(result.final_url or url)
    if _expects_pdf(url) and "html" in (content_type or "").lower() and not result.data.lstrip()[:5].startswith(b"%PDF"):
        return _failure(entry, f"{url} should be a PDF but the server answered an HTML page ({content_type}): "
                               "an error page, not the document", 200, attempts)
    try:
        sha = store.put(result.data)
    except OSError as e:
        return _failure(entry, f"cannot store the bytes of {url} in the raw store: {describe_os_error(e)}", 200, attempts)
    return FetchResult(
        source_id=entry.source_id, url=url, final_url=result.final_url, ok=True, status_code=200, error=None,
        content_type=content_type,
        headers_json=json.dumps(dict(headers), ensure_ascii=False), fetched_at=_now(),
        size=len(result.data), sha256=sha, attempts=attempts, from_cache=False,
    )


def _get_with_retries(
    client: httpx.Client, url: str, s: FetchSettings, polite: Politeness | None, headers: dict[str, str]
) -> tuple[_Attempt, int]:
    """GET ``url`` with retries (429 / 5xx / connection failures, exponential backoff with
    jitter, Retry-After honoured), all within the deadline. Returns the last attempt and how
    many were made."""
    deadline = time.monotonic() + s.deadline
    attempts = 0

    def attempt() -> _Attempt:
        nonlocal attempts
        attempts += 1
        if polite is None:
            return _request(client, url, s, deadline, headers)
        with polite.paced(url):
            return _request(client, url, s, deadline, headers)

    def wait(state: tenacity.RetryCallState) -> float:
        last = state.outcome.result() if state.outcome and not state.outcome.failed else None
        backoff = tenacity.wait_exponential_jitter(multiplier=s.backoff, max=30, jitter=s.backoff)(state) if s.backoff else 0.0
        delay = max(backoff, last.retry_after or 0.0) if last else backoff
        return max(0.0, min(delay, deadline - time.monotonic()))

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(1, s.retries)),
        wait=wait,
        retry=tenacity.retry_if_result(lambda a: a.retryable and time.monotonic() < deadline),
        retry_error_callback=lambda state: state.outcome.result(),
        reraise=True,
    )
    return retrying(attempt), attempts


def _request(client: httpx.Client, url: str, s: FetchSettings, deadline: float, headers: dict[str, str] | None = None) -> _Attempt:
    """One GET, streamed: stops at ``max_bytes`` and at the deadline, whatever the server does."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return _Attempt(False, error=f"gave up on {url}: no answer within the {s.deadline:.0f}s deadline")
    timeout = httpx.Timeout(min(s.read_timeout, remaining), connect=min(s.connect_timeout, remaining))
    try:
        with client.stream("GET", url, timeout=timeout, headers=headers or None) as resp:
            final = str(resp.url)
            if resp.status_code == NOT_MODIFIED and headers:
                return _Attempt(False, status=NOT_MODIFIED, final_url=final, headers=resp.headers)
            if resp.status_code != 200:
                retry_after = _retry_after(resp.headers.get("retry-after"))
                return _Attempt(
                    False, status=resp.status_code, final_url=final,
                    error=f"HTTP {resp.status_code} {resp.reason_phrase} for {final}",
                    retryable=resp.status_code in RETRY_STATUSES, retry_after=retry_after,
                )
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > s.max_bytes:
                return _Attempt(False, status=200, final_url=final,
                                error=f"{final} is {int(declared):,} bytes, over the {s.max_bytes:,}-byte limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > s.max_bytes:
                    return _Attempt(False, status=200, final_url=final,
                                    error=f"{final} sent more than the {s.max_bytes:,}-byte limit")
                if time.monotonic() > deadline:
                    raise _DeadlineExceeded
                chunks.append(chunk)
            return _Attempt(True, status=200, data=b"".join(chunks), headers=resp.headers, final_url=final)
    except _DeadlineExceeded:
        return _Attempt(False, status=200, error=f"{url} did not finish within the {s.deadline:.0f}s deadline (the server is too slow)")
    except httpx.TooManyRedirects:
        return _Attempt(False, error=f"redirect loop at {url} (more than {client.max_redirects} redirects)")
    except httpx.TimeoutException as e:
        return _Attempt(False, error=f"{type(e).__name__} fetching {url}: no answer for {timeout.read:.0f}s", retryable=True)
    except httpx.TransportError as e:
        return _Attempt(False, error=f"{type(e).__name__} fetching {url}: {e}", retryable=True)
    except httpx.HTTPError as e:
        return _Attempt(False, error=f"{type(e).__name__} fetching {url}: {e}")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - _now()).total_seconds()) if when.tzinfo else None


def _failure(entry: CatalogEntry, error: str, status: int | None, attempts: int) -> FetchResult:
    return FetchResult(
        source_id=entry.source_id, url=entry.url, final_url=None, ok=False, status_code=status,
        error=error, content_type=None, headers_json=None, fetched_at=_now(), size=None, sha256=None,
        attempts=attempts, from_cache=False,
    )
