"""Tasks and the agencies their responsibility notes name (pipelines/extract/tasks.py, agencies.py).

The grammar tests use the note styles of real notices verbatim. The whole-notice tests parse the
bundled corpus with the real HTML and PDF parsers and compare every task's lead, co-responsible and
responsible agencies with lists written by reading the notes (粤府〔2017〕8号 and 闽政〔2016〕52号).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from pipelines.clauses import clause_frame
from pipelines.extract.agencies import (
    CO,
    LEAD,
    RESPONSIBLE,
    find_division,
    looks_like_note,
    parse_note,
    split_items,
    Span,
)
from pipelines.extract.tasks import extract_tasks
from pipelines.model import Paragraph, ParsedNotice
from pipelines.parse.html import parse_html
from pipelines.parse.metadata import province_of
from pipelines.parse.pdf import parse_pdf
from pipelines.textnorm import normalize_text
from reference import reference_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def roles(note: str, province: str | None) -> dict[str, list[str]]:
    """The note's agency names grouped by role, in note order."""
    out: dict[str, list[str]] = {LEAD: [], CO: [], RESPONSIBLE: []}
    for m in parse_note(note, province):
        out[m.role].append(m.name)
    return out


# --- the note styles of the issue, verbatim ------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "（省发展改革委牵头，省经济和信息化委、国土资源厅等按职责分工负责）",  # full-width
        "(省发展改革委牵头,省经济和信息化委、国土资源厅等按职责分工负责)",  # half-width
        "（省发展改革委牵头,省经济和信息化委、国土资源厅等按照职责分工负责）",  # mixed
    ],
)
def test_lead_then_co_in_either_bracket_width(note):
    assert roles(note, "广东省") == {
        LEAD: ["广东省发展改革委"],
        CO: ["广东省经济和信息化委", "广东省国土资源厅"],
        RESPONSIBLE: [],
    }


def test_several_leads_semicolon_and_a_comma_run():
    note = "（省科技厅、发展改革委牵头；省教育厅、工业和信息化委，中科院昆明分院等按照职责分工负责）"
    assert roles(note, "云南省") == {
        LEAD: ["云南省科技厅", "云南省发展改革委"],
        CO: ["云南省教育厅", "云南省工业和信息化委", "中科院昆明分院"],
        RESPONSIBLE: [],
    }


def test_leads_only():
    assert roles("（省发展改革委、交通运输厅牵头）", "广东省") == {
        LEAD: ["广东省发展改革委", "广东省交通运输厅"],
        CO: [],
        RESPONSIBLE: [],
    }


def test_no_lead_means_responsible():
    got = parse_note("（省口岸办、质监局，海关广东分署等按职责分工负责）", "广东省")
    assert [(m.role, m.name) for m in got] == [
        (RESPONSIBLE, "广东省口岸办"),
        (RESPONSIBLE, "广东省质监局"),
        (RESPONSIBLE, "海关广东分署"),
    ]
    # 海关广东分署 is a central agency's local office: it names itself and takes no 省 prefix.
    assert got[2].jurisdiction is None and got[2].province == "广东省"


def test_responsibility_line():
    got = parse_note("责任单位：省发改委、住建厅、海洋渔业厅、交通运输厅等，相关设区市人民政府", "福建省")
    assert [(m.role, m.name, m.is_group) for m in got] == [
        (RESPONSIBLE, "福建省发改委", False),
        (RESPONSIBLE, "福建省住建厅", False),
        (RESPONSIBLE, "福建省海洋渔业厅", False),
        (RESPONSIBLE, "福建省交通运输厅", False),
        (RESPONSIBLE, "福建省相关设区市人民政府", True),
    ]


def test_labelled_lead_and_co_lines():
    assert roles("牵头单位：省发改委；配合单位：省财政厅、商务厅", "福建省") == {
        LEAD: ["福建省发改委"],
        CO: ["福建省财政厅", "福建省商务厅"],
        RESPONSIBLE: [],
    }


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("（省发展改革委牵头，省财政厅配合）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("（省发展改革委牵头，省财政厅参与）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("（省发展改革委牵头负责，省财政厅等负责）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("（省科技厅负责）", {LEAD: [], CO: [], RESPONSIBLE: ["广东省科技厅"]}),
    ],
)
def test_role_markers(note, expected):
    assert roles(note, "广东省") == expected


# --- prefixes, runs, suffixes, joiners, groups ----------------------------------------------------


def test_prefix_carries_over_a_list():
    names = [m.name for m in parse_note("（省发展改革委、交通运输厅、水利厅负责）", "广东省")]
    assert names == ["广东省发展改革委", "广东省交通运输厅", "广东省水利厅"]


def test_comma_starts_a_new_run():
    got = parse_note("（省外办，昆明海关、云南出入境检验检疫局等按职责分工负责）", "云南省")
    assert [m.name for m in got] == ["云南省外办", "昆明海关", "云南出入境检验检疫局"]
    # The customs office and the inspection bureau are not 省-level departments.
    assert [m.jurisdiction for m in got] == ["云南省", None, None]
    assert all(m.province == "云南省" for m in got)


def test_a_party_prefix_carries_over_too():
    names = [m.name for m in parse_note("（省委组织部、宣传部负责）", "广东省")]
    assert names == ["广东省委组织部", "广东省委宣传部"]


def test_shared_suffix_of_places():
    got = parse_note("（广东、深圳、珠海出入境检验检疫局等按职责分工负责）", "广东省")
    assert [m.name for m in got] == ["广东出入境检验检疫局", "深圳出入境检验检疫局", "珠海出入境检验检疫局"]
    assert [m.mention for m in got] == ["广东", "深圳", "珠海出入境检验检疫局"]


def test_shared_city_government_suffix():
    got = parse_note("（广州、深圳、珠海市政府负责）", "广东省")
    assert [(m.jurisdiction, m.unit) for m in got] == [("广州市", "政府"), ("深圳市", "政府"), ("珠海市", "政府")]


def test_shared_type_list_uses_the_real_division_kinds():
    got = parse_note("（保山、红河、文山等州、市人民政府负责）", "云南省")
    # 保山 is a 市, 红河 and 文山 are autonomous 州 (文山市 is only a county-level city).
    assert [m.name for m in got] == ["保山市人民政府", "红河哈尼族彝族自治州人民政府", "文山壮族苗族自治州人民政府"]
    assert [m.mention for m in got] == ["保山", "红河", "文山"]
    assert all(m.province == "云南省" and not m.is_group for m in got)


def test_division_lookup():
    assert find_division("红河").kind == "自治州"
    assert find_division("红河州").name == "红河哈尼族彝族自治州"
    assert find_division("保山").name == "保山市"
    assert find_division("海南").name == "海南省"  # the province, not Qinghai's 海南藏族自治州
    assert find_division("吉林", "吉林省").name == "吉林市"  # in a Jilin notice: the prefecture


@pytest.mark.parametrize(
    ("run", "items"),
    [
        ("省商务厅、港澳办及有关地级以上市政府等", ["省商务厅", "港澳办", "有关地级以上市政府"]),
        ("省发改委和省财政厅", ["省发改委", "省财政厅"]),
        ("安全监管局以及省总工会", ["安全监管局", "省总工会"]),
        ("省港澳办与商务厅", ["省港澳办", "商务厅"]),
        # 和 / 与 inside a name are not joiners.
        ("省经济和信息化委、海洋与渔业厅、人力资源和社会保障厅", ["省经济和信息化委", "海洋与渔业厅", "人力资源和社会保障厅"]),
        ("省发展和改革委员会、卫生和计划生育委员会", ["省发展和改革委员会", "卫生和计划生育委员会"]),
        ("省发展改革委等有关部门", ["省发展改革委", "有关部门"]),
    ],
)
def test_joiners_are_not_names(run, items):
    assert [s.text for s in split_items(Span(run, 0))] == items


@pytest.mark.parametrize("group", ["有关地级以上市政府", "省有关单位", "省社会信用体系建设统筹协调小组成员单位", "领导小组成员单位"])
def test_vague_groups_are_flagged(group):
    (m,) = parse_note(f"（省发展改革委牵头，{group}等按职责分工负责）", "广东省")[1:]
    assert m.is_group and m.role == CO


def test_province_means_the_issuing_province():
    gd = parse_note("（省发展改革委牵头）", "广东省")[0]
    fj = parse_note("（省发展改革委牵头）", "福建")[0]  # a short province name works too
    assert (gd.name, gd.province) == ("广东省发展改革委", "广东省")
    assert (fj.name, fj.province) == ("福建省发展改革委", "福建省")


def test_central_offices_and_enterprises_name_themselves():
    note = "（民航中南管理局、省发展改革委、交通运输部珠江航务管理局、省机场管理集团、广铁集团等按职责分工负责）"
    got = {m.name: m.jurisdiction for m in parse_note(note, "广东省")}
    assert got == {
        "民航中南管理局": None,
        "广东省发展改革委": "广东省",
        "交通运输部珠江航务管理局": None,
        "广东省机场管理集团": "广东省",
        "广铁集团": None,
    }


def test_annotation_stays_in_the_mention_not_the_name():
    got = parse_note("责任单位：省人社厅、省委组织部（省委人才办）、省科技厅、教育厅、财政厅（省医保办）", "福建省")
    assert [m.name for m in got] == ["福建省人社厅", "福建省委组织部", "福建省科技厅", "福建省教育厅", "福建省财政厅"]
    assert got[1].mention == "省委组织部（省委人才办）"


def test_mention_offsets_point_into_the_note():
    note = "（省口岸办牵头，省发展改革委、交通运输厅、商务厅，海关广东分署，广东、深圳、珠海出入境检验检疫局，广州市政府等按职责分工负责）"
    got = parse_note(note, "广东省")
    assert [note[m.start : m.end] for m in got] == [m.mention for m in got]
    assert [m.position for m in got] == list(range(len(got)))


@pytest.mark.parametrize(
    "text",
    ["以下简称《意见》", "国发〔2016〕18号", "CEPA", "2016-2020", "细颗粒物", "广东", "以香港、澳门为核心"],
)
def test_ordinary_brackets_are_not_notes(text):
    assert not looks_like_note(text)


# --- task segmentation on small notices -----------------------------------------------------------


def _notice(*lines: str) -> list[Paragraph]:
    return [Paragraph(line) for line in lines]


def _tasks(paragraphs: list[Paragraph], province: str | None = "广东省"):
    notice = ParsedNotice("html", paragraphs)
    return extract_tasks("src", paragraphs, clause_frame("src", notice), province)


def test_a_paragraph_with_two_notes_holds_two_tasks():
    paragraphs = _notice(
        "一、总体要求",
        "坚持合作共赢。",
        "二、主要任务",
        "（一）加强合作。",
        "1.推进规划。编制规划。（省发展改革委牵头）实施项目。（省交通运输厅、水利厅等按职责分工负责）",
        "完善机制。（省科技厅牵头，省教育厅配合）",
    )
    tasks, agencies = _tasks(paragraphs)
    assert tasks["text"].to_list() == ["1.推进规划。编制规划。", "实施项目。", "完善机制。"]
    assert tasks["note_text"].to_list() == ["（省发展改革委牵头）", "（省交通运输厅、水利厅等按职责分工负责）", "（省科技厅牵头，省教育厅配合）"]
    assert tasks["heading_path"].to_list() == ["二、主要任务 › （一）加强合作 › 1.推进规划"] * 3
    assert tasks["task_id"].to_list() == ["src/t000", "src/t001", "src/t002"]
    full = "\n".join(p.text for p in paragraphs)
    for t in tasks.iter_rows(named=True):
        assert full[t["note_char_start"] : t["note_char_end"]] == t["note_text"]
        assert full[t["char_start"] : t["note_char_start"]].strip() == t["text"]
        assert t["char_end"] == t["note_char_end"]
    for a in agencies.iter_rows(named=True):
        assert full[a["char_start"] : a["char_end"]] == a["mention"]
    assert agencies.filter(agencies["task_id"] == "src/t001")["role"].to_list() == [RESPONSIBLE, RESPONSIBLE]


def test_a_note_on_its_own_line_closes_the_paragraphs_above():
    paragraphs = _notice(
        "二、主要任务",
        "（一）优化布局。推进建设。",
        "加强衔接。",
        "责任单位：省发改委、住建厅等",
        "（二）培育产业。推动协作。",
        "（省经信委牵头）",
    )
    tasks, _ = _tasks(paragraphs, "福建省")
    assert tasks["text"].to_list() == ["（一）优化布局。推进建设。\n加强衔接。", "（二）培育产业。推动协作。"]
    assert tasks["heading_path"].to_list() == ["二、主要任务 › （一）优化布局", "二、主要任务 › （二）培育产业"]


def test_a_section_introduction_is_not_part_of_the_first_task():
    paragraphs = _notice(
        "三、推进建设",
        "以交通为重点，形成网络。",
        "（一）建设铁路。加快建设。（省发展改革委牵头）",
    )
    tasks, _ = _tasks(paragraphs)
    assert tasks["text"].to_list() == ["（一）建设铁路。加快建设。"]


def test_without_notes_each_numbered_work_item_is_a_task():
    paragraphs = _notice(
        "广东省人民政府文件",
        "一、重大意义和总体要求",
        "（一）指导思想",
        "坚持新发展理念。",
        "（二）发展目标",
        "到2035年，全面建成。",
        "二、优化空间格局",
        "构建网络化空间格局。",
        "（三）发挥极点带动作用。推进合作。",
        "续页的文字。",
        "（四）强化轴带。加快建设。",
        "三、保障措施",
        "（五）加强组织协调。统一领导。",
        "广东省人民政府",
        "2019年7月5日",
    )
    tasks, agencies = _tasks(paragraphs)
    assert tasks["text"].to_list() == [
        "（三）发挥极点带动作用。推进合作。\n续页的文字。",
        "（四）强化轴带。加快建设。",
        "（五）加强组织协调。统一领导。",
    ]
    assert tasks["note_text"].to_list() == [None, None, None]
    assert agencies.height == 0


def test_no_paragraphs_no_tasks():
    tasks, agencies = _tasks([])
    assert tasks.height == 0 and agencies.height == 0
    assert "clause_ids" in tasks.columns and "is_group" in agencies.columns


# --- whole notices ----------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def corpus_tasks(name: str):
    """(notice, tasks, agencies) of a corpus file, read by the real parser ("ref-NNN": a reference text)."""
    if name.startswith("ref-"):
        text = reference_text(name[4:])
        notice = ParsedNotice("html", [Paragraph(line.strip()) for line in text.splitlines() if line.strip()])
        province = {"001": "广东省", "002": "广东省", "003": "福建省"}[name[4:]]
    else:
        data = (CORPUS / name).read_bytes()
        notice = parse_html(data) if name.endswith(".html") else parse_pdf(data)
        province = province_of(notice.issuer or notice.doc_number)
    tasks, agencies = extract_tasks(name, notice.paragraphs, clause_frame(name, notice), province)
    return notice, tasks, agencies


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("gd-2017-8.html", 51),
        ("gd-2017-8.pdf", 51),
        ("ref-001", 51),
        ("fj-2016-52.html", 29),
        ("ref-003", 29),
        ("gd-gba-2019.pdf", 62),
        ("ref-002", 62),
    ],
)
def test_task_counts(name, count):
    _, tasks, _ = corpus_tasks(name)
    assert tasks.height == count


def _expand(names: str, province: str) -> list[str]:
    """"省发展改革委、海关广东分署" → ["广东省发展改革委", "海关广东分署"]: 省 stands for the province."""
    return [province + n[1:] if n.startswith("省") else n for n in names.split("、") if n]


# 粤府〔2017〕8号: every note, as (lead, co, responsible), read off the notice. 省 = 广东省.
GD_2017_8 = [
    ("省发展改革委", "省经济和信息化委、省国土资源厅、省住房城乡建设厅、省商务厅、省海洋与渔业厅、省交通运输厅、省港澳办、省有关地级以上市政府", ""),
    ("省发展改革委", "省交通运输厅、省水利厅、省环境保护厅、交通运输部珠江航务管理局", ""),
    ("省发展改革委", "省有关地级以上市政府", ""),
    ("省经济和信息化委", "省商务厅、省科技厅、省住房城乡建设厅、省有关地级以上市政府", ""),
    ("省发展改革委", "省商务厅、省港澳办", ""),
    ("省农业厅", "省海洋与渔业厅", ""),
    ("省商务厅", "省经济和信息化委、省发展改革委", ""),
    ("省发展改革委", "省有关单位、省有关地级以上市政府", ""),
    ("", "", "省发展改革委、省经济和信息化委、省人力资源社会保障厅、省商务厅、省国资委、省工商局、省金融办"),
    ("", "", "省食品药品监管局、省质监局、省工商局"),
    ("省工商局", "省发展改革委、省质监局、省食品药品监管局", ""),
    ("省法制办", "省工商局", ""),
    ("省发展改革委", "省社会信用体系建设统筹协调小组成员单位", ""),
    ("", "", "省口岸办、省质监局、海关广东分署、广东出入境检验检疫局、深圳出入境检验检疫局、珠海出入境检验检疫局"),
    ("省发展改革委、省交通运输厅", "", ""),
    ("省发展改革委、省交通运输厅", "广铁集团", ""),
    ("省交通运输厅", "省发展改革委", ""),
    ("", "", "省交通运输厅、省发展改革委、交通运输部珠江航务管理局、省有关地级以上市政府"),
    ("", "", "民航中南管理局、省发展改革委、省机场管理集团、深圳机场集团"),
    ("省发展改革委", "省国土资源厅、省水利厅", ""),
    ("省水利厅、水利部珠江水利委员会", "省发展改革委、省经济和信息化委、省国土资源厅、省环境保护厅、省海洋与渔业厅", ""),
    ("省通信管理局", "省经济和信息化委、省发展改革委", ""),
    ("省科技厅", "省发展改革委、省经济和信息化委、省教育厅、省住房城乡建设厅、省科学院、省有关地级以上市政府", ""),
    ("", "", "省发展改革委、省知识产权局、省工商局、省版权局、省人力资源社会保障厅、省科技厅、广州市政府"),
    ("省教育厅", "省发展改革委、省人力资源社会保障厅", ""),
    ("省文化厅", "省发展改革委、省新闻出版广电局、省体育局", ""),
    ("省卫生计生委、省食品药品监管局", "省发展改革委、省公安厅、省人力资源社会保障厅、省农业厅、省质监局", ""),
    ("省人力资源社会保障厅", "省委组织部、省发展改革委、省公安厅、省卫生计生委、省总工会", ""),
    ("省扶贫办", "省有关单位、广州市政府、深圳市政府、佛山市政府、中山市政府、东莞市政府、珠海市政府", ""),
    ("省旅游局", "省发展改革委、省公安厅、省工商局、省质监局", ""),
    ("", "", "省公安厅、省司法厅、省海防打私办、省民政厅、省人力资源社会保障厅、省环境保护厅、省交通运输厅、省卫生计生委、省安全监管局、省总工会"),
    ("省发展改革委、省商务厅、省交通运输厅", "省外办、省国资委", ""),
    ("省自贸办", "省有关单位、广州市政府、深圳市政府、珠海市政府", ""),
    ("省口岸办", "省发展改革委、省交通运输厅、省商务厅、海关广东分署、广东出入境检验检疫局、深圳出入境检验检疫局、珠海出入境检验检疫局、广州市政府", ""),
    ("省环境保护厅", "省水利厅、省发展改革委、省经济和信息化委、省国土资源厅、省交通运输厅、省海洋与渔业厅、水利部珠江水利委员会、省有关地级以上市政府", ""),
    ("省环境保护厅", "省发展改革委、省经济和信息化委、省科技厅、省交通运输厅、省公安厅、省港澳办", ""),
    ("省环境保护厅、省国土资源厅", "省发展改革委、省林业厅、省水利厅、省住房城乡建设厅", ""),
    ("省环境保护厅", "省发展改革委、省城乡住房建设厅、省财政厅", ""),
    (
        "省发展改革委、省交通运输厅",
        "省经济和信息化委、省国土资源厅、省港澳办、省商务厅、省水利厅、省国资委、省自贸办、省旅游局、省口岸办、省通信管理局、"
        "海关广东分署、广东出入境检验检疫局、深圳出入境检验检疫局、珠海出入境检验检疫局、省机场管理集团、深圳机场集团、广铁集团、"
        "深圳市政府、珠海市政府",
        "",
    ),
    ("省商务厅", "省发展改革委、省经济和信息化委、省港澳办", ""),
    ("", "", "省发展改革委、省商务厅、省金融办、省港澳办、省司法厅、深圳市政府"),
    ("", "", "省科技厅、省商务厅、省文化厅、省港澳办、省工商局、省知识产权局、省版权局、深圳市政府"),
    ("", "", "省商务厅、省旅游局、省港澳办、省中医药局"),
    ("省旅游局", "省公安厅、省口岸办", ""),
    ("省发展改革委", "省商务厅、省港澳办、省人力资源社会保障厅、省有关地级以上市政府", ""),
    (
        "",
        "",
        "省人力资源社会保障厅、省民政厅、省教育厅、省港澳办、省发展改革委、省文化厅、省新闻出版广电局、省商务厅、"
        "省食品药品监管局、省经济和信息化委、省质监局、人民银行广州分行",
    ),
    ("省港澳办", "省发展改革委、省经济和信息化委、省商务厅、省民政厅、省发展研究中心、广东省团委、广州市政府、深圳市政府、珠海市政府", ""),
    ("省发展改革委", "省编办、省推进泛珠三角区域合作工作协调领导小组成员单位、省有关地级以上市政府", ""),
    ("省发展改革委", "", ""),
    ("省发展改革委", "省财政厅、省经济和信息化委、省商务厅", ""),
    ("省发展改革委", "省有关单位、省有关地级以上市政府", ""),
]

# 闽政〔2016〕52号: every 责任单位 line (no lead is named: all responsible). 省 = 福建省.
FJ_2016_52 = [
    "省发改委、省住建厅、省海洋渔业厅、省交通运输厅、省相关设区市人民政府",
    "省经信委、省发改委、省商务厅、省农业厅、省海洋渔业厅、省文化厅、省粮食局、省旅游局",
    "省经信委、省商务厅、省发改委、省相关设区市人民政府",
    "省发改委、省商务厅、省工商局、省质监局、省政府法制办",
    "省发改委、省工商局、省质监局、省商务厅、省知识产权局",
    "省口岸办、福建海事局、福州海关、厦门海关、福建检验检疫局、厦门检验检疫局、省边防总队、厦门边检总站",
    "省发改委、省交通运输厅、省铁办、省邮政管理局、民航福建监管局、民航厦门监管局、南昌铁路局福州办事处、省相关设区市人民政府",
    "省发改委、省经信委、福建能源监管办、省电力公司",
    "省通信管理局、省发改委、省经信委、省相关设区市人民政府",
    "省发改委、省经信委、省相关设区市人民政府",
    "省科技厅、省发改委、省经信委、省商务厅、省相关设区市人民政府",
    "省科技厅、省发改委、省知识产权局、福州市政府",
    "省教育厅、省人社厅",
    "省文化厅、省体育局",
    "省卫计委、省食品药品监管局、省数字办",
    "省人社厅、省委组织部、省科技厅、省教育厅、省财政厅",
    "省旅游局",
    "省公安厅",
    "省应急办",
    "省发改委、省商务厅、省交通运输厅、省旅游局、省外办、省侨办",
    "省商务厅、省发改委、省工商局、省台办、省金融办、省政府法制办、福建海事局、福州海关、厦门海关、福建检验检疫局、厦门检验检疫局",
    "省口岸办、民航厦门监管局、福州海关、厦门海关、福建检验检疫局、厦门检验检疫局、省相关设区市人民政府",
    "省环保厅、省水利厅、省海洋渔业厅、省林业厅、省气象局、省政府法制办、省相关设区市人民政府",
    "省环保厅、省应急办、省财政厅、省相关设区市人民政府",
    "省商务厅、省金融办、省发改委、人行福州中心支行、福建银监局、福建证监局、省各有关行业主管部门",
    "省人社厅、省委组织部、省教育厅、省外办、省各有关行业主管部门",
    "省港澳办、省商务厅、省教育厅、省政府发展研究中心、省社科院",
    "省发改委",
    "省发改委、省财政厅、省金融办、国开行福建省分行",
]


def _by_role(tasks, agencies) -> list[tuple[list[str], list[str], list[str]]]:
    out = []
    for task_id in tasks["task_id"].to_list():
        rows = agencies.filter(agencies["task_id"] == task_id).sort("position")
        out.append(tuple(rows.filter(rows["role"] == role)["name"].to_list() for role in (LEAD, CO, RESPONSIBLE)))
    return out


@pytest.mark.parametrize("name", ["gd-2017-8.html", "gd-2017-8.pdf", "ref-001"])
def test_every_task_of_guangdong_2017_8(name):
    _, tasks, agencies = corpus_tasks(name)
    expected = [tuple(_expand(part, "广东省") for part in row) for row in GD_2017_8]
    assert _by_role(tasks, agencies) == expected


@pytest.mark.parametrize("name", ["fj-2016-52.html", "ref-003"])
def test_every_task_of_fujian_2016_52(name):
    _, tasks, agencies = corpus_tasks(name)
    expected = [([], [], _expand(row, "福建省")) for row in FJ_2016_52]
    assert _by_role(tasks, agencies) == expected


def test_guangdong_2017_8_headings_and_texts():
    _, tasks, _ = corpus_tasks("gd-2017-8.html")
    rows = tasks.to_dicts()
    norm = lambda s: normalize_text(s)  # the HTML page writes half-width brackets
    assert norm(rows[14]["heading_path"]) == norm("二、主要任务 › （三）推进重大基础设施一体化建设 › 7.共建现代化综合交通运输体系")
    assert rows[14]["heading_titles"][-1] == "7.共建现代化综合交通运输体系"
    assert rows[14]["text"].startswith("7.共建现代化综合交通运输体系。加强与泛珠合作各方")
    assert rows[15]["text"].startswith("铁路方面。")  # the second paragraph of item 7 is a task of its own
    assert rows[47]["heading_path"].startswith("三、保障措施")
    assert rows[47]["text"].startswith("充分发挥省推进泛珠三角区域合作工作协调领导小组作用")
    # The framing section (一、总体要求) holds no task.
    assert not any(r["heading_path"].startswith("一、") for r in rows)


def test_fujian_2016_52_paragraph_after_a_note_is_a_task():
    _, tasks, _ = corpus_tasks("fj-2016-52.html")
    t = tasks.row(9, named=True)
    assert t["text"].startswith("实施赣闽粤原中央苏区农村超高速无线局域网工程")
    assert t["heading_path"] == "四、推进重大基础设施一体化建设 › （三）完善信息基础设施"
    assert t["note_text"] == "责任单位：省发改委、经信委等，相关设区市人民政府"


@pytest.mark.parametrize("name", ["gd-gba-2019.pdf", "ref-002"])
def test_greater_bay_area_items_five_to_sixty_six(name):
    _, tasks, agencies = corpus_tasks(name)
    markers = [re.match(r"[（(]([一二三四五六七八九十]+)[）)]", t).group(1) for t in tasks["text"].to_list()]
    from cn2an import cn2an

    assert [int(cn2an(m, "normal")) for m in markers] == list(range(5, 67))
    assert agencies.height == 0 and tasks["note_text"].null_count() == tasks.height
    sections = {titles[0] for titles in tasks["heading_titles"].to_list()}
    assert not any("总体要求" in s for s in sections)
    assert tasks["heading_titles"].to_list()[-1][0] == "十一、保障措施"
    # A page break inside an item does not end its task.
    last = tasks.row(-1, named=True)
    assert last["text"].rstrip().endswith("共同参与大湾区建设的良好氛围。")


@pytest.mark.parametrize("name", ["gd-2017-8.html", "gd-2017-8.pdf", "fj-2016-52.html", "gd-gba-2019.pdf"])
def test_provenance_points_back_into_the_source(name):
    notice, tasks, agencies = corpus_tasks(name)
    full = notice.full_text
    clauses = clause_frame(name, notice)
    clause_span = {c: (s, e) for c, s, e in clauses.select("clause_id", "char_start", "char_end").iter_rows()}
    for t in tasks.iter_rows(named=True):
        end = t["note_char_start"] if t["note_char_start"] is not None else t["char_end"]
        assert full[t["char_start"] : end].strip() == t["text"]
        if t["note_text"] is not None:
            assert full[t["note_char_start"] : t["note_char_end"]] == t["note_text"] and t["char_end"] == t["note_char_end"]
        assert t["clause_ids"], t["task_id"]
        for c in t["clause_ids"]:
            s, e = clause_span[c]
            assert s < t["char_end"] and e > t["char_start"]
        assert (t["page"] is not None) == name.endswith(".pdf")
    for a in agencies.iter_rows(named=True):
        assert full[a["char_start"] : a["char_end"]] == a["mention"]


def test_no_agency_is_a_joiner_or_a_fragment():
    for name in ("gd-2017-8.html", "fj-2016-52.html"):
        _, _, agencies = corpus_tasks(name)
        for row in agencies.iter_rows(named=True):
            assert len(row["unit"]) >= 2, row
            assert not re.search(r"^(及|和|与|等)|(及|和|与|等)$|[、，,；;]", row["name"]), row


def test_a_note_split_over_label_lines_is_one_note():
    paragraphs = _notice(
        "二、主要任务",
        "（一）优化布局。推进建设。",
        "牵头单位：省发改委",
        "配合单位：省财政厅、商务厅",
        "（二）培育产业。推动协作。",
        "责任单位：省经信委",
    )
    tasks, agencies = _tasks(paragraphs, "福建省")
    assert tasks["note_text"].to_list() == ["牵头单位：省发改委\n配合单位：省财政厅、商务厅", "责任单位：省经信委"]
    assert _by_role(tasks, agencies) == [
        (["福建省发改委"], ["福建省财政厅", "福建省商务厅"], []),
        ([], [], ["福建省经信委"]),
    ]
