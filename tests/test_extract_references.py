"""References between notices: 文号 with their titles, and the relation the notice states."""
from __future__ import annotations

import functools

import polars as pl
import pytest

from pipelines.extract.references import REFERENCE_SCHEMA, extract_references
from pipelines.model import Paragraph, ParsedNotice
from corpus_notices import corpus_notice

STATE_COUNCIL_18 = "国发〔2016〕18号"
GUIDANCE = "国务院关于深化泛珠三角区域合作的指导意见"


def refs_of(text: str, own: str | None = None, title: str | None = None) -> pl.DataFrame:
    paragraphs = [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]
    return extract_references("t", paragraphs, own, title=title)


def notice(name: str) -> ParsedNotice:
    return corpus_notice(name)


@functools.lru_cache(maxsize=None)
def notice_refs(name: str) -> pl.DataFrame:
    n = notice(name)
    return extract_references(name, n.paragraphs, n.doc_number, title=n.title)


def strongest(df: pl.DataFrame, doc_number: str) -> str:
    """What dbt's fct_document_references keeps per pair: forwards > implements > cites."""
    relations = set(df.filter(pl.col("cited_doc_number_normalized") == doc_number)["relation"])
    return next(r for r in ("forwards", "implements", "cites") if r in relations)


# --- patterns ------------------------------------------------------------------------------------


def test_title_and_doc_number():
    text = "为贯彻落实《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号，以下简称《意见》），提出如下实施意见。"
    df = refs_of(text)
    row = df.row(0, named=True)
    assert (row["cited_doc_number"], row["cited_title"], row["relation"], row["verb"]) == (
        STATE_COUNCIL_18, GUIDANCE, "implements", "贯彻落实",
    )
    assert text[row["char_start"] : row["char_end"]] == STATE_COUNCIL_18
    assert df.height == 1  # the short title 《意见》 is its definition, not another reference
    assert df.schema == pl.Schema(REFERENCE_SCHEMA)


def test_bare_doc_number_in_brackets():
    row = refs_of("（发改办地区〔2016〕1304号）").row(0, named=True)
    assert (row["cited_doc_number"], row["cited_title"], row["relation"]) == ("发改办地区〔2016〕1304号", None, "cites")


def test_cited_with_nested_title_and_a_list():
    text = (
        "根据《国家发展改革委办公厅关于印发〈深化泛珠三角区域合作重点工作分工方案〉的通知》(发改办地区〔2016〕1304号)、"
        "《国家发展改革委办公厅关于印发深化泛珠三角区域合作近期工作要点的通知》(发改办地区〔2016〕2455号)有关要求,制定本实施意见。"
    )
    df = refs_of(text)
    # 根据…有关要求，制定本实施意见: the notice is written to implement them
    assert df.select("cited_doc_number", "relation", "verb").rows() == [
        ("发改办地区〔2016〕1304号", "implements", "根据"),
        ("发改办地区〔2016〕2455号", "implements", "根据"),
    ]
    assert df["cited_title"][0] == "国家发展改革委办公厅关于印发〈深化泛珠三角区域合作重点工作分工方案〉的通知"


def test_forwarding_sentence():
    text = "现将《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号，以下简称《指导意见》）转发给你们，请认真贯彻执行。"
    assert refs_of(text)["relation"].to_list() == ["forwards"]


def test_forwarding_announced_in_the_title():
    # the title drops 的 (合作指导意见); the body writes 合作的指导意见
    title = "广东省人民政府转发《国务院关于深化泛珠三角区域合作指导意见》的通知"
    text = "国务院关于深化泛珠三角区域合作的指导意见\n《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号）"
    df = refs_of(text, title=title)
    assert df["relation"].to_list() == ["forwards"]


def test_short_title_stands_for_the_full_one():
    text = "现将《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号，以下简称《指导意见》）转发给你们。\n各地要抓紧贯彻实施《指导意见》。"
    df = refs_of(text)
    later = df.filter(pl.col("verb") == "贯彻实施").row(0, named=True)
    assert (later["cited_title"], later["cited_doc_number"], later["relation"]) == (GUIDANCE, STATE_COUNCIL_18, "implements")


def test_own_doc_number_is_excluded():
    text = "粤府〔2017〕8号\n为深入贯彻落实《国务院关于深化泛珠三角区域合作的指导意见》(国发〔2016〕18号),制定本实施意见。"
    df = refs_of(text, own="粤府〔2017〕8号")
    assert df["cited_doc_number"].to_list() == [STATE_COUNCIL_18]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("深入贯彻落实《粤港澳大湾区发展规划纲要》。", True),
        ("落实《国务院关于支持自由贸易试验区深化改革创新若干措施的通知》。", True),
        ("推进实施《珠江水运科学发展行动计划(2016-2020)》。", False),  # a plan, not a notice
        ("落实《云电送粤“十三五”框架协议》。", False),  # an agreement
        ("加快制定实施《粤港澳区域旅游合作愿景纲要》。", False),  # still to be written
        ("共同编制实施《泛珠三角区域合作发展规划》。", False),
        # The work report a notice breaks down into tasks is its own plan, not a notice it cites
        # (大竹县 2016, 潜江市 2017, 河南省 2023); a plan that breaks it down is a notice (盘锦市 2021,
        # a Traditional mirror).
        ("为让人民群众生活得更有保障、更加幸福,根据《2016年政府工作报告》安排部署,现将2016年“民生实事”目标任务分解下达。", False),
        ("市政府政务督查室将对贯彻落实《政府工作报告》情况进行专项督办。", False),
        ("现将《政府工作报告》提出的2023年重点工作任务予以分解并明确责任单位。", False),
        ("貫徹落實《2021年市〈政府工作報告〉任務分解和責任分工方案》。", True),
    ],
)
def test_titles_without_doc_number(text, kept):
    assert refs_of(text).height == (1 if kept else 0)


# --- whole notices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "relation"),
    [("gd-2016-34.html", "forwards"), ("gd-2017-8.html", "implements"), ("gd-2017-8.pdf", "implements"), ("fj-2016-52.html", "implements")],
)
def test_the_three_provincial_opinions_reference_guofa_2016_18(name, relation):
    df = notice_refs(name)
    assert strongest(df, STATE_COUNCIL_18) == relation
    assert GUIDANCE in set(df["cited_title"].drop_nulls())


def test_gd_2017_8_references():
    df = notice_refs("gd-2017-8.html")
    assert df.filter(pl.col("cited_doc_number").is_not_null())["cited_doc_number"].to_list() == [
        STATE_COUNCIL_18, "发改办地区〔2016〕1304号", "发改办地区〔2016〕2455号",
    ]
    assert "粤府〔2017〕8号" not in set(df["cited_doc_number"].drop_nulls())


def test_gd_2016_34_never_cites_itself():
    df = notice_refs("gd-2016-34.html")
    assert set(df["cited_doc_number_normalized"].drop_nulls()) == {STATE_COUNCIL_18}


def test_bay_area_opinions_implement_the_outline():
    df = notice_refs("gd-gba-2019.pdf")
    outline = df.filter(pl.col("cited_title") == "粤港澳大湾区发展规划纲要")
    assert outline.height >= 2 and set(outline["relation"]) == {"implements"}
    assert df["cited_doc_number"].null_count() == df.height  # it cites no 文号


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        # 晋政发〔2018〕13号 (a provincial plan implementing a State Council opinion)
        ("根据《国务院关于激发重点群体活力带动城乡居民增收的实施意见》(国发〔2016〕56号)精神,为深入贯彻党的十九大精神,结合我省实际,制定本实施方案。", "implements"),
        # 国办发〔2018〕124号 style: the notice repeals earlier rules
        ("《国务院办公厅关于印发文化体制改革中经营性文化事业单位转制为企业和进一步支持文化企业发展两个规定的通知》（国办发〔2014〕15号）同时废止。", "repeals"),
        ("依照《中华人民共和国专利法》(国务院令第76号)第十条的规定办理。", "cites"),
    ],
)
def test_relation_from_the_sentence(text, relation):
    assert refs_of(text)["relation"].to_list()[:1] == [relation]


def test_a_traditional_mirror_with_pinyin_inserted_reads_like_the_original():
    # a converting mirror writes 發(fā) and 號(hào): the 文号 is still one
    text = "根據《國務院關(guān)于進一步做好新形勢下就業(yè)創(chuàng)業(yè)工作的意見》(國發(fā)〔2015〕23號(hào))精神,結合我市實際,制定本意見。"
    df = refs_of(text)
    assert df.select("cited_doc_number_normalized", "relation").rows() == [("国发〔2015〕23号", "implements")]
    assert df["cited_doc_number"][0] == "國發(fā)〔2015〕23號"  # as written (the pinyin of 號 is outside the match)


def test_the_forwarded_document_named_with_its_issuer_in_the_title():
    # Cangzhou 2011: the letter says 现予转发 a sentence after the title it forwards
    title = "沧州市人民政府办公室关于转发沧州市人力资源和社会保障局《关于开展全民创业 创建创业型城市的实施意见》的通知"
    text = ("各县(市、区)人民政府,渤海新区、开发区、高新区管委会,市政府有关部门:\n"
            "沧州市人力资源和社会保障局《关于开展全民创业 创建创业型城市的实施意见》已经市政府第73次常务会议研究通过。"
            "根据市领导意见,现予转发,请结合实际,认真贯彻落实。")
    assert refs_of(text, title=title).select("cited_title", "relation").rows() == [
        ("关于开展全民创业 创建创业型城市的实施意见", "forwards")]


def test_what_a_forwarding_letter_recalls_and_names_in_passing():
    # Anhui 2017: why MIIT wrote the guide (为贯彻落实…，…制定了《…》), the guide forwarded as 该指南,
    # plans to combine it with (请结合实施《…》): only the guide is a reference
    text = ("为贯彻落实《中华人民共和国国民经济和社会发展第十三个五年规划纲要》、《中国制造2025》和《国家信息化发展战略纲要》,"
            "引导“十三五”时期信息产业持续健康发展,工业和信息化部、国家发展改革委联合制定了《信息产业发展指南》。"
            "经省政府同意,现将该指南转发你们,请结合实施《安徽省国民经济和社会发展第十三个五年规划纲要》、《中国制造2025安徽篇》"
            "和《安徽省“十三五”信息化发展规划》,认真抓好贯彻落实。")
    assert refs_of(text).select("cited_title", "relation").rows() == [("信息产业发展指南", "forwards")]


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        # others' past work the notice recalls (国发〔2019〕6号)
        ("近年来，各地区、各有关部门认真贯彻落实《国务院关于促进融资担保行业加快发展的意见》（国发〔2015〕43号），取得积极成效。",
         "cites"),
        # the basis of the measures the notice itself sets out (Luoyang 2022)
        ("为加快洛阳平台城市建设,依据《洛阳市平台城市建设行动计划》,制定2022年细化措施如下:", "implements"),
        # a law the plan carries out (国发〔2019〕4号); a law and a regulation put into force (Sichuan 2022)
        ("为贯彻全国教育大会精神，进一步办好新时代职业教育，落实《中华人民共和国职业教育法》，制定本实施方案。", "implements"),
        ("全面实施《中华人民共和国反不正当竞争法》和《四川省反不正当竞争条例》,加强公平竞争审查。", "implements"),
        # 转发 inside a cited title is the cited notice's word, not this one's (国办发〔1998〕…)
        ("依照《国务院办公厅转发国家教委等部门关于进一步加强教育援藏工作请示的通知》（国办发〔1993〕71号）所确定的经费开支渠道原则解决。",
         "cites"),
    ],
)
def test_relations_of_recalled_basis_and_law(text, relation):
    assert refs_of(text)["relation"].to_list()[:1] == [relation]


def test_the_plan_a_notice_issues_is_its_own_not_a_reference():
    # 国办发〔2019〕2号: the title issues the plan, the letter says 现印发给你们, the plan is then 《方案》
    title = "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知"
    text = ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
            "《国家组织药品集中采购和使用试点方案》（以下简称《方案》）已经国务院同意，现印发给你们，请认真贯彻执行。\n"
            "各地区、各有关部门要认真落实《方案》要求，落实《中华人民共和国药品管理法》。")
    assert refs_of(text, title=title).select("cited_title", "relation").rows() == [("中华人民共和国药品管理法", "implements")]


def test_the_central_committees_proposal_is_a_document():
    # 国发〔1998〕… on earthquakes: 落实…通过的《中共中央关于制定…的建议》
    text = "必须认真落实党的十四届五中全会通过的《中共中央关于制定国民经济和社会发展“九五”计划和2010年远景目标的建议》中提出的减灾任务。"
    assert refs_of(text)["relation"].to_list() == ["implements"]
