"""A notice page on 127.0.0.1 whose work is in its attachments, through the whole pipeline.

The page links, in its 附件 block, the task table as DOCX, XLSX, a ruled
two-page PDF with a merged lead cell, a ZIP of the three, the notice itself as OFD, a truncated
DOCX and a file the server no longer has. Its header and footer link the site's own PDFs, and one
link points at a local file. The tasks expected from every table are written by hand in
office_synth.EXPECTED. A second page carries the table in its own HTML and links the same DOCX:
that attachment repeats the page and adds nothing.
"""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

import office_synth as office

PAGE_PATH = "/zwgk/wjk/content/post_4417.html"
INLINE_PATH = "/zwgk/wjk/content/post_4418.html"
ATTACHMENTS = [  # (file, link text, what the server answers)
    ("fj1.docx", "1.广东省综合交通重点任务分工表", office.task_docx()),
    ("fj2.xlsx", "2.广东省综合交通重点任务分工表（表格）", office.task_xlsx()),
    ("fj3.pdf", "3.广东省综合交通重点任务分工表（PDF）", office.task_table_pdf()),
    ("fj4.zip", "4.附件打包下载", office.attachments_zip()),
    ("fj5.ofd", "5.广东省人民政府关于加快综合交通建设的通知（OFD版）", office.notice_ofd()),
    ("fj6.docx", "6.配套项目清单", office.task_docx()[:1500]),  # cut short: not a readable file
    ("fj7.pdf", "7.已撤下的文件", None),  # 404
]
PARSED = ["fj1.docx", "fj2.xlsx", "fj3.pdf", "fj4.zip", "fj5.ofd"]


def notice_page() -> bytes:
    links = "<br>".join(f'<a href="/attach/{name}">{text}</a>' for name, text, _ in ATTACHMENTS)
    return (
        '<html><head><meta charset="utf-8"><title>广东省人民政府办公厅关于印发广东省综合交通重点任务分工表的通知</title></head><body>'
        '<div class="header"><a href="/xxgk/guide.pdf">政府信息公开指南</a></div>'
        '<div id="zoom"><p>粤府办〔2024〕12号</p><p>各地级以上市人民政府，省政府各部门、各直属机构：</p>'
        "<p>《广东省综合交通重点任务分工表》已经省人民政府同意，现印发给你们，请认真组织实施。"
        "实施中遇到的问题，请径向省发展改革委反映。</p><p>广东省人民政府办公厅</p><p>2024年3月5日</p>"
        f'<p>附件：{links}<br><a href="file:///etc/hostname.pdf">8.本机文件</a></p></div>'
        '<div class="footer"><a href="/wzgl/ndbb.xls">网站工作年度报表</a></div></body></html>'
    ).encode("utf-8")


def inline_page() -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>关于印发重点任务分工表的通知</title></head><body><div id="zoom">'
        "<p>粤府办〔2024〕13号</p><p>各地级以上市人民政府，省政府各部门：</p><p>现将重点任务分工表印发给你们，请认真贯彻执行。</p>"
        f'{office.task_table_html()}<p>附件：<a href="/copies/fj1.docx">重点任务分工表</a></p></div></body></html>'
    ).encode("utf-8")


def catalogue(tmp_path: Path, url: str, inline_url: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(f"notices:\n  - {{id: gd-tz-2024-12, url: '{url}'}}\n  - {{id: gd-tz-2024-13, url: '{inline_url}'}}\n",
                    encoding="utf-8")
    return path


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


@pytest.fixture()
def site(tmp_path, http_server):
    page_url = http_server.serve(PAGE_PATH, (200, {"Content-Type": "text/html; charset=utf-8"}, notice_page()))
    for name, _, data in ATTACHMENTS:
        if data is not None:
            http_server.serve(f"/attach/{name}", (200, {"Content-Type": "application/octet-stream"}, data))
    http_server.serve("/xxgk/guide.pdf", (200, {"Content-Type": "application/pdf"}, office.task_table_pdf()))
    http_server.serve("/wzgl/ndbb.xls", (200, {"Content-Type": "application/vnd.ms-excel"}, b"not read"))
    inline_url = http_server.serve(INLINE_PATH, (200, {"Content-Type": "text/html; charset=utf-8"}, inline_page()))
    http_server.serve("/copies/fj1.docx", (200, {"Content-Type": "application/octet-stream"}, office.task_docx()))
    return http_server, catalogue(tmp_path, page_url, inline_url)


def test_a_pages_attachments_are_fetched_parsed_and_listed_under_its_notice(materialize, site, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTICES_DBT_ROW_COUNTS", "0")
    server, catalog = site
    warehouse, raw = tmp_path / "w.duckdb", tmp_path / "raw"
    result = materialize(catalog, warehouse, raw)
    assert result.success  # two broken attachments are per-source errors, not a failed run

    # Fetched with the page, the site's chrome and the local file left alone.
    fetched = dict(rows(warehouse, "select url, ok from raw.fetches"))
    for name, _, data in ATTACHMENTS:
        assert fetched[f"{server.base_url}/attach/{name}"] is (data is not None)
    assert server.hits("/xxgk/guide.pdf") == 0 and server.hits("/wzgl/ndbb.xls") == 0
    assert not any(url.startswith("file:") for url in fetched)
    links = rows(warehouse, """select position, title, extension from raw.attachments
                               where parent_source_id = 'gd-tz-2024-12' order by position""")
    assert links == [(n, text, "." + name.rsplit(".", 1)[1]) for n, (name, text, _) in enumerate(ATTACHMENTS, start=1)]

    # One document: the page's metadata (not the OFD's 粤府〔2024〕8号), its attachments in page order.
    (doc,) = rows(warehouse, """select document_id, doc_number, canonical_source_id, attachment_count,
                                       [a.title for a in attachments], [a.format for a in attachments]
                                from marts.dim_documents where canonical_source_id = 'gd-tz-2024-12'""")
    document_id, doc_number, canonical, count, titles, formats = doc
    assert (doc_number, canonical, count) == ("粤府办〔2024〕12号", "gd-tz-2024-12", len(PARSED))
    assert titles == [text for name, text, _ in ATTACHMENTS if name in PARSED]
    assert formats == ["docx", "xlsx", "pdf", "zip", "ofd"]

    # Every table format gives the hand-written tasks, each from its own source, in this document.
    by_source = dict(rows(warehouse, """
        select s.attachment_title, list({'task': t.text, 'lead': t.lead, 'co': t.co, 'deadline': t.deadline,
                                         'page': t.page, 'row': t.table_row} order by t.seq)
        from (select t.*,
                     coalesce(list(b.mention order by b.position) filter (where b.role = 'lead'), []) as lead,
                     coalesce(list(b.mention order by b.position) filter (where b.role = 'co'), []) as co
              from marts.fct_tasks t left join marts.bridge_task_agencies b using (task_id)
              where t.document_id = ? and t.table_index is not null group by all) t
        join marts.bridge_document_sources s using (source_id)
        group by s.attachment_title""", [document_id]))
    expected = [{k: e[k] for k in ("task", "lead", "co", "deadline")} for e in office.EXPECTED]
    for name, text, _ in ATTACHMENTS[:3]:
        assert [{k: t[k] for k in expected[0]} for t in by_source[text]] == expected, name
        assert [t["row"] for t in by_source[text]] == [1, 2, 3, 4, 5], name
    pdf_pages = [t["page"] for t in by_source[ATTACHMENTS[2][1]]]
    assert pdf_pages == sorted(pdf_pages) and set(pdf_pages) == {1, 2}  # the table runs over two pages
    assert [{k: t[k] for k in expected[0]} for t in by_source[ATTACHMENTS[3][1]]] == expected * 3  # the ZIP's three
    # The OFD notice's prose tasks are the document's too.
    ofd = rows(warehouse, """select t.note_text from marts.fct_tasks t join marts.bridge_document_sources s using (source_id)
                             where s.attachment_title = ? order by t.seq""", [ATTACHMENTS[4][1]])
    assert ofd == [("（省发展改革委牵头，省交通运输厅配合）",), ("（省交通运输厅牵头）",)]
    # The page itself assigns nothing: the 附件说明 list on it is not a list of work items.
    assert rows(warehouse, "select count(*) from marts.fct_tasks where source_id = 'gd-tz-2024-12'") == [(0,)]

    # The second page's HTML table gives the same tasks; its DOCX only repeats them, so it is listed
    # but adds no task of its own.
    (inline,) = rows(warehouse, """select document_id, [a.supplies_clauses for a in attachments] from marts.dim_documents
                                   where canonical_source_id = 'gd-tz-2024-13'""")
    assert inline[1] == [False]
    inline_tasks = rows(warehouse, """select t.source_id, t.text, t.deadline from marts.fct_tasks t
                                      where t.document_id = ? order by t.seq""", [inline[0]])
    assert inline_tasks == [("gd-tz-2024-13", e["task"], e["deadline"]) for e in office.EXPECTED]

    # The broken ones are readable errors of their own sources, under their notice.
    status = dict(rows(warehouse, """select split_part(url, '/', -1), status || ' | ' || coalesce(parse_error, last_fetch_error, '')
                                     from marts.source_status where attachment_of = 'gd-tz-2024-12'"""))
    assert set(status) == {name for name, _, _ in ATTACHMENTS}
    assert status["fj6.docx"].startswith("parse failed | ") and "cannot be read" in status["fj6.docx"]
    assert status["fj7.pdf"].startswith("not fetched | HTTP 404")
    assert all(status[name] == "ok | " for name in PARSED)

    # A second run asks for nothing it has (the page and its files are cached) and parses nothing again.
    hits = {name: server.hits(f"/attach/{name}") for name in PARSED}
    ingest = dg.AssetSelection.assets("fetched_notices", "parsed_notices")
    again = materialize(catalog, warehouse, raw, selection=ingest, checks=False)
    assert again.success
    (fetch,) = again.asset_materializations_for_node("fetched_notices")
    (parse,) = again.asset_materializations_for_node("parsed_notices")
    assert fetch.metadata["attachments"].value == len(ATTACHMENTS) + 1
    assert fetch.metadata["downloaded_or_read"].value == 0
    assert parse.metadata["parsed"].value == 0
    assert {name: server.hits(f"/attach/{name}") for name in PARSED} == hits
