"""Fetch catalogue entries over HTTP or from local files into the raw store.

A fetch never raises for a bad document: it returns a FetchResult whose ``error`` says what went
wrong (HTTP status, timeout, missing file), so one bad URL never stops the others.
"""
from __future__ import annotations

import json
import mimetypes
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

import httpx

from pipelines.catalog import CatalogEntry
from pipelines.rawstore import RawStore

USER_AGENT = "notices-warehouse/0.1 (+https://github.com/notices-warehouse)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


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


def fetch_entry(
    entry: CatalogEntry,
    store: RawStore,
    client: httpx.Client | None = None,
    previous: FetchResult | None = None,
    force: bool = False,
    retries: int = 3,
    backoff_seconds: float = 0.5,
) -> FetchResult:
    """Fetch one entry.

    Local files are always re-read (cheap, and an edited file must be seen). For HTTP, a good
    ``previous`` fetch whose bytes are still in the store is reused without a request unless
    ``force`` is set: the result is the previous one with ``from_cache=True``. A previous fetch
    of another URL (the catalogue entry was pointed elsewhere) is never reused.
    """
    if entry.is_local:
        return _fetch_file(entry, store)
    reusable = previous and previous.ok and previous.url == entry.url and previous.sha256 and store.has(previous.sha256)
    if reusable and not force:
        return FetchResult(**{**asdict(previous), "from_cache": True, "fetched_at": _now(), "attempts": 0})
    own_client = client is None
    client = client or make_client()
    try:
        return _fetch_http(entry, store, client, retries, backoff_seconds)
    finally:
        if own_client:
            client.close()


def make_client(timeout: float = 30.0) -> httpx.Client:
    return httpx.Client(
        follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}, max_redirects=10
    )


def _fetch_file(entry: CatalogEntry, store: RawStore) -> FetchResult:
    path = entry.local_path
    try:
        data = path.read_bytes()
    except OSError as e:
        return _failure(entry, f"cannot read {path}: {e.strerror or e}", None, 1)
    sha = store.put(data)
    return FetchResult(
        source_id=entry.source_id, url=entry.url, final_url=entry.url, ok=True, status_code=None,
        error=None, content_type=guess_content_type(str(path)), headers_json=None, fetched_at=_now(),
        size=len(data), sha256=sha, attempts=1, from_cache=False,
    )


def _fetch_http(
    entry: CatalogEntry, store: RawStore, client: httpx.Client, retries: int, backoff: float
) -> FetchResult:
    last_error = "not attempted"
    last_status: int | None = None
    for attempt in range(1, retries + 1):
        try:
            resp = client.get(entry.url)
        except httpx.HTTPError as e:
            last_error, last_status = f"{type(e).__name__}: {e}", None
        else:
            if resp.status_code == 200:
                data = resp.content  # bytes exactly as sent (after transfer decoding)
                sha = store.put(data)
                return FetchResult(
                    source_id=entry.source_id, url=entry.url, final_url=str(resp.url), ok=True,
                    status_code=resp.status_code, error=None,
                    content_type=resp.headers.get("content-type") or guess_content_type(str(resp.url)),
                    headers_json=json.dumps(dict(resp.headers), ensure_ascii=False), fetched_at=_now(),
                    size=len(data), sha256=sha, attempts=attempt, from_cache=False,
                )
            last_status = resp.status_code
            last_error = f"HTTP {resp.status_code} {resp.reason_phrase} for {resp.url}"
            if resp.status_code not in RETRY_STATUSES:
                break  # 404, 403, …: asking again will not help
        if attempt < retries:
            time.sleep(backoff * 2 ** (attempt - 1))
    return _failure(entry, last_error, last_status, attempt)


def _failure(entry: CatalogEntry, error: str, status: int | None, attempts: int) -> FetchResult:
    return FetchResult(
        source_id=entry.source_id, url=entry.url, final_url=None, ok=False, status_code=status,
        error=error, content_type=None, headers_json=None, fetched_at=_now(), size=None, sha256=None,
        attempts=attempts, from_cache=False,
    )
