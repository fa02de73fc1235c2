"""Tables as data: merged cells carried, task and indicator tables read by their header words,
the same tasks from an HTML table, a DOCX, an XLSX and a ruled PDF table over two pages."""
from __future__ import annotations

import office_synth as office
import pytest

from pipelines.parse.docx import parse_docx
from pipelines.parse.html_tables import tables_from_html
from pipelines.parse.pdf_tables import tables_from_pdf
from pipelines.parse.xlsx import parse_xlsx
from pipelines.tables import column_kind, expand_spans, indicator_rows, make_table, split_agencies, task_rows


def test_header_words_in_simplified_and_traditional():
    kinds = {h: column_kind(h) for h in ["序号", "重點任務", "主要任务", "工作内容", "牽頭單位", "責任單位", "负责单位",
                                         "协办单位", "參與單位", "完成時限", "时间节点", "任务完成时间", "指标", "2025年", "备注"]}
    assert kinds == {
        "序号": "seq", "重點任務": "task", "主要任务": "task", "工作内容": "task", "牽頭單位": "lead", "責任單位": "lead",
        "负责单位": "lead", "协办单位": "co", "參與單位": "co", "完成時限": "deadline", "时间节点": "deadline",
        "任务完成时间": "deadline", "指标": "metric", "2025年": "year", "备注": None,
    }


def test_agencies_in_a_cell_are_split_on_list_punctuation_and_lines():
    assert split_agencies("省交通运输厅、省自然资源厅，省财政厅；省税务局\n省统计局等") == [
        "省交通运输厅", "省自然资源厅", "省财政厅", "省税务局", "省统计局",
    ]
    assert split_agencies("") == []


def test_holes_are_carried_down_in_the_body_and_left_in_the_header_and_section_rows():
    grid = [
        ["序号", "工作任务", "责任单位", None],  # 责任单位 spans two columns in the header
        ["一、基础设施", None, None, None],  # a section row one cell spans
        ["1", "建设港口", "市交通局", "市发改局"],
        ["2", "建设机场", None, "市财政局"],  # 市交通局 carried down
    ]
    table = make_table(grid, index=3, source="fj.pdf", pages=[1, 1, 1, 2])
    assert table.header == ("序号", "工作任务", "责任单位", "责任单位")
    assert table.rows[1] == ("一、基础设施",) * 4 and table.rows[3][2] == "市交通局"
    assert (3, 2) in table.carried and (2, 2) not in table.carried
    tasks = task_rows(table)
    assert [(t["section"], t["task"], t["lead"], t["row"], t["page"], t["table"], t["source"]) for t in tasks] == [
        ("一、基础设施", "建设港口", ["市交通局"], 2, 1, 3, "fj.pdf"),
        ("一、基础设施", "建设机场", ["市交通局"], 3, 2, 3, "fj.pdf"),
    ]
    assert tasks[1]["carried"] == ["lead"] and tasks[1]["cells"]["lead"] == (3, 2)
    assert {t["lead_role"] for t in tasks} == {"responsible"}  # 责任单位, not 牵头单位


def test_a_row_naming_no_agency_is_no_task():
    table = make_table([["序号", "重点任务", "牵头单位"], ["1", "建设港口", "市交通局"], ["2", "研发投入强度达到3.", ""]])
    assert [(t["task"], t["lead_role"]) for t in task_rows(table)] == [("建设港口", "lead")]


def test_a_table_without_task_and_lead_columns_yields_no_tasks():
    assert task_rows(make_table([["项目名称", "投资额"], ["广湛高铁", "1000"]])) == []


def test_rowspan_and_colspan_are_expanded():
    grid, carried = expand_spans([[("A", 2, 1), ("B", 1, 2)], [("C", 1, 1), ("D", 1, 1)]])
    assert grid == [["A", "B", "B"], ["A", "C", "D"]] and carried == {(0, 2), (1, 0)}


@pytest.mark.parametrize("read", ["html", "docx", "xlsx", "pdf"])
def test_the_task_table_gives_the_hand_written_tasks_in_every_format(read):
    tables = {
        "html": lambda: tables_from_html(office.notice_page_html(), source="page.html"),
        "docx": lambda: parse_docx(office.task_docx(), source="fj1.docx").tables,
        "xlsx": lambda: parse_xlsx(office.task_xlsx(), source="fj2.xlsx").tables,  # Traditional header
        "pdf": lambda: tables_from_pdf(office.task_table_pdf(), source="fj3.pdf"),
    }[read]()
    assert len(tables) == 1
    tasks = task_rows(tables[0])
    assert office.essentials(tasks) == office.EXPECTED
    # Rows 3 and 4 (table rows, header 0) are led by the merged cell of row 2.
    assert [t["carried"] for t in tasks] == [[], [], ["lead"], ["lead"], []]
    sources = {"html": "page.html", "docx": "fj1.docx", "xlsx": "fj2.xlsx", "pdf": "fj3.pdf"}
    assert {t["source"] for t in tasks} == {sources[read]}
    if read == "pdf":  # the table goes on over the page break, its header repeated there
        assert [t["page"] for t in tasks] == [1, 1, 1, 1, 2]
        assert [t["row"] for t in tasks] == [1, 2, 3, 4, 5]


def test_an_indicator_table_yields_targets():
    table = make_table([
        ["类别", "指标", "单位", "2020年", "2025年", "属性"],
        ["交通", "高速铁路营业里程", "公里", "2065", "3500", "预期性"],
        ["交通", "城市轨道交通运营里程（公里）", "", "1100", "1700以上", "预期性"],
        ["服务", "群众满意度", "", "", "显著提升", "预期性"],
    ])
    got = [(t["metric"], t["unit"], t["year"], t["value"], t["value_text"]) for t in indicator_rows(table)]
    assert got == [
        ("高速铁路营业里程", "公里", 2020, 2065.0, "2065"),
        ("高速铁路营业里程", "公里", 2025, 3500.0, "3500"),
        ("城市轨道交通运营里程（公里）", "公里", 2020, 1100.0, "1100"),
        ("城市轨道交通运营里程（公里）", "公里", 2025, 1700.0, "1700以上"),
        ("群众满意度", None, 2025, None, "显著提升"),
    ]
