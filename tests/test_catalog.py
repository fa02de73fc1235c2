"""The catalogue file: formats accepted, errors that say what is wrong."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.catalog import CatalogError, derive_source_id, load_catalog

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "catalog.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_bundled_catalogue_lists_the_five_corpus_files():
    entries = load_catalog(REPO / "catalog.yaml")
    assert len(entries) == 5
    for e in entries:
        assert e.is_local and e.local_path.exists(), e


def test_url_forms_and_overrides(tmp_path):
    p = write(tmp_path, """
notices:
  - url: https://www.gd.gov.cn/a/post_1.html
  - url: file:///srv/notices/b.pdf
    id: b-pdf
  - url: sub/c.html
    文号: 粤府〔2020〕1号
    发布日期: 2020-03-04
    title: 标题
""")
    a, b, c = load_catalog(p)
    assert a.url == "https://www.gd.gov.cn/a/post_1.html" and a.source_id.startswith("post-1-html-")
    assert b.source_id == "b-pdf" and b.is_local
    assert c.url == (tmp_path / "sub" / "c.html").as_uri()
    assert c.overrides == {"doc_number": "粤府〔2020〕1号", "publish_date": date(2020, 3, 4), "title": "标题"}


def test_derived_ids_are_stable_and_distinct():
    assert derive_source_id("https://x.cn/a/index.html") == derive_source_id("https://x.cn/a/index.html")
    assert derive_source_id("https://x.cn/a/index.html") != derive_source_id("https://x.cn/b/index.html")


@pytest.mark.parametrize(
    "text, message",
    [
        ("items: []", "top-level key 'notices:'"),
        ("notices:\n  - id: x", "needs a 'url'"),
        ("notices:\n  - url: a.html\n    titel: x", "unknown key 'titel'"),
        ("notices:\n  - url: a.html\n    发布日期: soon", "not a date"),
        ("notices:\n  - {url: a.html, id: x}\n  - {url: b.html, id: x}", "already used by entry 1"),
        ("notices:\n  - url: ftp://x/a.html", "unsupported URL scheme"),
        ("notices: [", "not valid YAML"),
    ],
)
def test_bad_catalogues_say_what_is_wrong(tmp_path, text, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog(write(tmp_path, text))


def test_missing_catalogue(tmp_path):
    with pytest.raises(CatalogError, match="catalogue not found"):
        load_catalog(tmp_path / "nope.yaml")
