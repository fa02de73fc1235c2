"""Task tables a page gives one cell a line, with no <table> markup (pipelines.parse.line_tables):
rows told apart by their 序号, an agency cell written one agency a line, tasks with offsets that
point at each agency line.

Rows are those of real county and city notices: Dazhu's 2016 民生实事 (县水务局 / 县住建局 /
县护城河指挥部 over three lines), Qinxian's 2025 task list (县示范区管委会), Kaihua's 2023 work list.
"""
from __future__ import annotations

from pipelines.catalog import CatalogEntry
from pipelines.extract_stages import TASKS, SourceInput
from pipelines.model import Paragraph
from pipelines.parse.line_tables import line_tables
from pipelines.process import parse_source, source_frames, tables_from_rows
from pipelines.tables import task_rows

DAZHU = [
    "附件", "2016年民生实事目标任务分解表", "序号", "民生实事", "责任单位", "完成时限",
    "1", "启动建设东柳河城区段综合治理工程和东湖湿地公园。", "县水务局", "县住建局", "县护城河指挥部", "12月底前",
    "2", "新建2座人行天桥。", "县住建局", "9月投入使用",
    "3", "建成县残疾人综合服务中心。", "县残联", "5月底前动工",
    "4", "开工建设县老年养护楼。", "县民政局", "5月底前动工", "开工建设老年大学。", "12月底前",
    "5", "完成棚户区改造2836户。", "县住建局", "12月底前",
]
QINXIAN = [
    "序号", "重点任务", "牵头单位",
    "1", "投资3000万元建设南美白对虾工厂化循环水养殖基地。", "县示范区管委会",
    "2", "打造食用菌酵素生产基地。", "县示范区管委会",
    "3", "建设3个劳动密集型产业园。", "县示范区管委会、县工信局",
]


def _paragraphs(lines: list[str]) -> list[Paragraph]:
    return [Paragraph(t) for t in lines]


def test_rows_by_their_number_and_an_agency_cell_over_several_lines():
    [table] = line_tables(_paragraphs(DAZHU))
    rows = task_rows(table)
    assert [r["task"] for r in rows] == [DAZHU[7], DAZHU[13], DAZHU[17], DAZHU[21], DAZHU[27]]
    assert rows[0]["lead"] == ["县水务局", "县住建局", "县护城河指挥部"] and rows[0]["lead_role"] == "responsible"
    assert [r["deadline"] for r in rows] == ["12月底前", "9月投入使用", "5月底前动工", "5月底前动工", "12月底前"]
    assert table.cell_paragraph_span(1, 2) == range(8, 11)  # the three agency lines
    # a second item under one 序号 stays in the body, not in the row
    assert "开工建设老年大学" not in "".join(table.rows[4])


def test_a_lead_column_and_agencies_listed_in_one_line():
    [table] = line_tables(_paragraphs(["2025年县政府工作报告任务清单", *QINXIAN]))
    rows = task_rows(table)
    assert [r["lead"] for r in rows] == [["县示范区管委会"], ["县示范区管委会"], ["县示范区管委会", "县工信局"]]
    assert {r["lead_role"] for r in rows} == {"lead"}


def test_what_is_no_flattened_task_table():
    # lead and co columns: the lines would not say which column an agency is in
    assert line_tables(_paragraphs(["序号", "重点任务", "牵头单位", "配合单位", "1", "打造食用菌酵素生产基地。",
                                    "县示范区管委会", "县农业农村局"])) == []
    # a work list without an agency column (Kaihua: 序号 / 工作事项 / 进度安排)
    assert line_tables(_paragraphs(["序号", "工作事项", "进度安排", "1", "启动新安综合体建设。", "2月上旬前"])) == []
    # numbers out of turn are no rows; headings in prose are no header
    assert line_tables(_paragraphs(["序号", "民生实事", "责任单位", "2", "新建2座人行天桥。", "县住建局"])) == []
    assert line_tables(_paragraphs(["一、主要任务", "各责任单位要高度重视，切实加强领导。"])) == []


def test_a_page_with_a_flattened_table_gives_tasks_pointing_at_each_agency_line():
    letter = ["各乡镇人民政府、街道办事处，县级各部门：",
              "为让人民群众生活得更有保障、更加幸福，现将2016年民生实事目标任务分解如下，请认真抓好落实。",
              "大竹县人民政府办公室", "2016年2月26日"]
    body = "".join(f"<p>{t}</p>" for t in letter + DAZHU)
    data = (f"<html><head><meta charset='utf-8'><title>大竹县人民政府办公室关于对2016年民生实事进行重点督办的通知</title></head>"
            f"<body><div class='nav'><a href='/'>首页</a></div><div id='zoom'>{body}</div></body></html>").encode("utf-8")
    entry = CatalogEntry("dz", "https://www.dazhu.gov.cn/x.html", {})
    notice = parse_source(data, "text/html", entry)
    frames = source_frames(entry, notice, "sha", len(data), None, parse_key="k")
    paragraphs = [Paragraph(r["text"], r["page"], tuple(r["page_breaks"])) for r in frames["paragraphs"].to_dicts()]
    tables = tuple(tables_from_rows(frames["table_rows"].to_dicts()))  # as the stage reads them back
    src = SourceInput("dz", paragraphs, frames["clauses"], "四川省", None, None, notice.title, "大竹县人民政府办公室",
                      tables=tables)
    out = TASKS.extract(src)
    tasks, agencies = out["tasks"], out["task_agencies"]
    assert tasks.height == 5
    first = tasks.row(0, named=True)
    assert first["text"] == "启动建设东柳河城区段综合治理工程和东湖湿地公园。"
    mine = agencies.filter(agencies["task_id"] == first["task_id"])
    assert mine["mention"].to_list() == ["县水务局", "县住建局", "县护城河指挥部"]
    for a in agencies.iter_rows(named=True):
        assert notice.full_text[a["char_start"] : a["char_end"]] == a["mention"]
    assert "12月底前" in first["note_text"] and "县护城河指挥部" in first["note_text"]
