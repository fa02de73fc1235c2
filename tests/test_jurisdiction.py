"""The issuing jurisdiction read from a notice's body when its header names none
(pipelines.parse.metadata.jurisdiction_of_body). Sentences as real notices write them."""
from __future__ import annotations

import pytest

from pipelines.parse.metadata import jurisdiction_of_body, province_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The addressee line names the issuer's own departments: a city (Heze), a province (Hubei).
        ("菏政办字〔2023〕1号\n各县区人民政府（管委会），市政府各部门、各直属机构，市属各企业：\n"
         "为深入贯彻落实《国务院关于支持山东深化新旧动能转换推动绿色低碳高质量发展的意见》，加快建设菏泽新旧动能转换先行区……"
         "推动《山东省人民政府关于…》在菏泽落地见效。", "菏泽市"),
        ("各市、州、县人民政府，省政府各部门：\n经省人民政府同意，现将《政府工作报告》确定的重点工作任务分解如下。"
         "加快建设武汉国家中心城市……推动湖北高质量发展，支持湖北自贸试验区建设。", "湖北省"),
        # Traditional script, as a mirror publishes it.
        ("各市、州、縣人民政府，省政府各部門：\n推動湖北經濟高質量發展，支持武漢建設國家中心城市，湖北自貿區……", "湖北省"),
        # No addressee line: "全区" makes it a district's notice, and it names its district.
        ("2023年是全面贯彻落实党的二十大精神的开局之年。全区上下要……推动咸安高质量发展，"
         "（区发改局牵头，区财政局配合）", "咸宁市咸安区"),
        ("全县各级各部门要……大竹县经济社会发展……（县发展改革局牵头）", "达州市大竹县"),
        # The level whose government it cites most: 市政府 twice, 省委 once.
        ("按照省委部署，市政府决定……市政府各有关部门……开封先进制造业……开封", "开封市"),
    ],
)
def test_the_body_names_its_own_jurisdiction(text: str, expected: str) -> None:
    assert jurisdiction_of_body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A State Council notice: the places it names are its subject, not its issuer.
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n西部地区……支持西安、成都、重庆建设国家中心城市，全市场……",
        # A district notice that names no district of its own.
        "全区各单位要……（区发展和改革局牵头）",
        # Two cities named as often as each other.
        "全市要……学习杭州、宁波的经验……杭州……宁波",
        # 全市场 / 全区域 are not self-references, and 朝阳区 is in Beijing and in Changchun.
        "建设全国统一大市场，打通全市场、全区域要素流动……朝阳区",
        "全区……朝阳区……朝阳区",
    ],
)
def test_no_jurisdiction_where_the_text_does_not_say_whose_it_is(text: str) -> None:
    assert jurisdiction_of_body(text) is None


def test_a_districts_jurisdiction_gives_its_province() -> None:
    assert province_of(jurisdiction_of_body("全区上下……咸安区……咸安")) == "湖北省"


def _page(body: str, title: str = "") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div class='article'>{paragraphs}</div></body></html>".encode()


def test_a_headless_district_notice_qualifies_its_agencies_by_the_district_it_speaks_for(tmp_path) -> None:
    """An excerpt without 发文机关 or 文号: the body's district qualifies 区发改局 (咸宁市咸安区…)."""
    from pipelines.catalog import CatalogEntry
    from pipelines.extract_stages import SourceInput
    from pipelines.extract.tasks import extract_tasks
    from pipelines.process import parse_source, source_frames

    body = (
        "2023年是全面贯彻落实党的二十大精神的开局之年，全区上下要以更大力度推动咸安高质量发展。\n"
        "一、稳住经济大盘\n"
        "（一）扩大有效投资。全年实施亿元以上项目100个以上。（区发改局牵头，区财政局、区自然资源和规划局配合）"
    )
    entry = CatalogEntry("xianan", (tmp_path / "x.html").as_uri())
    notice = parse_source(_page(body), "text/html", entry)
    source = source_frames(entry, notice, "0" * 64, 1, None, parse_key="k")["sources"].row(0, named=True)
    assert source["jurisdiction"] == "咸宁市咸安区" and source["province"] == "湖北省"
    src = SourceInput("xianan", notice.paragraphs, None, source["province"], None, None, None, source["issuer"], source["jurisdiction"])
    assert src.issuing_body == "咸宁市咸安区人民政府"
    from pipelines.clauses import clause_frame

    _, agencies = extract_tasks("xianan", notice.paragraphs, clause_frame("xianan", notice), src.province, issuer=src.issuing_body)
    assert set(agencies["jurisdiction"].to_list()) == {"咸宁市咸安区"}
    assert agencies.filter(agencies["role"] == "lead")["mention"].to_list() == ["区发改局"]


def test_a_stated_issuer_with_its_place_is_kept_over_the_body() -> None:
    from pipelines.extract_stages import SourceInput

    src = SourceInput("s", [], None, "湖北省", None, None, None, "武汉市人民政府", "咸宁市咸安区")
    assert src.issuing_body == "武汉市人民政府"
    src = SourceInput("s", [], None, "湖北省", None, None, None, "区人民政府办公室", "武汉市蔡甸区")
    assert src.issuing_body == "武汉市蔡甸区人民政府办公室"
