"""Fetch catalogue entries over HTTP or from local files into the raw store.

A fetch never raises for a bad document: it returns a FetchResult whose ``error`` says what went
wrong and names the URL (HTTP status, timeout, too large, redirect loop, missing file, full
disk), so one bad URL never stops the others. Every fetch is bounded: a byte cap, timeouts per
phase, and a deadline for the whole fetch with its retries. ``fetch_all`` runs fetches
concurrently across hosts, one request at a time per host.
"""
from __future__ import annotations

import json
import mimetypes
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

import httpx
import tenacity

from pipelines.catalog import CatalogEntry
from pipelines.rawstore import RawStore, describe_os_error

USER_AGENT = "notices-warehouse/0.1 (+https://github.com/notices-warehouse)"
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
        )


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


def fetch_all(
    entries: Iterable[CatalogEntry],
    store: RawStore,
    previous: dict[str, FetchResult],
    force: bool = False,
    settings: FetchSettings | None = None,
) -> list[FetchResult]:
    """Fetch every entry, in the entries' order: concurrently across hosts, ``per_host`` at a
    time per host. Local files are read in the same pool."""
    settings = settings or FetchSettings.from_env()
    entries = list(entries)
    slots: dict[str, threading.Semaphore] = {}
    lock = threading.Lock()

    def one(entry: CatalogEntry, client: httpx.Client) -> FetchResult:
        host = "" if entry.is_local else (urlparse(entry.url).hostname or "")
        with lock:
            slot = slots.setdefault(host, threading.Semaphore(max(1, settings.per_host) if host else settings.max_workers))
        with slot:
            return fetch_entry(entry, store, client, previous.get(entry.source_id), force=force, settings=settings)

    with make_client(settings) as client, ThreadPoolExecutor(max_workers=max(1, settings.max_workers)) as pool:
        return list(pool.map(lambda e: one(e, client), entries))


def fetch_entry(
    entry: CatalogEntry,
    store: RawStore,
    client: httpx.Client | None = None,
    previous: FetchResult | None = None,
    force: bool = False,
    retries: int | None = None,
    backoff_seconds: float | None = None,
    settings: FetchSettings | None = None,
) -> FetchResult:
    """Fetch one entry.

    Local files are always re-read (cheap, and an edited file must be seen). For HTTP, a good
    ``previous`` fetch whose bytes are still in the store, intact, is reused without a request
    unless ``force`` is set: the result is the previous one with ``from_cache=True``. A previous
    fetch of another URL (the catalogue entry was pointed elsewhere) is never reused; a corrupt
    stored object is fetched again and rewritten.
    """
    settings = settings or FetchSettings.from_env()
    if retries is not None:
        settings = replace(settings, retries=retries)
    if backoff_seconds is not None:
        settings = replace(settings, backoff=backoff_seconds)
    if entry.is_local:
        return _fetch_file(entry, store)
    reusable = previous and previous.ok and previous.url == entry.url and previous.sha256 and store.verify(previous.sha256)
    if reusable and not force:
        return FetchResult(**{**asdict(previous), "from_cache": True, "fetched_at": _now(), "attempts": 0})
    own_client = client is None
    client = client or make_client(settings)
    try:
        return _fetch_http(entry, store, client, settings)
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


def _fetch_http(entry: CatalogEntry, store: RawStore, client: httpx.Client, s: FetchSettings) -> FetchResult:
    url = entry.url
    deadline = time.monotonic() + s.deadline
    attempts = 0

    def attempt() -> _Attempt:
        nonlocal attempts
        attempts += 1
        return _request(client, url, s, deadline)

    def wait(state: tenacity.RetryCallState) -> float:
        last = state.outcome.result() if state.outcome and not state.outcome.failed else None
        backoff = tenacity.wait_exponential_jitter(initial=s.backoff, max=30, jitter=s.backoff)(state) if s.backoff else 0.0
        delay = max(backoff, last.retry_after or 0.0) if last else backoff
        return max(0.0, min(delay, deadline - time.monotonic()))

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(1, s.retries)),
        wait=wait,
        retry=tenacity.retry_if_result(lambda a: a.retryable and time.monotonic() < deadline),
        retry_error_callback=lambda state: state.outcome.result(),
        reraise=True,
    )
    result: _Attempt = retrying(attempt)
    if not result.ok:
        return _failure(entry, result.error or f"fetch of {url} failed", result.status, attempts)
    try:
        sha = store.put(result.data)
    except OSError as e:
        return _failure(entry, f"cannot store the bytes of {url} in the raw store: {describe_os_error(e)}", 200, attempts)
    headers = result.headers or httpx.Headers()
    return FetchResult(
        source_id=entry.source_id, url=url, final_url=result.final_url, ok=True, status_code=200, error=None,
        content_type=headers.get("content-type") or guess_content_type(result.final_url or url),
        headers_json=json.dumps(dict(headers), ensure_ascii=False), fetched_at=_now(),
        size=len(result.data), sha256=sha, attempts=attempts, from_cache=False,
    )


def _request(client: httpx.Client, url: str, s: FetchSettings, deadline: float) -> _Attempt:
    """One GET, streamed: stops at ``max_bytes`` and at the deadline, whatever the server does."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return _Attempt(False, error=f"gave up on {url}: no answer within the {s.deadline:.0f}s deadline")
    timeout = httpx.Timeout(min(s.read_timeout, remaining), connect=min(s.connect_timeout, remaining))
    try:
        with client.stream("GET", url, timeout=timeout) as resp:
            final = str(resp.url)
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
