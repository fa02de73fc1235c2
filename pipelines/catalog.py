"""The catalogue: a YAML list of the notices to ingest.

    notices:
      - url: corpus/gd-2017-8.html          # http(s)://, file://, or a path relative to this file
        id: gd-2017-8-html                  # optional; derived from the URL when missing
        doc_number: 粤府〔2017〕8号           # optional overrides, win over what is parsed

Override keys may be written in English or as the Chinese labels portals use (文号, 发布机构…).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

# English key -> accepted spellings. Dates are parsed; everything else is kept as text.
OVERRIDE_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "名称", "标题"),
    "issuer": ("issuer", "发布机构", "发文机关"),
    "doc_number": ("doc_number", "文号", "发文字号"),
    "signed_date": ("signed_date", "成文日期"),
    "publish_date": ("publish_date", "发布日期"),
    "province": ("province", "省份"),
}
_DATE_KEYS = {"signed_date", "publish_date"}
_ALIASES = {alias: key for key, aliases in OVERRIDE_KEYS.items() for alias in aliases}
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class CatalogError(ValueError):
    """The catalogue file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class CatalogEntry:
    source_id: str
    url: str  # absolute: http(s)://… or file:///…
    overrides: dict[str, str | date] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return self.url.startswith("file://")

    @property
    def local_path(self) -> Path:
        return Path(unquote(urlparse(self.url).path))


def load_catalog(path: Path) -> list[CatalogEntry]:
    """Read and validate a catalogue file. Raises CatalogError with the entry at fault."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"catalogue not found: {path}")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("notices"), list):
        raise CatalogError(f"{path}: expected a top-level key 'notices:' holding a list of entries")
    entries: list[CatalogEntry] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(doc["notices"], start=1):
        entry = _entry(raw, n, path)
        if entry.source_id in seen:
            raise CatalogError(
                f"{path}: entry {n}: id {entry.source_id!r} is already used by entry {seen[entry.source_id]}"
            )
        seen[entry.source_id] = n
        entries.append(entry)
    return entries


def _entry(raw: object, n: int, path: Path) -> CatalogEntry:
    where = f"{path}: entry {n}"
    if isinstance(raw, str):
        raw = {"url": raw}
    if not isinstance(raw, dict) or not raw.get("url"):
        raise CatalogError(f"{where}: each entry needs a 'url'")
    url = resolve_url(str(raw["url"]), path.parent)
    overrides: dict[str, str | date] = {}
    for key, value in raw.items():
        if key in ("url", "id") or value is None:
            continue
        if key not in _ALIASES:
            known = ", ".join(sorted(_ALIASES))
            raise CatalogError(f"{where}: unknown key {key!r}; known keys: url, id, {known}")
        name = _ALIASES[key]
        overrides[name] = _date(value, f"{where}: {key}") if name in _DATE_KEYS else str(value)
    source_id = str(raw["id"]) if raw.get("id") else derive_source_id(url)
    if not _ID_OK.match(source_id):
        raise CatalogError(f"{where}: id {source_id!r} must be letters, digits, '.', '_' or '-'")
    return CatalogEntry(source_id=source_id, url=url, overrides=overrides)


def _date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as e:
        raise CatalogError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from e


def resolve_url(url: str, base_dir: Path) -> str:
    """Absolute URL for a catalogue entry: http(s) and file URLs as given, paths made file://."""
    scheme = urlparse(url).scheme.lower()
    if scheme in ("http", "https", "file"):
        return url
    if scheme and len(scheme) > 1:
        raise CatalogError(f"unsupported URL scheme {scheme!r} in {url!r} (use http, https, file or a path)")
    return (base_dir / url).resolve().as_uri()


def derive_source_id(url: str) -> str:
    """A readable, stable id from a URL: its file name plus a short hash of the whole URL."""
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]) or urlparse(url).netloc
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "notice"
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
