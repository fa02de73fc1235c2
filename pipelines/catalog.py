"""The catalogue: a YAML list of the notices to ingest.

    roots: [/srv/notices]                    # optional: folders file entries may read besides this file's
    notices:
      - url: corpus/gd-2017-8.html          # http(s)://, file://, or a path relative to this file
        id: gd-2017-8-html                  # optional; derived from the URL when missing
        doc_number: 粤府〔2017〕8号           # optional overrides, win over what is parsed

Override keys may be written in English or as the Chinese labels portals use (文号, 发布机构…).
A file entry must lie inside the catalogue's folder or one of its ``roots`` (symlinks resolved),
so a catalogue cannot make the pipeline read ``../../etc/passwd`` or a private file beside the
project. Every problem of every entry is reported in one error, before anything is fetched.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar
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
_ENTRY_KEYS = ("url", "id", *_ALIASES)
_TOP_KEYS = ("notices", "roots", "listings", "hosts")
_HOST_KEYS = ("rps", "connections")
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_MAX_LISTED_ERRORS = 50


@dataclass(frozen=True)
class HostLimits:
    """Politeness towards one host, from the catalogue's ``hosts:`` (None: the global default)."""

    rps: float | None = None  # requests per second
    connections: int | None = None  # requests at once


@dataclass(frozen=True)
class Catalog:
    """Everything a catalogue file says: notices, listings to discover more from, host limits."""

    entries: list[CatalogEntry]
    listings: list = field(default_factory=list)  # list[pipelines.discover.Listing]
    hosts: dict[str, HostLimits] = field(default_factory=dict)
    roots: list[Path] = field(default_factory=list)  # folders local files may be read from, the catalogue's first


class CatalogError(ValueError):
    """The catalogue file cannot be used; the message says where and why (every problem found)."""


@dataclass(frozen=True)
class CatalogEntry:
    source_id: str
    url: str  # absolute: http(s)://… or file:///…
    overrides: dict[str, str | date] = field(default_factory=dict)
    # What readers see: the URL as given, or a file's path relative to the catalogue (never a path
    # of the machine that built the warehouse).
    source_url: str = ""
    attachment_of: str | None = None  # an attachment a notice page links: that notice's source id

    def __post_init__(self) -> None:
        if not self.source_url:
            object.__setattr__(self, "source_url", self.url)

    @property
    def is_local(self) -> bool:
        return self.url.startswith("file://")

    @property
    def local_path(self) -> Path:
        return Path(unquote(urlparse(self.url).path))


class _StringDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: 6× faster on 10,000 entries
    """YAML without implicit timestamps: ``2020-02-30`` stays text, and we validate it with the
    entry named (PyYAML's own date parsing raises a bare "day is out of range for month")."""


_StringDates.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_catalog_text(path: Path) -> str:
    """The catalogue's text; a file that is not UTF-8 is an error naming the line and the byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it reads as GBK/GB18030: re-save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise CatalogError(
            f"{path}: line {line}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}){hint}"
        ) from None


def load_catalog(path: Path) -> list[CatalogEntry]:
    """Read and validate a catalogue file; its notices. Raises CatalogError listing every entry at fault."""
    return load_catalog_file(path).entries


def load_catalog_file(path: Path) -> Catalog:
    """Read and validate a catalogue file: notices, listings and host limits, every problem at once."""
    from pipelines.discover import parse_listings  # discover imports this module

    path = Path(path)
    if not path.exists():
        raise CatalogError(f"catalogue not found: {path}")
    try:
        doc = yaml.load(read_catalog_text(path), Loader=_StringDates)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}: not valid YAML: {e}") from e
    # A catalogue of listings only needs no `notices:`.
    if isinstance(doc, dict) and doc.get("notices") is None and doc.get("listings"):
        doc = {**doc, "notices": []}
    if not isinstance(doc, dict) or not isinstance(doc.get("notices"), list):
        raise CatalogError(f"{path}: expected a top-level key 'notices:' holding a list of entries (or 'listings:')")
    problems: list[str] = []
    for key in doc:
        if key not in _TOP_KEYS:
            problems.append(f"{path}: unknown top-level key {key!r}{_did_you_mean(str(key), _TOP_KEYS)}; known: {', '.join(_TOP_KEYS)}")
    roots = _roots(doc.get("roots"), path, problems)
    listings = parse_listings(doc.get("listings"), path, problems)
    hosts = _hosts(doc.get("hosts"), path, problems)
    entries = unique_by_id(
        [(n, _entry(raw, n, path, roots, problems)) for n, raw in enumerate(doc["notices"], start=1)],
        lambda e: e.source_id, "entry", path, problems,
    )
    if problems:
        shown = problems[:_MAX_LISTED_ERRORS]
        more = len(problems) - len(shown)
        head = f"{len(problems)} problem(s) in the catalogue {path}:" if len(problems) > 1 else ""
        lines = ([head] if head else []) + [f"  {p}" if head else p for p in shown]
        if more:
            lines.append(f"  … and {more} more")
        raise CatalogError("\n".join(lines))
    return Catalog(entries, listings, hosts, roots)


def _hosts(value: object, path: Path, problems: list[str]) -> dict[str, HostLimits]:
    """``hosts: {www.gd.gov.cn: {rps: 2, connections: 1}}``: limits per host name."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{path}: 'hosts' must map host names to {{rps: …, connections: …}}")
        return {}
    out: dict[str, HostLimits] = {}
    for host, limits in value.items():
        where = f"{path}: hosts: {host}"
        if not isinstance(limits, dict):
            problems.append(f"{where}: expected {{rps: …, connections: …}}")
            continue
        for key in limits:
            if key not in _HOST_KEYS:
                problems.append(f"{where}: unknown key {key!r}{_did_you_mean(str(key), _HOST_KEYS)}; known keys: rps, connections")
        rps, conns = limits.get("rps"), limits.get("connections")
        if rps is not None and (isinstance(rps, bool) or not isinstance(rps, (int, float)) or rps <= 0):
            problems.append(f"{where}: rps must be a number above 0, not {rps!r}")
            rps = None
        if conns is not None and (isinstance(conns, bool) or not isinstance(conns, int) or conns < 1):
            problems.append(f"{where}: connections must be a whole number ≥ 1, not {conns!r}")
            conns = None
        out[str(host).lower()] = HostLimits(float(rps) if rps is not None else None, conns)
    return out


def _roots(value: object, path: Path, problems: list[str]) -> list[Path]:
    """Folders file entries may be read from: the catalogue's own folder, plus ``roots:``."""
    roots = [path.parent.resolve()]
    if value is None:
        return roots
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(f"{path}: 'roots' must be a list of folder paths")
        return roots
    for v in value:
        root = (path.parent / v).resolve()
        if not root.is_dir():
            problems.append(f"{path}: root {v!r} is not a folder ({root})")
        roots.append(root)
    return roots


def _entry(raw: object, n: int, path: Path, roots: list[Path], problems: list[str]) -> CatalogEntry | None:
    where = f"{path}: entry {n}"
    if isinstance(raw, str):
        raw = {"url": raw}
    if not isinstance(raw, dict) or not raw.get("url"):
        problems.append(f"{where}: each entry needs a 'url'")
        return None
    if raw.get("id"):
        where += f" (id {raw['id']})"
    before = len(problems)
    try:
        url = resolve_url(str(raw["url"]), path.parent)
    except CatalogError as e:
        problems.append(f"{where}: {e}")
        return None
    if url.startswith("file://"):
        problem = outside_roots(url, roots)
        if problem:
            problems.append(f"{where}: {problem}")
    overrides: dict[str, str | date] = {}
    for key, value in raw.items():
        if key in ("url", "id") or value is None:
            continue
        if key not in _ALIASES:
            known = ", ".join(sorted(_ALIASES))
            problems.append(f"{where}: unknown key {key!r}{_did_you_mean(str(key), _ENTRY_KEYS)}; known keys: url, id, {known}")
            continue
        name = _ALIASES[key]
        if name in _DATE_KEYS:
            parsed = _date(value)
            if parsed is None:
                problems.append(f"{where}: {key}: {value!r} is not a date (YYYY-MM-DD)")
                continue
            overrides[name] = parsed
        else:
            overrides[name] = str(value)
    shown = portable_url(url, path.parent)
    source_id = str(raw["id"]) if raw.get("id") else derive_source_id(shown)
    if not _ID_OK.match(source_id):
        problems.append(f"{where}: id {source_id!r} must be letters, digits, '.', '_' or '-'")
    if len(problems) > before:
        return None
    return CatalogEntry(source_id=source_id, url=url, overrides=overrides, source_url=shown)


T = TypeVar("T")


def unique_by_id(numbered: list[tuple[int, T | None]], key: Callable[[T], str], label: str, path: Path,
                 problems: list[str]) -> list[T]:
    """The read items (None: unreadable, already reported) whose id no earlier item used; a reused
    id is a problem naming both items by their number in the file."""
    out: list[T] = []
    seen: dict[str, int] = {}
    for n, item in numbered:
        if item is None:
            continue
        if key(item) in seen:
            problems.append(f"{path}: {label} {n}: id {key(item)!r} is already used by {label} {seen[key(item)]}")
            continue
        seen[key(item)] = n
        out.append(item)
    return out


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def outside_roots(url: str, roots: list[Path]) -> str | None:
    """Why a file URL may not be read, or None: it must resolve to a path inside one of ``roots``."""
    target = Path(unquote(urlparse(url).path)).resolve()
    if any(target == r or r in target.parents for r in roots):
        return None
    allowed = ", ".join(str(r) for r in roots)
    return (
        f"{target} is outside the folders this catalogue may read ({allowed}); "
        "list its folder under 'roots:' to allow it"
    )


def resolve_url(url: str, base_dir: Path) -> str:
    """Absolute URL for a catalogue entry: http(s) and file URLs as given, paths made file://."""
    scheme = urlparse(url).scheme.lower()
    if scheme in ("http", "https", "file"):
        return url
    if scheme and len(scheme) > 1:
        raise CatalogError(f"unsupported URL scheme {scheme!r} in {url!r} (use http, https, file or a path)")
    return (base_dir / url).resolve().as_uri()


def portable_url(url: str, base_dir: Path) -> str:
    """The URL readers are shown: a web URL as is, a local file as its path relative to the
    catalogue's folder (``corpus/gd-2017-8.html``), so marts built on two machines agree."""
    if not url.startswith("file://"):
        return url
    target = Path(unquote(urlparse(url).path))
    return Path(os.path.relpath(target, base_dir.resolve())).as_posix()


def derive_source_id(url: str) -> str:
    """A readable, stable id from a URL: its file name plus a short hash of the whole URL."""
    name = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]) or urlparse(url).netloc
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "notice"
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
