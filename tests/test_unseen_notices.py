"""Notices this repo has never seen (tests/synth.py): through the parsers, then through the real
CLI on a catalogue that mixes good sources with a 404, a truncated PDF and a scanned one."""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pdfplumber
import pytest
import synth
from reference import coverage
from synth import GUANGXI, HUNAN, JIANGXI, Notice

from pipelines.model import ParsedNotice, ParseError
from pipelines.parse.html import parse_html
from pipelines.parse.pdf import parse_pdf

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTICES = [HUNAN, GUANGXI, JIANGXI]
IDS = {HUNAN: "hunan", GUANGXI: "guangxi", JIANGXI: "jiangxi"}

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”—…"
CJK_SPACE_CJK = re.compile(f"[{_CJK}][ \t\u3000\xa0]+[{_CJK}]")
SPACE_NEXT_TO_CJK = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")
PAGE_NUMBER = re.compile(r"[—–-]\s*\d{1,3}\s*[—–-]|第\d+页")
CHROME = ["版权所有", "ICP备", "当前位置", "您现在的位置", "分享到", "打印本页", "关闭窗口", "网站标识码", "相关文件", "首页"]


def squash(text: str) -> str:
    """A paragraph for comparison: spaces next to CJK characters removed. A page's source line
    break between a Han character and a digit renders as a space in browsers ("不超过 15年"); the
    parser keeps it, and it says nothing about paragraph boundaries."""
    return SPACE_NEXT_TO_CJK.sub("", text).strip()


def body_of(parsed: ParsedNotice, notice: Notice) -> list[str]:
    """The parsed paragraphs, squashed, with a leading 文号 line (part of the body) set aside."""
    got = [squash(p.text) for p in parsed.paragraphs]
    return got[1:] if got and got[0] == notice.doc_number else got


# --- HTML ---------------------------------------------------------------------------------------

# The table layout is what GBK portals use; the modern page is UTF-8.
HTML_CASES = [
    pytest.param(n, t, "gbk" if t == "table" else "utf-8", id=f"{IDS[n]}-{t}") for n in NOTICES for t in synth.TEMPLATES
]


@pytest.fixture(scope="module")
def html_parsed() -> dict[tuple[Notice, str], ParsedNotice]:
    cache: dict = {}

    def get(notice: Notice, template: str, encoding: str) -> ParsedNotice:
        key = (notice, template, encoding)
        if key not in cache:
            cache[key] = parse_html(synth.notice_html(notice, template=template, encoding=encoding), "text/html")
        return cache[key]

    return get


@pytest.mark.parametrize(("notice", "template", "encoding"), HTML_CASES)
def test_html_body_is_recovered(html_parsed, notice, template, encoding):
    parsed = html_parsed(notice, template, encoding)
    assert coverage(parsed.full_text, notice.text) >= 0.99
    # paragraph by paragraph, in order, and nothing else (no title row, no page chrome)
    assert body_of(parsed, notice) == [squash(p) for p in notice.body]


@pytest.mark.parametrize(("notice", "template", "encoding"), HTML_CASES)
def test_html_metadata(html_parsed, notice, template, encoding):
    parsed = html_parsed(notice, template, encoding)
    assert (parsed.doc_number, parsed.title) == (notice.doc_number, notice.title)
    assert parsed.issuer == notice.issuer
    assert parsed.publish_date == date.fromisoformat(notice.publish_date)
    assert parsed.encoding == ("gb18030" if encoding == "gbk" else "utf-8")
    assert parsed.warnings == []


@pytest.mark.parametrize(("notice", "template", "encoding"), HTML_CASES)
def test_html_has_no_chrome_and_no_spaces_inside_chinese(html_parsed, notice, template, encoding):
    parsed = html_parsed(notice, template, encoding)
    text = parsed.full_text
    assert [c for c in CHROME if c in text] == []
    assert not CJK_SPACE_CJK.search(text), CJK_SPACE_CJK.search(text)
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("encoding", "declared", "content_type"),
    [
        pytest.param("gbk", "utf-8", None, id="gbk-bytes-meta-says-utf8"),
        pytest.param("utf-8", "gb2312", None, id="utf8-bytes-meta-says-gb2312"),
        pytest.param("gbk", "gb2312", "text/html; charset=utf-8", id="gbk-bytes-header-says-utf8"),
        pytest.param("gbk", "gbk", "text/html; charset=ISO-8859-1", id="gbk-bytes-tomcat-default-header"),
    ],
)
@pytest.mark.parametrize("template", synth.TEMPLATES)
def test_html_lying_charset_labels(template, encoding, declared, content_type):
    data = synth.notice_html(HUNAN, template=template, encoding=encoding, declared=declared)
    parsed = parse_html(data, content_type)
    assert parsed.encoding == ("gb18030" if encoding == "gbk" else "utf-8")
    assert "\ufffd" not in parsed.full_text
    assert "昇平社区" in parsed.full_text  # 昇 is GBK, not GB2312
    assert coverage(parsed.full_text, HUNAN.text) >= 0.99


@pytest.mark.parametrize(("kind", "expected"), [("soft404", "error page"), ("empty", "no article body")])
def test_html_error_pages_raise_a_readable_error(kind, expected):
    with pytest.raises(ParseError, match=expected) as err:
        parse_html(synth.error_html(kind), "text/html", url="http://example.gov.cn/art/1.html")
    assert "\n" not in str(err.value) and "http://example.gov.cn/art/1.html" in str(err.value)


# --- PDF ----------------------------------------------------------------------------------------

PDF_LAYOUTS = {
    # red header, 公报 running header, "— N —", 28 characters a line: the GB/T 9704 default
    "gbt9704": {},
    # no running header, "- N -" page numbers, uncompressed content streams
    "plain": {"running_header": None, "page_number": "- {n} -", "compress": False},
    # a wider type area: 30 characters a line
    "30-per-line": {"chars_per_line": 30},
}
PDF_CASES = [
    pytest.param(n, layout, id=f"{IDS[n]}-{layout}") for n in NOTICES for layout in PDF_LAYOUTS
]


@pytest.fixture(scope="module")
def pdf_parsed():
    cache: dict = {}

    def get(notice: Notice, layout: str) -> tuple[synth.Typeset, ParsedNotice]:
        if (notice, layout) not in cache:
            typeset = synth.typeset_for(notice, **PDF_LAYOUTS[layout])
            cache[notice, layout] = typeset, parse_pdf(typeset.pdf())
        return cache[notice, layout]

    return get


@pytest.mark.parametrize("notice", NOTICES, ids=IDS.get)
def test_synthetic_pdf_decodes_as_chinese(notice):
    """The generator's own check: STSong-Light + UniGB-UCS2-H decodes to Chinese in pdfplumber."""
    data = synth.pdf_for(notice)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        chars = [c for page in pdf.pages for c in page.chars]
        text = "".join(page.extract_text() for page in pdf.pages)
    assert {c["fontname"] for c in chars} == {"STSong-Light"}
    assert not any(c["text"].startswith("(cid:") for c in chars)
    assert notice.doc_number in text and f"{notice.issuer}文件" in text
    assert sum(map(len, notice.body)) * 0.99 <= sum(1 for c in chars if not c["text"].isspace())
    banner = [c for c in chars if c["size"] == synth.BANNER_SIZE]
    assert banner and all(c["non_stroking_color"] == (1.0, 0.0, 0.0) for c in banner)


@pytest.mark.parametrize(("notice", "layout"), PDF_CASES)
def test_pdf_body_is_recovered(pdf_parsed, notice, layout):
    _, parsed = pdf_parsed(notice, layout)
    assert coverage(parsed.full_text, notice.text) >= 0.99
    assert [p.text for p in parsed.paragraphs][0] == notice.doc_number  # the 文号 line opens the body
    assert body_of(parsed, notice) == [squash(p) for p in notice.body]


@pytest.mark.parametrize(("notice", "layout"), PDF_CASES)
def test_pdf_red_header_and_metadata(pdf_parsed, notice, layout):
    typeset, parsed = pdf_parsed(notice, layout)
    assert (parsed.doc_number, parsed.title) == (notice.doc_number, notice.title)
    assert parsed.issuer == notice.issuer
    assert parsed.signed_date == date(*map(int, re.findall(r"\d+", notice.date)))
    assert parsed.page_count == len(typeset.pages)
    assert parsed.warnings == []


@pytest.mark.parametrize(("notice", "layout"), PDF_CASES)
def test_pdf_has_no_furniture_and_no_spaces_inside_chinese(pdf_parsed, notice, layout):
    _, parsed = pdf_parsed(notice, layout)
    text = parsed.full_text
    assert not PAGE_NUMBER.search(text), PAGE_NUMBER.search(text)
    assert notice.bulletin not in text  # the running header
    assert f"{notice.issuer}文件" not in text  # the banner
    assert not CJK_SPACE_CJK.search(text), CJK_SPACE_CJK.search(text)


@pytest.mark.parametrize(("notice", "layout"), PDF_CASES)
def test_pdf_paragraph_pages(pdf_parsed, notice, layout):
    typeset, parsed = pdf_parsed(notice, layout)
    got = {squash(p.text): p.page for p in parsed.paragraphs}
    expected = {squash(text): page for text, page in typeset.starts}
    assert {t: got.get(t) for t in expected} == expected
    assert max(expected.values()) >= 2  # the layouts do run over pages


def test_pdf_wraps_inside_numbers_and_words_are_closed_up(pdf_parsed):
    _, parsed = pdf_parsed(JIANGXI, "gbt9704")
    text = parsed.full_text
    # 28 characters a line cuts "5G" and "2025": they must come back whole
    for phrase in ("到2025年，5G用户普及率达到70%以上", "VR/AR等领域", "实现设区市中心城区5G网络连续覆盖"):
        assert phrase in text


def test_truncated_pdf_raises_a_readable_error():
    with pytest.raises(ParseError) as err:
        parse_pdf(synth.corrupt_pdf(), url="file:///x/broken.pdf")
    message = str(err.value)
    assert "unreadable PDF" in message and "truncated" in message and "\n" not in message


def test_scanned_pdf_raises_a_readable_error():
    with pytest.raises(ParseError, match=r"no text layer.*OCR"):
        parse_pdf(synth.scanned_pdf())


# --- end to end: the real CLI on an unseen catalogue ---------------------------------------------

GOOD = {"hn-2018-12": HUNAN, "gx-2019-5": GUANGXI, "jx-2020-7-pdf": JIANGXI}
PROVINCES = {HUNAN: "湖南省", GUANGXI: "广西壮族自治区", JIANGXI: "江西省"}


def _cli(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def _materialize(env: dict[str, str]) -> subprocess.CompletedProcess:
    """What `make run` does first: materialise every asset with the Dagster CLI."""
    run = _cli([str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"], env)
    assert run.returncode == 0, f"dagster exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-6000:]}"
    return run


def _snapshot(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as db:
        q = lambda sql: db.execute(sql).fetchall()  # noqa: E731
        return {
            "documents": q("select document_id, doc_number, title, province, canonical_source_id, clause_count "
                           "from marts.dim_documents order by document_id"),
            "clauses": q("select clause_id, text, char_start, char_end from marts.fct_clauses order by clause_id"),
            "status": {r[0]: r[1:] for r in q(
                "select source_id, status, last_fetch_error, parse_error, extract_errors from marts.source_status")},
            "parse_state": q("select source_id, status, input_sha256, code_version, updated_at "
                             "from raw.stage_state where stage = 'parse' order by source_id"),
            "bad_offsets": q(
                """select c.clause_id from marts.fct_clauses c join raw.sources s using (source_id)
                   where substring(s.full_text, c.char_start + 1, c.char_end - c.char_start) <> c.text"""),
            "sources": {r[0]: r[1:] for r in q("select source_id, content_sha256, full_text from raw.sources")},
        }


def test_unseen_catalogue_through_the_cli(http_server, tmp_path, monkeypatch):
    """`make run` on a catalogue of unseen notices: three good ones (GBK and UTF-8 pages over
    HTTP, a local PDF) and four bad ones (404, soft 404, truncated PDF, scanned PDF), twice.

    Two full CLI runs: most of the time is Dagster start-up and dbt's build (models and tests).
    """
    # (a) two portal pages over HTTP: GBK labelled gb2312 (old table layout), UTF-8 (modern)
    hn_bytes = synth.notice_html(HUNAN, template="table", encoding="gbk")
    gx_bytes = synth.notice_html(GUANGXI, template="zoom", encoding="utf-8")
    hn_url = http_server.serve("/art/2018/6/8/art_4102_12.html", (200, {"Content-Type": "text/html"}, hn_bytes))
    gx_url = http_server.serve(
        "/zfxxgk/fdzdgknr/zcwj/t2019022.shtml", (200, {"Content-Type": "text/html; charset=utf-8"}, gx_bytes)
    )
    # (f) a portal's "page not found" page sent with status 200
    soft_404 = http_server.serve("/art/2019/1/1/art_1_1.html", (200, {"Content-Type": "text/html"}, synth.error_html()))
    # (b) a PDF, (d) a truncated PDF, (e) a scanned PDF: local paths relative to the catalogue
    files = tmp_path / "catalogue" / "files"
    files.mkdir(parents=True)
    jx_bytes = synth.pdf_for(JIANGXI)
    (files / "赣府发2020-7.pdf").write_bytes(jx_bytes)
    (files / "broken.pdf").write_bytes(synth.corrupt_pdf(HUNAN))
    (files / "scan.pdf").write_bytes(synth.scanned_pdf())
    catalog = tmp_path / "catalogue" / "notices.yaml"
    catalog.write_text(
        f"""# notices from three provinces the bundled corpus does not cover
notices:
  - id: hn-2018-12
    url: {hn_url}
  - id: gx-2019-5
    url: {gx_url}
  - id: jx-2020-7-pdf
    url: files/赣府发2020-7.pdf
  - id: gone-404
    url: {http_server.base_url}/art/2018/1/1/missing.html   # (c) nothing is served there
  - id: broken-pdf
    url: files/broken.pdf
  - id: scanned-pdf
    url: files/scan.pdf
  - id: soft-404
    url: {soft_404}
""",
        encoding="utf-8",
    )
    warehouse, raw = tmp_path / "wh" / "notices.duckdb", tmp_path / "raw"
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {
        **os.environ,
        "NOTICES_CATALOG": str(catalog),
        "NOTICES_WAREHOUSE": str(warehouse),
        "NOTICES_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(dagster_home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    _materialize(env)
    summary = _cli([str(BIN / "python"), "-m", "pipelines.summary", str(warehouse)], env, timeout=60)
    assert summary.returncode == 0, summary.stderr[-3000:]
    first = _snapshot(warehouse)

    # the three good notices, with the 文号 and title each states
    docs = {(d[1], d[2], d[3]) for d in first["documents"]}
    assert docs == {(n.doc_number, n.title, PROVINCES[n]) for n in GOOD.values()}
    assert {d[4] for d in first["documents"]} == set(GOOD)
    # each has clauses, and every clause's offsets point at its text in the source's full text
    assert all(d[5] > 0 for d in first["documents"])
    assert first["bad_offsets"] == []
    for source_id, notice in GOOD.items():
        full_text = first["sources"][source_id][1]
        assert coverage(full_text, notice.text) >= 0.99, source_id
    clause_texts = {c[1] for c in first["clauses"]}
    assert any("到2025年，全省城镇老旧小区改造完成率达到90%以上" in t for t in clause_texts)
    assert any("责任单位：自治区交通运输厅、公安厅、应急管理厅等" in t for t in clause_texts)

    # every bad source has a status and a readable reason; the good ones are ok
    status = first["status"]
    assert {sid: s[0] for sid, s in status.items() if sid in GOOD} == dict.fromkeys(GOOD, "ok"), status
    assert status["gone-404"][0] == "not fetched" and "404" in status["gone-404"][1]
    assert status["broken-pdf"][0] == "parse failed" and "unreadable PDF" in status["broken-pdf"][2]
    assert "truncated" in status["broken-pdf"][2]
    assert status["scanned-pdf"][0] == "parse failed"
    assert "no text layer" in status["scanned-pdf"][2] and "OCR" in status["scanned-pdf"][2]
    assert status["soft-404"][0] == "parse failed" and "error page" in status["soft-404"][2]
    for sid in ("gone-404", "broken-pdf", "scanned-pdf", "soft-404"):
        assert f"{sid}: " in summary.stdout  # `make run` prints each problem
    assert re.search(r"documents\s+3\n", summary.stdout), summary.stdout

    # the bytes of the good sources are kept, content-addressed, exactly as received
    for data in (hn_bytes, gx_bytes, jx_bytes):
        sha = hashlib.sha256(data).hexdigest()
        assert (raw / "objects" / sha[:2] / sha).read_bytes() == data
    assert {first["sources"][sid][0] for sid in GOOD} == {
        hashlib.sha256(d).hexdigest() for d in (hn_bytes, gx_bytes, jx_bytes)
    }

    # a second run changes nothing and parses nothing again
    _materialize(env)
    second = _snapshot(warehouse)
    assert second["documents"] == first["documents"]
    assert second["clauses"] == first["clauses"]
    assert second["status"] == first["status"]
    # Good sources are not parsed again (same updated_at); failed ones are retried every run
    # and fail the same way.
    ok_state = lambda state: [r for r in state if r[1] == "ok"]  # noqa: E731
    assert ok_state(second["parse_state"]) == ok_state(first["parse_state"]) and len(ok_state(first["parse_state"])) == 3
    assert [r[:4] for r in second["parse_state"]] == [r[:4] for r in first["parse_state"]]
    assert http_server.hits("/art/2018/6/8/art_4102_12.html") == 1  # cached, not downloaded again

    import dagster as dg

    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("parsed_notices"))
        metadata = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    assert (metadata["parsed"], metadata["up_to_date"], metadata["failed"]) == (0, 3, 3)
