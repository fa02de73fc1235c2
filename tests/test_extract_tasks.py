"""Tasks and the agencies their responsibility notes name (pipelines/extract/tasks.py, agencies.py).

The grammar tests use the note styles of real notices verbatim, from provincial notices of Guangdong,
Fujian and Yunnan and, for the level prefixes, from autonomous regions, municipalities, cities,
prefectures and counties. The whole-notice tests parse the bundled corpus with the real HTML and PDF
parsers and compare every task's lead, co-responsible and responsible agencies with lists written by
reading the notes (粤府〔2017〕8号 and 闽政〔2016〕52号).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb
import pytest

from pipelines.clauses import clause_frame
from pipelines.extract.agencies import (
    CO,
    LEAD,
    RESPONSIBLE,
    defined_names,
    find_division,
    issuing,
    looks_like_note,
    parse_note,
    read_note,
    split_items,
    Span,
)
from pipelines.extract._textview import TextView
from pipelines.extract.tasks import extract_tasks
from pipelines.model import Paragraph, ParsedNotice
from pipelines.parse.html import parse_html
from pipelines.parse.metadata import province_of
from pipelines.parse.pdf import parse_pdf
from pipelines.textnorm import normalize_text
from reference import reference_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def roles(note: str, province: str | None, issuer: str | None = None) -> dict[str, list[str]]:
    """The note's agency names grouped by role, in note order."""
    out: dict[str, list[str]] = {LEAD: [], CO: [], RESPONSIBLE: []}  # guide, supervise: only when named
    for m in parse_note(note, province, issuer=issuer):
        out.setdefault(m.role, []).append(m.name)
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


# --- every province and level: the reviewer's cases and their variants ------------------------------

# Checks a name must pass whatever the notice (dbt_project/tests/agency_names_are_whole.sql asks the
# same of the marts): no level qualified twice, no ministry under a province, no deadline or role phrase.
_NOT_WHOLE = re.compile(
    r"自治区自治区|省省|市市(?![场政])|市市政府|州州|县县"
    r"|[省区市][^委]*部$"
    r"|^(?:.+[省区市])(?:国家|国务院|中国|中央|海关总署)"
    r"|时限|完成|年底|底前|时间节点|\d{4}年|[:：]"
    r"|职责|分工|牵头|配合|负责|[省市区县州]由|[委厅局办府]会同"
)


_LEVEL_LEFT = re.compile(r"^(?:省|自治区|市(?![场政])|市政府|州|县(?!域)|区(?!域)|旗|盟)")


def assert_whole(mentions) -> None:
    for m in mentions:
        assert len(m.unit) >= 2, m
        if m.jurisdiction and not m.is_group:
            assert not _LEVEL_LEFT.match(m.unit), m  # 湖南省 + 市发展改革委
        if m.name.endswith(("组织部", "宣传部", "统战部")) and (m.jurisdiction or "").endswith("委"):
            continue  # a party committee's departments
        assert not _NOT_WHOLE.search(m.name), m


@pytest.mark.parametrize(
    ("note", "province", "expected"),
    [
        ("（财政部、交通运输部牵头）", "广东省", ["财政部", "交通运输部"]),
        ("（中国铁路总公司、省发展改革委负责）", "广东省", ["中国铁路总公司", "广东省发展改革委"]),
        (
            "（国家发展改革委、国家能源局牵头，省发展改革委、国务院国资委、海关总署广东分署配合）",
            "广东省",
            ["国家发展改革委", "国家能源局", "广东省发展改革委", "国务院国资委", "海关总署广东分署"],
        ),
        # A central unit in the middle of a run neither takes nor breaks the carried prefix.
        ("（省发展改革委、工业和信息化部、交通运输厅负责）", "湖南省", ["湖南省发展改革委", "工业和信息化部", "湖南省交通运输厅"]),
        (
            "（省通信管理局牵头，中国移动湖南公司、中国电信湖南分公司、中国铁塔湖南省分公司配合）",
            "湖南省",
            ["湖南省通信管理局", "中国移动湖南公司", "中国电信湖南分公司", "中国铁塔湖南省分公司"],
        ),
        ("（市场监管总局、海关总署、中宣部负责）", "广东省", ["市场监管总局", "海关总署", "中宣部"]),
        # An enterprise's branch that names its place already.
        (
            "（省能源局牵头，国网江西省电力有限公司、招商局集团江西分公司配合）",
            "江西省",
            ["江西省能源局", "国网江西省电力有限公司", "招商局集团江西分公司"],
        ),
    ],
)
def test_central_agencies_and_national_enterprises_stay_central(note, province, expected):
    got = parse_note(note, province)
    assert [m.name for m in got] == expected
    central = [m for m in got if not m.mention.startswith("省") and m.name == m.mention]
    assert central and all(m.jurisdiction is None for m in central)
    assert_whole(got)


def test_a_party_committees_departments_are_not_ministries():
    got = parse_note("（省委宣传部、统战部，省发展改革委负责）", "广东省")
    assert [(m.jurisdiction, m.unit) for m in got] == [("广东省委", "宣传部"), ("广东省委", "统战部"), ("广东省", "发展改革委")]


@pytest.mark.parametrize(
    ("note", "province", "issuer", "expected"),
    [
        # 自治区 is the province-level prefix of an autonomous region, like 省; so is its party committee.
        (
            "（自治区发展改革委牵头，自治区财政厅、交通运输厅配合）",
            "广西壮族自治区",
            None,
            {LEAD: ["广西壮族自治区发展改革委"], CO: ["广西壮族自治区财政厅", "广西壮族自治区交通运输厅"], RESPONSIBLE: []},
        ),
        (
            "（自治区党委宣传部、自治区文化和旅游厅负责）",
            "广西",
            "广西壮族自治区人民政府办公厅",
            {LEAD: [], CO: [], RESPONSIBLE: ["广西壮族自治区党委宣传部", "广西壮族自治区文化和旅游厅"]},
        ),
        (
            "（区发展改革委牵头，区直有关部门配合）",
            "宁夏回族自治区",
            "宁夏回族自治区人民政府",
            {LEAD: ["宁夏回族自治区发展改革委"], CO: ["宁夏回族自治区直有关部门"], RESPONSIBLE: []},
        ),
        # 市 in a municipality's notice is the municipality.
        (
            "（市发展改革委牵头，市财政局、市规划自然资源委配合）",
            "北京市",
            "北京市人民政府",
            {LEAD: ["北京市发展改革委"], CO: ["北京市财政局", "北京市规划自然资源委"], RESPONSIBLE: []},
        ),
        ("（市发展改革委、市住房城乡建委负责）", "重庆市", None, {LEAD: [], CO: [], RESPONSIBLE: ["重庆市发展改革委", "重庆市住房城乡建委"]}),
        # 市 in a city's notice is the city (长沙 is a Hunan city); 市场监管局 is no 市 prefix.
        (
            "（市发展改革委牵头，市财政局、市场监管局配合）",
            "湖南省",
            "长沙市人民政府",
            {LEAD: ["长沙市发展改革委"], CO: ["长沙市财政局", "长沙市市场监管局"], RESPONSIBLE: []},
        ),
        (
            "（市市政公用局、市政务服务中心、市政府办公厅负责）",
            "湖南省",
            "长沙市人民政府",
            {LEAD: [], CO: [], RESPONSIBLE: ["长沙市市政公用局", "长沙市政务服务中心", "长沙市政府办公厅"]},
        ),
        (
            "（市委组织部、宣传部，团市委，市发展改革委负责）",
            "湖南省",
            "长沙市人民政府办公厅",
            {LEAD: [], CO: [], RESPONSIBLE: ["长沙市委组织部", "长沙市委宣传部", "长沙市团委", "长沙市发展改革委"]},
        ),
        # 州 in an autonomous prefecture's notice, 区 in a district's, 县 in a county's, 市 in a
        # county-level city's.
        (
            "（州发展改革委牵头，州财政局配合）",
            "云南省",
            "红河哈尼族彝族自治州人民政府",
            {LEAD: ["红河哈尼族彝族自治州发展改革委"], CO: ["红河哈尼族彝族自治州财政局"], RESPONSIBLE: []},
        ),
        (
            "（区发展改革委牵头，市规划自然资源委朝阳分局、区财政局配合）",
            "北京市",
            "北京市朝阳区人民政府",
            {LEAD: ["北京市朝阳区发展改革委"], CO: ["北京市规划自然资源委朝阳分局", "北京市朝阳区财政局"], RESPONSIBLE: []},
        ),
        ("（县发展改革局负责）", "湖南省", "长沙县人民政府", {LEAD: [], CO: [], RESPONSIBLE: ["长沙市长沙县发展改革局"]}),
        ("（市发展改革局负责）", "湖南省", "浏阳市人民政府", {LEAD: [], CO: [], RESPONSIBLE: ["浏阳市发展改革局"]}),
        # 省、市 in a city's notice: the province's and the city's.
        (
            "（省、市发展改革委牵头，市直有关单位配合）",
            "湖南省",
            "长沙市人民政府",
            {LEAD: ["湖南省发展改革委", "长沙市发展改革委"], CO: ["长沙市直有关单位"], RESPONSIBLE: []},
        ),
    ],
)
def test_level_prefixes_mean_the_issuing_jurisdiction(note, province, issuer, expected):
    assert roles(note, province, issuer) == expected
    assert_whole(parse_note(note, province, issuer=issuer))


def test_a_city_notice_keeps_the_city_and_its_province():
    got = parse_note("（市发展改革委牵头）", "湖南省", issuer="长沙市人民政府")[0]
    assert (got.name, got.jurisdiction, got.unit, got.province, got.is_group) == (
        "长沙市发展改革委", "长沙市", "发展改革委", "湖南省", False,
    )
    assert issuing("湖南省", "长沙市人民政府").prefecture.name == "长沙市"


@pytest.mark.parametrize(
    ("note", "province", "issuer"),
    [
        ("（市发展改革委牵头，市财政局配合）", "湖南省", None),  # a city prefix, but no issuing city
        ("（市发展改革委牵头，市财政局配合）", "湖南省", "湖南省人民政府"),  # a provincial notice: every city's
        ("（自治区发展改革委牵头）", "广东省", None),  # no autonomous region issues it
    ],
)
def test_an_unresolved_level_prefix_is_kept_as_written_and_is_a_group(note, province, issuer):
    got = parse_note(note, province, issuer=issuer)
    assert all(m.jurisdiction is None and m.name == m.unit and m.is_group for m in got)
    assert [m.name for m in got] == [normalize_text(m.mention) for m in got]
    assert not any(m.name.startswith(("湖南省市", "广东省自治区")) for m in got)


@pytest.mark.parametrize(
    ("note", "issuer", "expected"),
    [
        ("（省发展改革委牵头，各市、县负责）", None, ["湖南省各市", "湖南省各县"]),
        ("（省发展改革委牵头，各市、县（市、区）人民政府负责）", None, ["湖南省各市人民政府", "湖南省各县人民政府"]),
        ("（省发展改革委牵头，市、县负责）", None, ["市", "县"]),
        ("（市发展改革委牵头，各区、县人民政府负责）", "长沙市人民政府", ["长沙市各区人民政府", "长沙市各县人民政府"]),
    ],
)
def test_lists_of_levels_are_groups(note, issuer, expected):
    got = parse_note(note, "湖南省", issuer=issuer)
    assert [m.name for m in got[1:]] == expected and all(m.is_group and m.role == CO for m in got[1:])


def test_two_levels_at_once_are_a_group():
    got = parse_note("（省市有关部门、市县人民政府负责）", "湖南省", issuer="长沙市人民政府")
    assert [(m.name, m.jurisdiction, m.is_group) for m in got] == [("省市有关部门", None, True), ("市县人民政府", None, True)]


def test_city_and_county_governments_in_a_provincial_notice_are_groups():
    got = parse_note("（省发展改革委牵头，市、县（区）人民政府负责）", "湖南省", issuer="湖南省人民政府")
    assert [(m.role, m.name, m.is_group) for m in got] == [
        (LEAD, "湖南省发展改革委", False),
        (CO, "市人民政府", True),
        (CO, "县人民政府", True),
    ]
    assert [m.mention for m in got] == ["省发展改革委", "市", "县（区）人民政府"]


@pytest.mark.parametrize(
    ("note", "province", "expected"),
    [
        ("（株洲市、湘潭市人民政府负责）", "湖南省", ["株洲市人民政府", "湘潭市人民政府"]),
        ("（株洲、湘潭市人民政府负责）", "湖南省", ["株洲市人民政府", "湘潭市人民政府"]),
        ("（长沙市、株洲、湘潭市政府负责）", "湖南省", ["长沙市政府", "株洲市政府", "湘潭市政府"]),
        ("（红河州、文山州人民政府负责）", "云南省", ["红河哈尼族彝族自治州人民政府", "文山壮族苗族自治州人民政府"]),
        # A place's own type is kept: 红河 is a 州 even before 保山市.
        ("（红河、保山市人民政府负责）", "云南省", ["红河哈尼族彝族自治州人民政府", "保山市人民政府"]),
    ],
)
def test_a_shared_suffix_does_not_repeat_the_type(note, province, expected):
    got = parse_note(note, province)
    assert [m.name for m in got] == expected
    assert_whole(got)


@pytest.mark.parametrize(
    ("note", "agencies", "deadlines"),
    [
        ("（责任单位：省发展改革委；完成时限：2018年底前）", [(RESPONSIBLE, "广东省发展改革委")], ["2018年底前"]),
        ("（牵头单位：省发展改革委；配合单位：省财政厅；时间节点：2019年6月）", [(LEAD, "广东省发展改革委"), (CO, "广东省财政厅")], ["2019年6月"]),
        ("(责任单位:省发展改革委,完成时间:2020年)", [(RESPONSIBLE, "广东省发展改革委")], ["2020年"]),
        ("（省发展改革委牵头，2018年底前完成）", [(LEAD, "广东省发展改革委")], ["2018年底前完成"]),
        ("（省发展改革委牵头，省财政厅配合；２０１９年６月底前完成）", [(LEAD, "广东省发展改革委"), (CO, "广东省财政厅")], ["２０１９年６月底前完成"]),
        ("（省发展改革委、省财政厅按职责分工负责，长期坚持）", [(RESPONSIBLE, "广东省发展改革委"), (RESPONSIBLE, "广东省财政厅")], ["长期坚持"]),
        ("（2018年底前完成，省发展改革委牵头）", [(LEAD, "广东省发展改革委")], ["2018年底前完成"]),
    ],
)
def test_deadlines_are_not_agencies(note, agencies, deadlines):
    reading = read_note(note, "广东省")
    assert [(m.role, m.name) for m in reading.mentions] == agencies
    assert reading.deadlines == deadlines
    assert looks_like_note(note[1:-1])
    assert_whole(reading.mentions)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("（省发展改革委会同省财政厅负责）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        (
            "（省发展改革委会同省财政厅、交通运输厅负责）",
            {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅", "广东省交通运输厅"], RESPONSIBLE: []},
        ),
        ("（省发展改革委牵头会同有关部门负责）", {LEAD: ["广东省发展改革委"], CO: ["广东省有关部门"], RESPONSIBLE: []}),
        (
            "（省发展改革委会同省财政厅负责，各地级以上市政府配合）",
            {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅", "广东省各地级以上市政府"], RESPONSIBLE: []},
        ),
    ],
)
def test_huitong_joins_a_lead_and_the_agencies_it_works_with(note, expected):
    assert roles(note, "广东省") == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # The reviewer's three notes that were not recognised at all.
        ("（省发展改革委牵头，2018年底前完成）", {LEAD: ["广东省发展改革委"], CO: [], RESPONSIBLE: []}),
        ("（由省发展改革委牵头，省财政厅配合）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("（省发展改革委牵头，各有关单位按各自的职责分工负责）", {LEAD: ["广东省发展改革委"], CO: ["广东省各有关单位"], RESPONSIBLE: []}),
        # Variants of the genre.
        ("（省发展改革委负责，省财政厅参与）", {LEAD: [], CO: ["广东省财政厅"], RESPONSIBLE: ["广东省发展改革委"]}),
        ("（省发展改革委牵头，省直有关单位按照各自职责分工落实）", {LEAD: ["广东省发展改革委"], CO: ["广东省直有关单位"], RESPONSIBLE: []}),
        ("（省发展改革委、财政厅等单位按职责分工负责）", {LEAD: [], CO: [], RESPONSIBLE: ["广东省发展改革委", "广东省财政厅"]}),
        ("（均由省发展改革委负责）", {LEAD: [], CO: [], RESPONSIBLE: ["广东省发展改革委"]}),
        ("（省发展改革委（牵头）、省财政厅、省交通运输厅）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅", "广东省交通运输厅"], RESPONSIBLE: []}),
        ("（牵头部门：省发展改革委，配合部门：省财政厅）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("（主办单位：省发展改革委；协办单位：省财政厅）", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        # Full-width and half-width brackets, commas, semicolons and colons, in any mix.
        ("(省发展改革委牵头；省财政厅、交通运输厅配合)", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅", "广东省交通运输厅"], RESPONSIBLE: []}),
        ("（省发展改革委牵头, 省财政厅配合)", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
        ("(牵头单位:省发展改革委;配合单位：省财政厅)", {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅"], RESPONSIBLE: []}),
    ],
)
def test_more_note_styles(note, expected):
    assert looks_like_note(note[1:-1])
    assert roles(note, "广东省") == expected
    assert_whole(parse_note(note, "广东省"))


@pytest.mark.parametrize(
    ("note", "province", "expected"),
    [
        (
            "（责任单位：省发展改革委、省经信委，各市、县〔市、区〕政府）",
            "浙江省",
            {LEAD: [], CO: [], RESPONSIBLE: ["浙江省发展改革委", "浙江省经信委", "浙江省各市政府", "浙江省各县政府"]},
        ),
        (
            "（责任单位：省发改委、省财政厅，各市、州、县人民政府）",
            "湖北省",
            {LEAD: [], CO: [], RESPONSIBLE: ["湖北省发改委", "湖北省财政厅", "湖北省各市人民政府", "湖北省各州人民政府", "湖北省各县人民政府"]},
        ),
        (
            "（省发展改革委牵头，省直有关部门、各市（州）人民政府按职责分工负责）",
            "四川省",
            {LEAD: ["四川省发展改革委"], CO: ["四川省直有关部门", "四川省各市人民政府"], RESPONSIBLE: []},
        ),
        (
            "（省公安厅牵头，省委政法委、省法院、省检察院配合）",
            "江苏省",
            {LEAD: ["江苏省公安厅"], CO: ["江苏省委政法委", "江苏省法院", "江苏省检察院"], RESPONSIBLE: []},
        ),
        (
            "（各地级以上市人民政府负责，省有关部门指导）",
            "广东省",
            {LEAD: [], CO: [], RESPONSIBLE: ["广东省各地级以上市人民政府"], "guide": ["广东省有关部门"]},
        ),
        (
            "（省发展改革委牵头，省财政厅按职责分工负责；各设区市人民政府具体实施；6月底前完成）",
            "福建省",
            {LEAD: ["福建省发展改革委"], CO: ["福建省财政厅", "福建省各设区市人民政府"], RESPONSIBLE: []},
        ),
    ],
)
def test_notes_of_other_provinces(note, province, expected):
    assert looks_like_note(note[1:-1])
    assert roles(note, province) == expected
    assert_whole(parse_note(note, province))


@pytest.mark.parametrize(
    "line",
    [
        "责任单位：省发展改革委、省财政厅、省交通运输厅（列第一位者为牵头单位）",
        "责任单位：省发展改革委、省财政厅、省交通运输厅（排在第一位的为牵头单位）",
    ],
)
def test_the_first_listed_agency_leads_when_the_note_says_so(line):
    assert roles(line, "广东省") == {LEAD: ["广东省发展改革委"], CO: ["广东省财政厅", "广东省交通运输厅"], RESPONSIBLE: []}
    assert looks_like_note(line)


@pytest.mark.parametrize(
    "text",
    [
        "2018年底前完成", "由省发展改革委负责的项目除外", "请省发展改革委负责", "含省直有关单位", "长期坚持",
        "由国家统一组织实施", "资金由省财政负责", "省里负责", "分步实施",
    ],
)
def test_deadlines_and_prose_alone_are_not_notes(text):
    assert not looks_like_note(text)


# --- task segmentation on small notices -----------------------------------------------------------


def _notice(*lines: str) -> list[Paragraph]:
    return [Paragraph(line) for line in lines]


def _tasks(paragraphs: list[Paragraph], province: str | None = "广东省", issuer: str | None = None):
    notice = ParsedNotice("html", paragraphs)
    return extract_tasks("src", paragraphs, clause_frame("src", notice), province, issuer=issuer)


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


def test_the_reviewers_unrecognised_notes_close_their_tasks():
    paragraphs = _notice(
        "二、主要任务",
        "（一）推进规划。编制规划。（省发展改革委牵头，2018年底前完成）",
        "（二）加强保障。落实资金。（由省发展改革委牵头，省财政厅配合）",
        "（三）完善机制。建立制度。（省发展改革委牵头，各有关单位按各自的职责分工负责）",
        "（四）强化督查。开展督查。（省政府督查室负责）",
    )
    tasks, agencies = _tasks(paragraphs)
    assert tasks["text"].to_list() == [
        "（一）推进规划。编制规划。",
        "（二）加强保障。落实资金。",
        "（三）完善机制。建立制度。",
        "（四）强化督查。开展督查。",
    ]
    assert tasks["deadline"].to_list() == ["2018年底前完成", None, None, None]
    assert _by_role(tasks, agencies) == [
        (["广东省发展改革委"], [], []),
        (["广东省发展改革委"], ["广东省财政厅"], []),
        (["广东省发展改革委"], ["广东省各有关单位"], []),
        ([], [], ["广东省政府督查室"]),
    ]
    full = "\n".join(p.text for p in paragraphs)
    for a in agencies.iter_rows(named=True):
        assert full[a["char_start"] : a["char_end"]] == a["mention"]


def test_a_city_notice_with_label_lines_and_a_deadline_line():
    paragraphs = _notice(
        "二、重点任务",
        "（一）优化营商环境。推进改革。",
        "牵头单位：市发展改革委",
        "配合单位：市财政局、市场监管局",
        "完成时限：2019年6月底前",
        "（二）加快项目建设。推动开工。牵头单位：市住房城乡建设局；配合单位：各区县（市）人民政府",
        "（三）强化要素保障。",
        "完成时限：持续推进",
    )
    tasks, agencies = _tasks(paragraphs, "湖南省", issuer="长沙市人民政府")
    assert tasks["note_text"].to_list() == [
        "牵头单位：市发展改革委\n配合单位：市财政局、市场监管局\n完成时限：2019年6月底前",
        "牵头单位：市住房城乡建设局；配合单位：各区县（市）人民政府",
    ]
    assert tasks["text"].to_list() == ["（一）优化营商环境。推进改革。", "（二）加快项目建设。推动开工。"]
    assert tasks["deadline"].to_list() == ["2019年6月底前", None]
    assert _by_role(tasks, agencies) == [
        (["长沙市发展改革委"], ["长沙市财政局", "长沙市市场监管局"], []),
        (["长沙市住房城乡建设局"], ["长沙市各区县人民政府"], []),
    ]
    assert agencies["province"].unique().to_list() == ["湖南省"]


def test_a_deadline_bracket_after_a_note_belongs_to_it():
    paragraphs = _notice("二、主要任务", "（一）推进规划。编制规划。（省发展改革委牵头）（2018年底前完成）实施项目。（省财政厅负责）")
    tasks, agencies = _tasks(paragraphs)
    assert tasks["note_text"].to_list() == ["（省发展改革委牵头）（2018年底前完成）", "（省财政厅负责）"]
    assert tasks["text"].to_list() == ["（一）推进规划。编制规划。", "实施项目。"]
    assert tasks["deadline"].to_list() == ["2018年底前完成", None]


def test_the_issuer_is_optional():
    paragraphs = _notice("二、主要任务", "（一）推进规划。编制规划。（市发展改革委牵头，市财政局配合）")
    _, without = _tasks(paragraphs, "湖南省")
    _, with_issuer = _tasks(paragraphs, "湖南省", issuer="株洲市人民政府")
    assert without["name"].to_list() == ["市发展改革委", "市财政局"] and without["is_group"].all()
    assert with_issuer["name"].to_list() == ["株洲市发展改革委", "株洲市财政局"] and not with_issuer["is_group"].any()


# --- the content check agency_name_problem (dbt macro) catches each kind of mistake ------------------

_CHECKS_SQL = Path(__file__).resolve().parent.parent / "dbt_project" / "macros" / "quality_checks.sql"


def _agency_name_problem_sql() -> str:
    """The dbt macro rendered as dbt renders it (Jinja), over the columns of a test table."""
    import jinja2

    macros = jinja2.Environment().from_string(_CHECKS_SQL.read_text(encoding="utf-8")).module
    return str(macros.agency_name_problem("name_zh", "unit_zh", "jurisdiction", "is_group"))


@pytest.mark.parametrize(
    ("name_zh", "jurisdiction", "unit_zh", "is_group", "caught"),
    [
        ("广东省财政部", "广东省", "财政部", False, True),
        ("广西壮族自治区交通运输部", "广西壮族自治区", "交通运输部", False, True),
        ("广东省中国铁路总公司", "广东省", "中国铁路总公司", False, True),
        ("广东省国家能源局", "广东省", "国家能源局", False, True),
        ("广西壮族自治区自治区发展和改革委员会", "广西壮族自治区", "自治区发展和改革委员会", False, True),
        ("湖南省市发展和改革委员会", "湖南省", "市发展和改革委员会", False, True),
        ("株洲市市人民政府", "株洲市", "市人民政府", False, True),
        ("广东省完成时限:2018年底前", "广东省", "完成时限:2018年底前", False, True),
        ("广东省2018年底前完成", "广东省", "2018年底前完成", False, True),
        ("广东省发展改革委会同省财政厅", "广东省", "发展改革委会同省财政厅", False, True),
        ("广东省由省发展改革委", "广东省", "由省发展改革委", False, True),
        ("广东省各有关单位按各自的职责", "广东省", "各有关单位按各自的职责", True, True),
        # Whole names.
        ("广东省发展和改革委员会", "广东省", "发展和改革委员会", False, False),
        ("长沙市市场监督管理局", "长沙市", "市场监督管理局", False, False),
        ("长沙市市政设施管理处", "长沙市", "市政设施管理处", False, False),
        ("广东省委组织部", "广东省委", "组织部", False, False),
        ("财政部", None, "财政部", False, False),
        ("中国铁路总公司", None, "中国铁路总公司", False, False),
        ("市发展和改革委员会", None, "市发展和改革委员会", True, False),
        ("广东省直有关单位", "广东省", "直有关单位", True, False),
        ("会同县人民政府", "会同县", "人民政府", False, False),
        ("市人民政府", None, "市人民政府", True, False),  # every city's government, in a provincial notice
        ("县", None, "县", True, False),
        ("市人民政府", None, "市人民政府", False, True),  # a suffix without its place
        ("市", None, "市", False, True),
    ],
)
def test_the_dbt_check_catches_names_that_are_not_whole(name_zh, jurisdiction, unit_zh, is_group, caught):
    sql = f"select * from dim_agencies where {_agency_name_problem_sql()} is not null"
    with duckdb.connect() as conn:
        conn.execute(
            "create table dim_agencies as select 'a1' as agency_id, ?::varchar as name_zh, ?::varchar as jurisdiction,"
            " ?::varchar as unit_zh, ?::boolean as is_group",
            [name_zh, jurisdiction, unit_zh, is_group],
        )
        assert bool(conn.execute(sql).fetchall()) == caught


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
    tasks, agencies = extract_tasks(name, notice.paragraphs, clause_frame(name, notice), province, issuer=notice.issuer)
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


@pytest.mark.parametrize(
    ("note", "province", "issuer", "expected"),
    [
        # A unit that names the issuing district itself is qualified by the district's city only.
        ("（立山经济开发区、区发改局牵头）", "辽宁省", "鞍山市立山区人民政府",
         [("鞍山市", "立山经济开发区"), ("鞍山市立山区", "发改局")]),
        ("（咸安经济开发区负责）", "湖北省", "咸宁市咸安区人民政府办公室", [("咸宁市", "咸安经济开发区")]),
        # 全区 / 全市 / 全省 before a unit is the issuer's own jurisdiction, not part of the name.
        ("（责任单位：全区经济运行各专班）", "辽宁省", "鞍山市立山区人民政府", [("鞍山市立山区", "经济运行各专班")]),
        ("（全市各县区负责）", "湖北省", "武汉市人民政府", [("武汉市", "各县区")]),
        ("（全省各级财政部门负责）", "湖北省", "湖北省人民政府", [("湖北省", "各级财政部门")]),
    ],
)
def test_the_issuers_own_place_and_level_inside_a_name(note, province, issuer, expected):
    got = parse_note(note, province, issuer=issuer)
    assert [(m.jurisdiction, m.unit) for m in got] == expected
    assert_whole(got)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 应急部 / 应急管理部 begin with 应, which is no modal there (State Council office, 2019; MEM)
        ("应急部负责制定悬挂专用号牌机动车参加交通事故责任强制保险办法。", [("应急部", RESPONSIBLE)]),
        ("应急管理部负责指导全国的防汛抗旱工作。", [("应急管理部", RESPONSIBLE)]),
        # 会同有关方面: the others in general, kept as a group (State Council, 国发〔2019〕6号)
        ("各级财政部门要会同有关方面，研究制定对政府性融资担保、再担保机构的绩效评价体系。",
         [("各级财政部门", LEAD), ("有关方面", CO)]),
        # the regulators' commissions end in 监会 (国发〔2019〕6号; CSRC rules)
        ("财政部要会同发展改革委、工业和信息化部、农业农村部、银保监会等部门，加大政策支持力度。",
         [("财政部", LEAD), ("发展改革委", CO), ("工业和信息化部", CO), ("农业农村部", CO), ("银保监会", CO)]),
        ("证监会负责制定具体实施办法。", [("证监会", RESPONSIBLE)]),
    ],
)
def test_prose_notes_of_national_notices(sentence, expected):
    _, agencies = _tasks(_notice("一、主要任务", sentence), province=None, issuer="国务院")
    assert list(zip(agencies["mention"], agencies["role"])) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # fields of government + 等有关部门: the suffix of the fields (国办发〔1998〕… 社团清理整顿)
        ("（民政、公安、国家安全、人民银行等有关部门配合）", ["民政", "公安", "国家安全", "人民银行"]),
        ("（财政、税务等有关部门配合）", ["财政", "税务"]),
        # agencies + 等相关部门: the others, a group of their own (Henan 2023, Guangdong)
        ("（省商务厅、财政厅、河南银保监局等相关部门按职责分工负责）", ["省商务厅", "财政厅", "河南银保监局", "相关部门"]),
        ("（省发展改革委、省财政厅等有关部门配合）", ["省发展改革委", "省财政厅", "有关部门"]),
    ],
)
def test_the_others_of_a_list_of_fields_are_no_agency(note, expected):
    assert [m.mention for m in read_note(note, "河南省").mentions] == expected


def test_the_others_of_a_list_of_fields_in_prose():
    _, agencies = _tasks(_notice("三、加强领导", "民政、公安、国家安全、人民银行等有关部门要紧密配合，共同做好清理整顿工作。"),
                         province=None, issuer="国务院办公厅")
    assert list(zip(agencies["mention"], agencies["role"])) == [("民政", CO), ("公安", CO), ("国家安全", CO), ("人民银行", CO)]


@pytest.mark.parametrize(
    "sentence",
    [
        # what the replying body says it will do is no assignment (a 2005 reply to a CPPCC proposal;
        # a State Council office's reply to Hubei)
        "国办将会同有关部门继续探索政府网站绩效评估问题，加强督促检查。",
        "下一步，将由信息产业部牵头，抓紧研究制定相关政策措施，促进互联网接入服务。",
        "国土资源部会同有关部门将在三期工程规划中，根据实际情况编制监测经费预算。",
        # groups only name no one, in a list and in Traditional (国办发 on research funds; Panjin 2021)
        "各地区、各有关部门根据有关规定，负责指导所属科研单位制定详细可操作的管理制度。",
        "各責任單位要積極配合、主動作為，共同推動各項工作任務高質量完成。",
        # the 会同 of an attribute: who wrote a request, not who is to do something (国函 2004, 四川)
        "发展改革委会同西部开发办上报的《关于2005年退耕还林计划和妥善解决今年退耕还林超计划问题的请示》已经国务院批准。",
        # 协调 before others is a verb, no office
        "协调各方面力量，负责推进。",
    ],
)
def test_sentences_that_assign_nothing(sentence):
    tasks, _ = _tasks(_notice("二、关于主要任务问题", sentence), province=None, issuer="国务院办公厅")
    assert tasks.is_empty()


def test_a_note_may_say_where_before_who():
    # 技工院校内由…负责 (国发〔2019〕4号): the scope goes, the agency stays; 将 as 把 keeps the note
    assert [(m.mention, m.role) for m in read_note("（技工院校内由人力资源社会保障行政部门负责）", None).mentions] == [
        ("人力资源社会保障行政部门", RESPONSIBLE)]
    assert [m.mention for m in read_note("（自由贸易试验区管委会负责）", "广东省").mentions] == ["自由贸易试验区管委会"]
    _, agencies = _tasks(_notice("一、主要任务", "省发展改革委负责将重大项目纳入年度计划。"))
    assert agencies["mention"].to_list() == ["省发展改革委"]


def test_fields_sharing_one_suffix_after_hui_tong():
    # 会同同级财政、税务部门 (中办发 on cultural enterprises): fields joined by 、 under one 部门
    _, agencies = _tasks(_notice("二、认定", "地方所属转制文化企业的认定，由地方各级宣传部门会同同级财政、税务部门确定。"),
                         province=None, issuer="国务院办公厅")
    assert agencies["role"].to_list()[0] == LEAD and agencies["mention"].to_list()[0] == "地方各级宣传部门"
    assert set(agencies["role"].to_list()[1:]) == {CO}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a coordinating committee's office is an agency (协调 is a verb only before others: 协调各方面)
        ("协调委办公室设在民航总局，承担协调委的日常工作。", [("协调委办公室", RESPONSIBLE)]),  # 国办函 2003, 首都机场
        ("协调小组办公室负责日常工作。", [("协调小组办公室", RESPONSIBLE)]),
        # 国家组织 inside an office's name (国办发〔2019〕2号)
        ("国家组织药品集中采购和使用试点工作小组办公室要会同相关部门做好监测分析、定期通报、督促检查等工作。",
         [("国家组织药品集中采购和使用试点工作小组办公室", LEAD), ("相关部门", CO)]),
    ],
)
def test_offices_of_committees_and_working_groups(sentence, expected):
    _, agencies = _tasks(_notice("三、加强组织实施", sentence), province=None, issuer="国务院办公厅")
    assert list(zip(agencies["mention"], agencies["role"])) == expected


def test_a_body_the_notice_names_in_full_once_and_then_by_its_short_name():
    # 国办函〔2003〕…: 组建…协调委员会（以下简称协调委）, then 协调委办公室…承担…工作
    _, agencies = _tasks(_notice(
        "一、据国务院第126次常务会议精神，组建2008年北京奥运会首都国际机场协调委员会（以下简称协调委）。",
        "协调委办公室设在民航总局，承担协调委的日常工作。",
    ), province=None, issuer="国务院办公厅")
    assert list(zip(agencies["mention"], agencies["name"])) == [("协调委办公室", "2008年北京奥运会首都国际机场协调委员会办公室")]
    # a short name of a body with a level (市发改委) is left to the aliases and the jurisdiction
    assert defined_names(TextView.of("成立市发展改革委（以下简称市发改委）。").text) == {}
    assert defined_names(TextView.of("国家发展和改革委员会（以下简称国家发展改革委）").text) == {"国家发展改革委": "国家发展和改革委员会"}
    # …组成的 body is named from after 组成 (国办发〔2019〕2号)
    assert defined_names(TextView.of("由国家医保局、国家卫生健康委、国家药监局组成国家组织药品集中采购和使用试点工作小组"
                                     "（以下简称试点工作小组）").text) == {"试点工作小组": "国家组织药品集中采购和使用试点工作小组"}


def test_set_phrases_between_the_agencies_and_their_verb():
    # 国办发 on the clean-up of societies (1998): 各司其职，各负其责，密切配合 — each is responsible
    _, agencies = _tasks(_notice("三、加强领导", "在清理整顿工作中，业务主管部门、挂靠单位、登记管理机关要根据有关通知要求，"
                                              "各司其职，各负其责，密切配合，做好工作。"), province=None, issuer="国务院办公厅")
    assert list(zip(agencies["mention"], agencies["role"])) == [
        ("业务主管部门", RESPONSIBLE), ("挂靠单位", RESPONSIBLE), ("登记管理机关", RESPONSIBLE)]
    # without 各负其责 they co-operate (a province's opinion)
    _, agencies = _tasks(_notice("三、保障措施", "省发展改革委、省财政厅要各司其职，密切配合。"))
    assert set(agencies["role"]) == {CO}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # an office set up in another body is what the sentence's later phrases assign (国办发〔2019〕2号;
        # a province's and a city's leading groups)
        ("试点工作小组办公室设在国家医保局，由国家医保局、国家卫生健康委、国家药监局、联合采购办公室选派人员参加，"
         "具体负责组织开展试点，加强宣传引导和政策解读。", [("试点工作小组办公室", RESPONSIBLE)]),
        ("领导小组办公室设在市发展改革委，办公室主任由市发展改革委主任兼任，负责日常工作。", [("领导小组办公室", RESPONSIBLE)]),
        ("工作专班设在省商务厅，负责统筹协调。", [("工作专班", RESPONSIBLE)]),
    ],
)
def test_an_office_set_up_in_another_body(sentence, expected):
    _, agencies = _tasks(_notice("四、组织保障", sentence), province="湖北省")
    assert list(zip(agencies["mention"], agencies["role"])) == expected
