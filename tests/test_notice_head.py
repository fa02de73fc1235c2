"""The document head as portals and mirrors copy it: title lines, the 文号, the date under the
title, the signature (sealed or named, in either script), and mirrors' pinyin glosses.

Heads and signatures are those of real notices of several issuers (provinces, cities, counties,
ministries), set the way their pages set them.
"""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.parse.html import parse_html
from pipelines.parse.metadata import (
    clean_title,
    find_doc_numbers,
    find_signature,
    issuer_from_title,
    jurisdiction_of_body,
    label_field,
    normalize_doc_number,
    parse_cn_date,
    plausible_title,
    province_of,
    split_label_values,
    title_in_head,
)


def page(body: list[str], head: str = "", title_tag: str = "政府信息公开") -> bytes:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<html><head><meta charset="utf-8"><title>{title_tag}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/zcwj">政策文件</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="main">{head}<div class="content" id="zoom">{paragraphs}</div></div>
<div class="footer">版权所有 主办单位：人民政府办公室</div></body></html>""".encode("utf-8")


# --- the title as the head sets it ------------------------------------------------------------

@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # 发文机关 / 关于…的 / 通知, the GB/T 9704 way (Henan, 豫政办〔2020〕26号)
        (["河南省人民政府办公厅", "关于印发河南省推进新型基础设施建设行动计划（2020—2022年）的", "通  知",
          "豫政办〔2020〕26号", "各省辖市人民政府，济源示范区管委会，各省直管县（市）人民政府，省人民政府各部门："],
         "河南省人民政府办公厅关于印发河南省推进新型基础设施建设行动计划（2020—2022年）的通知"),
        # a forwarding title over four lines, the 文号 under it (Shandong)
        (["山东省人民政府办公厅", "转发省人力资源社会保障厅等部门", "关于做好2010年普通高校毕业生", "就业工作的意见的通知",
          "鲁政办发〔2010〕21号", "各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构："],
         "山东省人民政府办公厅转发省人力资源社会保障厅等部门关于做好2010年普通高校毕业生就业工作的意见的通知"),
        # a column's label above it is no part of it (a Traditional mirror of an NDRC notice)
        (["印發通知", "國家發展改革委關於印發", "《2019年新型城鎮化建設重點任務》的通知", "發改規劃〔2019〕0617號"],
         "國家發展改革委關於印發《2019年新型城鎮化建設重點任務》的通知"),
        # one line (State Council, 国办发〔2020〕43号)
        (["国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知", "国办发〔2020〕43号",
          "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："],
         "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知"),
        # a scraped head run into one line with commas: title, 文号, 主送, letter
        (["推进运输结构调整三年行动计划(2018—2020年)",
          "国务院办公厅关于印发推进运输结构调整三年行动计划(2018—2020年)的通知,国办发〔2018〕91号,各省、自治区、直辖市人民政府,"
          "国务院各部委、各直属机构:《推进运输结构调整三年行动计划(2018—2020年)》已经国务院同意,现印发给你们。"],
         "国务院办公厅关于印发推进运输结构调整三年行动计划(2018—2020年)的通知"),
    ],
)
def test_title_in_head(lines, title):
    assert title_in_head(lines) == title


@pytest.mark.parametrize(
    "lines",
    [
        # the plan's own heading, no 关于…的通知: not the notice's title
        ["洛阳平台城市建设2022年细化措施", "一、总体要求", "（一）指导思想。"],
        # the issued document's title stands after the letter opens: it is the plan's
        ["各县区人民政府，市人民政府有关部门，各有关单位：", "现将《洛阳平台城市建设2022年细化措施》印发给你们，请认真贯彻落实。",
         "洛阳市人民政府关于印发洛阳平台城市建设2022年细化措施的通知"],
    ],
)
def test_no_title_in_head(lines):
    assert title_in_head(lines) is None


def test_own_title_over_the_plans_heading():
    """Pages often head a 印发 notice with the plan's title; the head's own title wins, and so it
    does over a heading that is the site's or a column's."""
    letter = ["国家发展改革委关于印发", "《2019年新型城镇化建设重点任务》的通知", "发改规划〔2019〕617号",
              "各省、自治区、直辖市发展改革委：", "现将《2019年新型城镇化建设重点任务》印发你们，请认真贯彻执行。"]
    for heading in ("2019年新型城镇化建设重点任务", "大学生就业创业政策汇编"):
        notice = parse_html(page(letter, head=f'<h1 class="title">{heading}</h1>'))
        assert notice.title == "国家发展改革委关于印发《2019年新型城镇化建设重点任务》的通知"
        assert notice.issuer == "国家发展改革委"  # named by the title
        assert notice.doc_number == "发改规划〔2019〕617号"
    # a heading that is the notice's title stays, whatever the body repeats under it
    own = "湖南省人民政府关于落实《政府工作报告》重点工作部门分工的意见"
    notice = parse_html(page(["湘政发〔2019〕1号", "各市州、县市区人民政府，省政府各厅委、各直属机构：",
                              "现就落实省十三届人大二次会议审议通过的《政府工作报告》重点工作提出如下分工意见。"],
                             head=f'<div class="sp_title">{own}</div>'))
    assert notice.title == own


# --- 文号 and date in the head -------------------------------------------------------------------

def test_doc_number_set_as_a_heading_and_the_date_under_the_title():
    head = ('<div class="con-title"><h2>盘锦市人民政府办公室关于印发《2021年市〈政府工作报告〉任务分解和责任分工方案》的通知</h2>'
            '<h2>盘政办发〔2021〕1号</h2></div><div class="pubtime">2021-01-27 09:30 市政府办公室</div>')
    letter = ["各县、区人民政府，辽东湾新区、高新技术产业开发区管委会，市政府各部门、直属机构：",
              "现将《2021年市〈政府工作报告〉任务分解和责任分工方案》（以下简称《方案》）印发给你们，并就抓好《方案》"
              "确定的146项工作任务落实通知如下：",
              "1.明确任务，压实责任。各牵头单位要紧密结合工作实际，坚持目标导向和结果导向，以季度为节点，建立任务清单和责任清单。",
              "2.统筹协调，合力攻坚。各相关单位要加强配合，统筹协调推进各项工作。"]
    notice = parse_html(page(letter, head=head))
    assert notice.doc_number == "盘政办发〔2021〕1号"
    assert notice.publish_date == date(2021, 1, 27)


def test_a_date_above_the_title_is_the_sites_own():
    head = '<div class="pubdate">2018-11-01</div><div class="art-title">工信部联信软〔2018〕140号</div>'
    notice = parse_html(page(["各省、自治区、直辖市工业和信息化主管部门：", "现将《行动计划》印发给你们，请结合实际认真贯彻实施。"],
                             head=head))
    assert notice.doc_number == "工信部联信软〔2018〕140号"
    assert notice.publish_date is None


def test_several_labels_on_one_line():
    assert split_label_values("作者:永利官网    发布时间:2020-02-08 17:12     浏览次数 :164") == [
        ("publish_date", "2020-02-08")]
    assert split_label_values("来源：绛县人民政府　发布日期：2023-09-01") == [
        ("source", "绛县人民政府"), ("publish_date", "2023-09-01")]
    notice = parse_html(page(["各乡镇人民政府：", "现将方案印发给你们，请认真组织实施。"],
                             head='<div class="post-meta">作者:办公室    发布时间:2020-02-08 17:12</div>'))
    assert notice.publish_date == date(2020, 2, 8)


def test_an_info_tables_date_without_its_day_character():
    assert parse_cn_date("2018年03月27") == date(2018, 3, 27)
    assert parse_cn_date("到2018年3月27") is None  # in running text, no date


# --- signatures --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # sealed: the date alone under the letter's closing sentence (Kaifeng, Hubei, Qianjiang)
        (["各县、区人民政府，市人民政府有关部门：", "现将《开封市推动制造业高质量发展实施方案》印发给你们，请认真贯彻落实。",
          "2020年11月17日", "开封市推动制造业高质量发展实施方案"], (None, date(2020, 11, 17))),
        (["經省人民政府同意，現將《政府工作報告》重點工作責任分解印發給你們，請認真貫徹落實。", "2018年1月29日"],
         (None, date(2018, 1, 29))),
        # named, in Traditional (Panjin, Ruoqiang)
        (["請認真貫徹落實。", "盤錦市人民政府辦公室", "2021年1月25日"], ("盤錦市人民政府辦公室", date(2021, 1, 25))),
        (["請認真貫徹執行。", "若羌縣人民政府辦公室", "2022年7月6日"], ("若羌縣人民政府辦公室", date(2022, 7, 6))),
        # a date inside a sentence is no signature
        (["各地要于2020年11月17日前报送。", "一、总体要求"], (None, None)),
    ],
)
def test_find_signature(lines, expected):
    assert find_signature(lines) == expected


def test_a_signature_names_the_body_a_label_gives_by_its_level_only():
    info = '<table class="xxgk-info"><tr><td>发布机构：</td><td>区人民政府办公室</td><td>文    号：</td><td>蔡政办〔2023〕1号</td></tr></table>'
    body = ["各街道办事处、乡人民政府，区人民政府各部门：", "现印发给你们，请认真贯彻执行。", "蔡甸区人民政府办公室", "2023年1月3日"]
    assert parse_html(page(body, head=info)).issuer == "蔡甸区人民政府办公室"
    # a 来源 label (the uploading office) gives way to the signature
    src = '<div class="source">来源：信息公开办</div>'
    body = ["各乡镇人民政府：", "现将有关事项通知如下，请认真贯彻执行。", "大竹县人民政府办公室", "2016年2月26日"]
    assert parse_html(page(body, head=src)).issuer == "大竹县人民政府办公室"


def test_issuer_from_a_traditional_title():
    assert issuer_from_title("農業農村部關于落實黨中央、國務院2020年農業農村重點工作部署的實施意見") == "農業農村部"
    assert issuer_from_title("安徽省人民政府關於印發安徽省大氣污染防治行動計畫實施方案的通知") == "安徽省人民政府"


# --- a converting mirror's pinyin -------------------------------------------------------------

def test_doc_numbers_through_a_mirrors_pinyin():
    text = "絳縣人民政府辦公室關于印發(fā)絳縣促進專業(yè)鎮(zhèn)高質量發(fā)展實施方案的通知絳政辦發(fā)〔2023〕14號"
    [(written, start, end)] = find_doc_numbers(text)
    assert written == "絳政辦發(fā)〔2023〕14號" and text[start:end] == written
    assert normalize_doc_number(written) == "绛政办发〔2023〕14号"
    assert normalize_doc_number("若政辦發(fā)〔2022〕31號(hào)") == "若政办发〔2022〕31号"
    assert clean_title(text) == "絳縣人民政府辦公室關于印發(fā)絳縣促進專業(yè)鎮(zhèn)高質量發(fā)展實施方案的通知"
    assert clean_title("關(guān)于印發(fā)實施方案的通知若政辦發(fā)〔2022〕31號(hào)") == "關(guān)于印發(fā)實施方案的通知"
    assert label_field("發(fā)布日期：") == "publish_date"


def test_a_mirrors_heading_that_is_a_glossed_doc_number():
    head = ("<h2>若政辦發(fā)〔2022〕31號(hào)</h2>"
            "<h2>關(guān)于印發(fā)《若羌縣關(guān)于加快發(fā)展保障性租賃住房的實(shí)施方案》的通知</h2>")
    notice = parse_html(page(["各鄉(xiāng)鎮(zhèn)人民政府：", "現(xiàn)印發(fā)你們，請(qǐng)認(rèn)真貫徹執(zhí)行。",
                              "若羌縣人民政府辦公室", "2022年7月6日"], head=head))
    assert normalize_doc_number(notice.doc_number) == "若政办发〔2022〕31号"
    assert notice.issuer == "若羌縣人民政府辦公室"
    assert notice.signed_date == date(2022, 7, 6)


@pytest.mark.parametrize(
    ("issuer", "province"),
    [
        ("絳縣人民政府辦公室", "山西省"),  # Jiangxian (Yuncheng), two characters, Traditional
        ("沙县人民政府", "福建省"),
        ("和县人民政府办公室", "安徽省"),
        ("县人民政府办公室", None),  # a level, no place
        ("和平发展研究中心", None),  # a word that begins like a county is no county
    ],
)
def test_province_of_a_two_character_county(issuer, province):
    assert province_of(issuer) == province


def test_jurisdiction_read_through_a_mirrors_pinyin():
    body = ("各鄉(xiāng)鎮(zhèn)人民政府，絳縣經濟開發(fā)區(qū)管委會，縣直各有關單位：《絳縣促進專業(yè)鎮(zhèn)高質量發(fā)展"
            "實施方案》已經縣人民政府同意，現(xiàn)印發(fā)給你們。為促進全縣專業(yè)鎮(zhèn)高質量發(fā)展，結合絳縣實際，制定本方案。")
    assert jurisdiction_of_body(body) == "运城市绛县"


@pytest.mark.parametrize(
    ("text", "plausible"),
    [
        # a notice about government websites is a title, a website's name is none
        ("国务院办公厅关于印发《政府网站集约化试点工作方案》的通知", True),  # 国办函〔2018〕71号
        ("国务院办公厅关于加强政府网站信息内容建设的意见", True),  # 国办发〔2014〕57号
        ("广东省人民政府门户网站", False),
        ("政府信息公开", False),
    ],
)
def test_a_title_about_websites_is_a_title(text, plausible):
    assert plausible_title(text) is plausible
    if plausible:
        assert title_in_head([text[:18], text[18:], "各省、自治区、直辖市人民政府："]) == text


def test_the_title_may_name_the_place_the_body_calls_its_own():
    # 咸阳 2022 (a Traditional mirror): the body says 全市 and 市政府 but never 咸阳
    body = "以習近平新時代中國特色社會主義思想為指導，進一步轉變政府職能，全市一體化推進改革。責任單位：市政府辦公室"
    assert jurisdiction_of_body(body) is None
    assert jurisdiction_of_body(body, title="鹹陽市2022年深化“放管服”改革最佳化營商環境工作要點") == "咸阳市"


def test_a_state_council_decree_is_one_number_however_written():
    # 专利代理条例 (2018): 国令第706号 in the info table, 中华人民共和国国务院令 / 第706号 on its head
    assert normalize_doc_number("国令第706号") == normalize_doc_number("国务院令\n第706号") == "国令第706号"
    assert normalize_doc_number("中华人民共和国国务院令第706号") == "国令第706号"
    assert normalize_doc_number("商务部令第2号") == "商务部令第2号"
