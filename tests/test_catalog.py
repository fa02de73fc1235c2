"""The catalogue file: formats accepted, errors that say what is wrong."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.catalog import CatalogError, derive_source_id, load_catalog

REPO = Path(__file__).resolve().parent.parent


def write(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "catalog.yaml"
    p.write_text(text, encoding=encoding)
    return p


def test_bundled_catalogue_lists_the_five_corpus_files():
    entries = load_catalog(REPO / "catalog.yaml")
    assert len(entries) == 5
    for e in entries:
        assert e.is_local and e.local_path.exists(), e


def test_url_forms_and_overrides(tmp_path):
    (tmp_path / "srv").mkdir()
    p = write(tmp_path / "cat", f"""
roots: [{tmp_path / "srv"}]
notices:
  - url: https://www.gd.gov.cn/a/post_1.html
  - url: file://{tmp_path}/srv/notices/b.pdf
    id: b-pdf
  - url: sub/c.html
    文号: 粤府〔2020〕1号
    发布日期: 2020-03-04
    title: 标题
""")
    a, b, c = load_catalog(p)
    assert a.url == "https://www.gd.gov.cn/a/post_1.html" and a.source_id.startswith("post-1-html-")
    assert b.source_id == "b-pdf" and b.is_local
    assert c.url == (tmp_path / "cat" / "sub" / "c.html").as_uri()
    assert c.overrides == {"doc_number": "粤府〔2020〕1号", "publish_date": date(2020, 3, 4), "title": "标题"}


def test_readers_see_a_local_file_relative_to_the_catalogue_and_ids_do_not_depend_on_the_machine(tmp_path):
    """Two clones of one catalogue in different folders give the same source ids and URLs."""
    ids = []
    for clone in ("one", "two/deeper"):
        p = write(tmp_path / clone, """
notices:
  - url: corpus/a.html
  - url: https://www.gd.gov.cn/a/post_1.html
""")
        (tmp_path / clone / "corpus").mkdir()
        local, web = load_catalog(p)
        assert local.source_url == "corpus/a.html" and local.url.startswith("file:///")
        assert web.source_url == web.url
        ids.append((local.source_id, web.source_id))
    assert ids[0] == ids[1]


def test_derived_ids_are_stable_and_distinct():
    assert derive_source_id("https://x.cn/a/index.html") == derive_source_id("https://x.cn/a/index.html")
    assert derive_source_id("https://x.cn/a/index.html") != derive_source_id("https://x.cn/b/index.html")


@pytest.mark.parametrize(
    "text, message",
    [
        ("items: []", "top-level key 'notices:'"),
        ("notices:\n  - id: x", "needs a 'url'"),
        ("notices:\n  - url: a.html\n    titel: x", "unknown key 'titel' \\(did you mean 'title'\\?\\)"),
        ("notices:\n  - url: a.html\n    发布日期: soon", "not a date"),
        # YAML would read this as a date and fail without saying where; we name the entry.
        ("notices:\n  - url: a.html\n    id: n1\n    发布日期: 2020-02-30", "entry 1 \\(id n1\\): 发布日期: '2020-02-30' is not a date"),
        ("notice:\n  - url: a.html\nnotices: []", "unknown top-level key 'notice' \\(did you mean 'notices'\\?\\)"),
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


def test_every_bad_entry_is_reported_at_once(tmp_path):
    p = write(tmp_path, """
notices:
  - url: a.html
    成文日期: 2019-13-01
  - id: no-url
  - url: b.html
    文号x: 1
  - url: c.html
""")
    with pytest.raises(CatalogError) as e:
        load_catalog(p)
    message = str(e.value)
    assert message.startswith("3 problem(s) in the catalogue")
    assert "entry 1: 成文日期: '2019-13-01' is not a date" in message
    assert "entry 2: each entry needs a 'url'" in message
    assert "entry 3: unknown key '文号x'" in message
    assert "entry 4" not in message


def test_a_catalogue_that_is_not_utf8_names_the_line(tmp_path):
    p = write(tmp_path, "notices:\n  - url: a.html\n    标题: 关于印发方案的通知\n", encoding="gbk")
    with pytest.raises(CatalogError, match=r"line 3: not UTF-8 .*GBK/GB18030: re-save it as UTF-8"):
        load_catalog(p)


@pytest.mark.parametrize("url", ["../../../etc/passwd", "file:///etc/passwd", "../private.txt"])
def test_file_entries_may_not_leave_the_catalogue_folder(tmp_path, url):
    (tmp_path / "private.txt").write_text("secret", encoding="utf-8")
    p = write(tmp_path / "catalogue", f"notices:\n  - url: {url}\n")
    with pytest.raises(CatalogError, match="is outside the folders this catalogue may read"):
        load_catalog(p)


def test_a_symlink_out_of_the_folder_is_refused_and_roots_allow_more(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "n.html").write_text("<p>x</p>", encoding="utf-8")
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "link.html").symlink_to(outside / "n.html")
    with pytest.raises(CatalogError, match="outside the folders"):
        load_catalog(write(folder, "notices:\n  - url: link.html\n"))
    (entry,) = load_catalog(write(folder, "roots: [../elsewhere]\nnotices:\n  - url: link.html\n"))
    assert entry.local_path == outside / "n.html"
