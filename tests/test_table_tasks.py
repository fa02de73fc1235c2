"""Task tables become tasks of the task stage, in the same frames (and so the same marts) as the
tasks responsibility notes close: one per row, agencies with roles, offsets into the row's text."""
from __future__ import annotations

import office_synth as office

from pipelines.catalog import CatalogEntry
from pipelines.extract_stages import TASKS, SourceInput
from pipelines.model import Paragraph
from pipelines.process import parse_source, source_frames, tables_from_rows

EXPECTED_AGENCIES = [  # (task seq, role, mention, name) by hand
    (0, "lead", "省发展改革委", "广东省发展改革委"), (0, "co", "省交通运输厅", "广东省交通运输厅"),
    (0, "co", "省自然资源厅", "广东省自然资源厅"),
    (1, "lead", "省发展改革委", "广东省发展改革委"), (1, "co", "省交通运输厅", "广东省交通运输厅"),
    (1, "co", "中国铁路广州局集团有限公司", "中国铁路广州局集团有限公司"),
    (2, "lead", "省发展改革委", "广东省发展改革委"), (2, "co", "省住房城乡建设厅", "广东省住房城乡建设厅"),
    (2, "co", "各地级以上市人民政府", "广东省各地级以上市人民政府"),
    (3, "lead", "省发展改革委", "广东省发展改革委"), (3, "co", "省交通运输厅", "广东省交通运输厅"),
    (4, "lead", "省自然资源厅", "广东省自然资源厅"), (4, "co", "省发展改革委", "广东省发展改革委"),
    (4, "co", "省财政厅", "广东省财政厅"),
]


def _stage_input(data: bytes, url: str) -> tuple[SourceInput, str]:
    entry = CatalogEntry("fj", url, {})
    notice = parse_source(data, None, entry)
    frames = source_frames(entry, notice, "sha", len(data), None, parse_key="k")
    paragraphs = [Paragraph(r["text"], r["page"], tuple(r["page_breaks"])) for r in frames["paragraphs"].to_dicts()]
    tables = tuple(tables_from_rows(frames["table_rows"].to_dicts()))  # as the stage reads them back
    src = SourceInput("fj", paragraphs, frames["clauses"], "广东省", None, None, notice.title, "广东省人民政府", tables=tables)
    return src, notice.full_text


def test_a_docx_task_table_gives_one_task_per_row_with_its_agencies():
    src, full_text = _stage_input(office.task_docx(), "https://x.gov.cn/fj1.docx")
    out = TASKS.extract(src)
    tasks, agencies = out["tasks"], out["task_agencies"]
    assert tasks["text"].to_list() == [t["task"] for t in office.EXPECTED]
    assert tasks["deadline"].to_list() == [t["deadline"] for t in office.EXPECTED]
    assert tasks["table_index"].to_list() == [0] * 5 and tasks["table_row"].to_list() == [1, 2, 3, 4, 5]
    assert tasks["task_id"].to_list() == [f"fj/t{k:03d}" for k in range(5)]
    seq_of = dict(zip(tasks["task_id"], tasks["seq"]))
    got = [(seq_of[r["task_id"]], r["role"], r["mention"], r["name"]) for r in agencies.to_dicts()]
    assert got == EXPECTED_AGENCIES
    for r in agencies.to_dicts():  # every mention points at the cell that names it
        assert full_text[r["char_start"] : r["char_end"]] == r["mention"]
    for t in tasks.to_dicts():
        assert full_text[t["char_start"] :].startswith(t["text"]) and t["clause_ids"]
    # Row 3 is led by the merged cell written in row 2: its lead points there, and its note has only its own cells.
    row3 = tasks.row(2, named=True)
    assert row3["note_text"] == "省住房城乡建设厅，各地级以上市人民政府 持续推进"
    lead3 = agencies.filter((agencies["task_id"] == row3["task_id"]) & (agencies["role"] == "lead")).row(0, named=True)
    assert lead3["char_start"] < row3["char_start"]


def test_the_zip_and_the_xlsx_give_the_same_tasks_and_the_body_grammar_leaves_table_rows_alone():
    for data, url in ((office.task_xlsx(), "https://x.gov.cn/fj2.xlsx"), (office.attachments_zip(), "https://x.gov.cn/fj.zip")):
        src, _ = _stage_input(data, url)
        tasks = TASKS.extract(src)["tasks"]
        per_table = 1 if url.endswith("xlsx") else 3  # the ZIP: its DOCX, XLSX and PDF
        assert tasks.filter(tasks["table_index"].is_not_null())["text"].to_list() == [t["task"] for t in office.EXPECTED] * per_table
        assert tasks["seq"].to_list() == list(range(tasks.height))


def test_a_source_without_tables_is_read_as_before():
    src, _ = _stage_input(office.notice_ofd(), "https://x.gov.cn/gd.ofd")
    tasks = TASKS.extract(src)["tasks"]
    assert tasks["note_text"].to_list() == ["（省发展改革委牵头，省交通运输厅配合）", "（省交通运输厅牵头）"]
    assert tasks["table_index"].null_count() == tasks.height


def test_an_html_task_table_in_the_page_body_gives_the_same_tasks():
    src, full_text = _stage_input(office.notice_page_html(), "https://x.gov.cn/tz.html")
    assert len(src.tables) == 1  # only the task table: rows found one per paragraph of the body
    out = TASKS.extract(src)
    tasks, agencies = out["tasks"], out["task_agencies"]
    assert tasks["text"].to_list() == [t["task"] for t in office.EXPECTED]
    assert tasks["heading_titles"].to_list() == [[office.TITLE]] * 5  # the table's spanning title row
    seq_of = dict(zip(tasks["task_id"], tasks["seq"]))
    assert [(seq_of[r["task_id"]], r["role"], r["mention"], r["name"]) for r in agencies.to_dicts()] == EXPECTED_AGENCIES
    assert all(full_text[r["char_start"] : r["char_end"]] == r["mention"] for r in agencies.to_dicts())


def test_a_ruled_pdf_table_over_two_pages_gives_the_same_tasks_with_their_pages():
    src, full_text = _stage_input(office.task_table_pdf(), "https://x.gov.cn/fj3.pdf")
    out = TASKS.extract(src)
    tasks, agencies = out["tasks"], out["task_agencies"]
    assert tasks["text"].to_list() == [t["task"] for t in office.EXPECTED]
    assert tasks["page"].to_list() == [1, 1, 1, 1, 2] and tasks["table_row"].to_list() == [1, 2, 3, 4, 5]
    seq_of = dict(zip(tasks["task_id"], tasks["seq"]))
    assert [(seq_of[r["task_id"]], r["role"], r["mention"], r["name"]) for r in agencies.to_dicts()] == EXPECTED_AGENCIES
    assert all(full_text[r["char_start"] : r["char_end"]] == r["mention"] for r in agencies.to_dicts())


# A State Council list of reforms to promote, as gov.cn lays it out: every cell a <p> of its own,
# so the body has one paragraph per cell; 指导部门 guide, 改革举措 and 主要内容 describe each task.
_REFORMS = [
    ("1", "知识产权民事、刑事、行政案件“三合一”审判", "整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”。",
     "最高人民法院、最高人民检察院、国家知识产权局", "全国"),
    ("2", "以降低侵权损失为核心的专利保险机制", "开发包括专利代理责任险、专利执行险等保险产品，降低创新主体的侵权损失。",
     "国家知识产权局、中国银保监会", "全国"),
]


def _reform_page() -> bytes:
    def row(cells: tuple[str, ...]) -> str:
        return "<tr>" + "".join(f"<td><p>{c}</p></td>" for c in cells) + "</tr>"

    rows = row(("序号", "改革举措", "主 要 内 容", "指导部门", "推广范围"))
    rows += '<tr><td colspan="5"><p>一、知识产权保护方面（共2项）</p></td></tr>'
    rows += "".join(row(r) for r in _REFORMS)
    return ("<html><head><meta charset='utf-8'><title>国务院办公厅关于推广第二批支持创新相关改革举措的通知</title></head><body>"
            "<h1>国务院办公厅关于推广第二批支持创新相关改革举措的通知</h1><div class='content'>"
            "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p><p>现将推广清单印发给你们。</p>"
            f"<p>附件：第二批支持创新相关改革举措推广清单</p><table>{rows}</table></div></body></html>").encode("utf-8")


def test_a_table_written_one_cell_a_paragraph_gives_tasks_with_guide_agencies():
    data = _reform_page()
    entry = CatalogEntry("gov", "https://www.gov.cn/x.htm", {})
    notice = parse_source(data, "text/html", entry)
    frames = source_frames(entry, notice, "sha", len(data), None, parse_key="k")
    paragraphs = [Paragraph(r["text"], r["page"], tuple(r["page_breaks"])) for r in frames["paragraphs"].to_dicts()]
    tables = tuple(tables_from_rows(frames["table_rows"].to_dicts()))
    assert tables and tables[0].cell_paragraphs  # located cell by cell, and read back so
    src = SourceInput("gov", paragraphs, frames["clauses"], None, None, None, notice.title, "国务院办公厅", tables=tables)
    out = TASKS.extract(src)
    tasks, agencies = out["tasks"], out["task_agencies"]
    full_text = notice.full_text
    assert tasks.height == 2
    for task, (seq, name, content, guides, scope) in zip(tasks.iter_rows(named=True), _REFORMS):
        written = full_text[task["char_start"] : task["char_end"]]
        assert written.startswith(name) and content in task["text"] and guides in written
        assert task["note_text"] == guides
        mine = agencies.filter(agencies["task_id"] == task["task_id"])
        assert set(mine["role"]) == {"guide"}
        assert mine["mention"].to_list() == guides.split("、")
        for a in mine.iter_rows(named=True):
            assert full_text[a["char_start"] : a["char_end"]] == a["mention"]
    # The section title and the header are no tasks; nothing else of the body became one from those rows.
    assert not any("知识产权保护方面" in t for t in tasks["text"].to_list())


def _saved_by_libreoffice(data: bytes, source_ext: str, target: str, tmp_path) -> bytes:
    """The file as LibreOffice saves it in a 97-2003 format (target: "doc" or "xls")."""
    import subprocess

    from pipelines.parse import legacy

    binary = legacy.soffice()
    assert binary, "LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui, as .ci/run does"
    src = tmp_path / f"fj.{source_ext}"
    src.write_bytes(data)
    subprocess.run([binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", target, "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    return (tmp_path / f"fj.{target}").read_bytes()


def test_word_97_and_excel_97_task_tables_give_the_same_tasks(tmp_path):
    # .doc read through LibreOffice, .xls by xlrd; the merged lead cell survives both.
    for data, url in (
        (_saved_by_libreoffice(office.task_docx(), "docx", "doc", tmp_path), "https://x.gov.cn/fj1.doc"),
        (_saved_by_libreoffice(office.task_xlsx(), "xlsx", "xls", tmp_path), "https://x.gov.cn/fj2.xls"),
    ):
        assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file, not a renamed .docx
        src, _ = _stage_input(data, url)
        out = TASKS.extract(src)
        tasks, agencies = out["tasks"], out["task_agencies"]
        assert tasks["text"].to_list() == [t["task"] for t in office.EXPECTED], url
        assert tasks["deadline"].to_list() == [t["deadline"] for t in office.EXPECTED], url
        seq_of = dict(zip(tasks["task_id"], tasks["seq"]))
        assert [(seq_of[r["task_id"]], r["role"], r["mention"], r["name"]) for r in agencies.to_dicts()] == EXPECTED_AGENCIES, url
