"""HTML parser: decoding, generic body detection, metadata, and the text-level metadata helpers."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from pipelines.model import ParseError
from pipelines.parse.html import decode_html, parse_html
from pipelines.parse.metadata import (
    PROVINCES,
    find_doc_number,
    find_doc_numbers,
    header_before_letter,
    normalize_doc_number,
    opens_letter,
    parse_cn_date,
    province_of,
)
from reference import coverage, reference_text
from synth import GUANGXI, HUNAN, JIANGXI, notice_html

from pipelines.parse import html as html_parser

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MANIFEST = {entry["file"]: entry for entry in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))}
HTML_FILES = ["gd-2016-34.html", "gd-2017-8.html", "fj-2016-52.html"]

# Text that each bundled page shows outside the article: navigation, breadcrumb, info table,
# article meta line, share bar, related list, footer.
CHROME = ["无障碍浏览", "要闻动态", "当前位置", "发布机构", "来源：", "字体", "分享到", "打印本页", "关闭窗口",
          "相关文件", "政策解读", "版权所有", "主办：", "门户网站", "隐私声明"]

_parsed: dict[str, object] = {}


def parsed(name: str):
    if name not in _parsed:
        _parsed[name] = parse_html((CORPUS / name).read_bytes())
    return _parsed[name]


def page_text(name: str) -> str:
    return decode_html((CORPUS / name).read_bytes())[0]


# --- bundled pages --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HTML_FILES)
def test_body_covers_reference(name):
    notice = parsed(name)
    assert notice.format == "html"
    assert coverage(notice.full_text, reference_text(MANIFEST[name]["seed"])) >= 0.99


@pytest.mark.parametrize("name", HTML_FILES)
def test_no_page_chrome_in_body(name):
    page, text, ref = page_text(name), parsed(name).full_text, reference_text(MANIFEST[name]["seed"])
    for s in CHROME:
        assert s in page and s not in ref, s  # the check means something for this page
        assert s not in text, f"chrome {s!r} leaked into the body of {name}"


@pytest.mark.parametrize("name", HTML_FILES)
def test_paragraphs_are_stripped_and_nonempty(name):
    for p in parsed(name).paragraphs:
        assert p.text and p.text == p.text.strip(" \t\r\n\u3000\xa0")
        assert p.page is None


@pytest.mark.parametrize("name", HTML_FILES)
def test_metadata_matches_manifest(name):
    notice, m = parsed(name), MANIFEST[name]
    assert notice.title == m["名称"]
    assert notice.issuer == m["发布机构"]
    assert notice.doc_number == m["文号"]
    assert notice.publish_date == date.fromisoformat(m["发布日期"])
    # 成文日期: given in the manifest where the page states it; gd-2016-34 states none.
    assert notice.signed_date == (date.fromisoformat(m["成文日期"]) if "成文日期" in m else None)


def test_structure_and_characters_are_kept():
    gd = parsed("gd-2017-8.html")
    # half-width punctuation as the page has it: no normalisation at this stage
    assert gd.paragraphs[0].text == "各地级以上市人民政府,各县(市、区)人民政府,省政府各部门、各直属机构:"
    assert [p.text for p in gd.paragraphs[2:4]] == ["广东省人民政府", "2017年1月20日"]
    assert len(gd.paragraphs) == page_text("gd-2017-8.html").count('<p style="text-indent:2em">')
    fj = parsed("fj-2016-52.html")
    assert fj.paragraphs[0].text.startswith("各设区市人民政府")  # leading U+3000 indent stripped
    assert fj.paragraphs[-2:][0].text == "福建省人民政府" and fj.paragraphs[-1].text == "2016年11月14日"


def test_run_in_header_is_kept_and_flagged():
    notice = parsed("gd-2016-34.html")
    first = notice.paragraphs[0].text
    assert first.startswith(notice.title + "发布日期:2016-05-04粤府〔2016〕34号━━━")
    assert any("run into the body" in w for w in notice.warnings)
    assert not any("run into the body" in w for w in parsed("gd-2017-8.html").warnings)
    assert parsed("fj-2016-52.html").warnings == []


def test_fj_gbk_labelled_gb2312_decodes_cleanly():
    data = (CORPUS / "fj-2016-52.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the label alone would fail
    text, codec = decode_html(data)
    assert codec == "gb18030"
    assert "\ufffd" not in text and "繁體" in text
    assert parsed("fj-2016-52.html").encoding == "gb18030"


# --- generic templates ----------------------------------------------------------------------------

def test_page_without_classes_found_by_text_density():
    raw = (CORPUS / "gd-2017-8.html").read_text(encoding="utf-8")
    bare = re.sub(r'\s(?:class|id)="[^"]*"', "", raw)
    assert 'class="article-content"' not in bare and "class=" not in bare
    notice = parse_html(bare.encode("utf-8"))
    assert coverage(notice.full_text, reference_text("001")) >= 0.99
    for s in ["无障碍浏览", "要闻动态", "当前位置", "分享到", "版权所有", "相关文件"]:
        assert s not in notice.full_text
    assert notice.doc_number == "粤府〔2017〕8号"


def test_page_wrapped_in_one_form_keeps_its_body():
    # ASP.NET portals wrap the whole page in <form id="form1">: chrome by tag name must not take the body
    raw = (CORPUS / "gd-2017-8.html").read_text(encoding="utf-8")
    wrapped = raw.replace("<body>", '<body><form id="form1" method="post">').replace("</body>", "</form></body>")
    notice = parse_html(wrapped.encode("utf-8"))
    assert coverage(notice.full_text, reference_text("001")) >= 0.99
    assert "分享到" not in notice.full_text and "版权所有" not in notice.full_text


TABLE_LAYOUT = """<html><head><title>湖南省人民政府办公厅关于做好防汛工作的通知 - 湖南省人民政府</title></head><body>
<table width="100%"><tr><td><a href="/">首页</a> &gt; <a href="/x">政务公开</a> &gt; <a href="/y">政策文件</a></td></tr>
<tr><td><table><tr><td>索 引 号：</td><td>430000/2017-00012</td><td>发布机构：</td><td>湖南省人民政府办公厅</td></tr>
<tr><td>文　　号：</td><td>湘政办发〔2017〕21号</td><td>发布日期：</td><td>2017年05月03日</td></tr></table>
<table><tr><td>湘政办发〔2017〕21号<br>
各市州、县市区人民政府，省政府各厅委、各直属机构：<br>&nbsp;&nbsp;&nbsp;&nbsp;当前我省已全面进入主汛期，
为切实做好防汛工作，现就有关事项通知如下。<br>　　一、高度重视，加强领导。<br><br>
湖南省人民政府办公厅<br>二〇一七年五月二日</td></tr></table></td></tr>
<tr><td>主办单位：湖南省人民政府办公厅 ICP备案号：湘ICP备05001364号 网站标识码：4300000058</td></tr></table>
</body></html>"""


def test_table_layout_page_with_br_lines_and_gbk_header_only():
    notice = parse_html(TABLE_LAYOUT.encode("gbk"), content_type="text/html; charset=GBK")
    assert notice.encoding == "gb18030"
    assert [p.text for p in notice.paragraphs] == [
        "湘政办发〔2017〕21号",
        "各市州、县市区人民政府，省政府各厅委、各直属机构：",
        "当前我省已全面进入主汛期，为切实做好防汛工作，现就有关事项通知如下。",
        "一、高度重视，加强领导。",
        "湖南省人民政府办公厅",
        "二〇一七年五月二日",
    ]
    assert notice.title == "湖南省人民政府办公厅关于做好防汛工作的通知"
    assert notice.issuer == "湖南省人民政府办公厅"
    assert notice.doc_number == "湘政办发〔2017〕21号"
    assert notice.publish_date == date(2017, 5, 3)
    assert notice.signed_date == date(2017, 5, 2)


# Old table layouts (synth's "table" template): title row, "发布日期：… 来源：…" row and the
# article's cell are rows of one <table>.

@pytest.mark.parametrize("notice", [GUANGXI, JIANGXI], ids=["guangxi", "jiangxi"])
def test_layout_table_with_an_info_row_is_not_taken_for_an_info_table(notice):
    # a short notice: the whole layout table is under 1,000 characters and used to be deleted
    parsed = parse_html(notice_html(notice, template="table", encoding="gbk"))
    assert coverage(parsed.full_text, notice.text) >= 0.99
    assert parsed.paragraphs[0].text == notice.doc_number
    assert (parsed.doc_number, parsed.issuer) == (notice.doc_number, notice.issuer)
    assert parsed.publish_date == date.fromisoformat(notice.publish_date)  # still read from the row
    assert "版权所有" not in parsed.full_text and "首页" not in parsed.full_text


def test_title_row_of_a_layout_table_is_not_body():
    # the title hint is on the row's only cell (<tr><td class="bt_title">), not on the <tr>
    parsed = parse_html(notice_html(HUNAN, template="table", encoding="gbk"))
    assert parsed.paragraphs[0].text == HUNAN.doc_number
    assert HUNAN.title not in parsed.full_text
    assert parsed.title == HUNAN.title


ARTICLE = ("为切实做好今年防汛抗旱工作，确保人民群众生命财产安全，经省人民政府同意，现就有关事项通知如下。"
           "各地要压实防汛责任，加强隐患排查，做好物资储备，确保安全度汛。")


def test_label_table_that_holds_the_article_is_never_deleted():
    # every row of this table is a label/value pair, so it reads as an info table; but it holds
    # the article (正文：…), and an element holding the page's prose is never removed
    page = f"""<html><body><div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>
    <table><tr><td>文号：</td><td>湘政办发〔2017〕21号</td></tr><tr><td>发布日期：</td><td>2017-05-03</td></tr>
    <tr><td>正文：</td><td>{ARTICLE}</td></tr></table>
    <div class="footer">版权所有：湖南省人民政府</div></body></html>"""
    parsed = parse_html(page.encode("utf-8"))
    assert ARTICLE in parsed.full_text
    assert parsed.doc_number == "湘政办发〔2017〕21号" and parsed.publish_date == date(2017, 5, 3)


def test_body_that_misses_the_pages_prose_is_an_error(monkeypatch):
    # if detection ever lands on page chrome while the article is elsewhere on the page, that is
    # a failure to report, not a notice made of navigation lines
    page = f"""<html><body><div><a href="/">首页</a> 政务公开 | 政务服务 | 互动交流 | 数据发布 | 走进湖南</div>
    <div><p>{ARTICLE}</p><p>{ARTICLE}</p></div></body></html>"""
    assert ARTICLE in parse_html(page.encode("utf-8")).full_text
    monkeypatch.setattr(html_parser, "_find_body", lambda soup: soup.body.div)
    with pytest.raises(ParseError, match=r"article body not detected.*holds 0 of the page's \d+ characters of prose"):
        parse_html(page.encode("utf-8"))


def test_source_line_break_inside_a_number_is_closed_up():
    # editors that hard-wrap the page source cut numbers anywhere: "到2\n020年" renders as "2020"
    page = "<html><body><div id='zoom'><p>到2\n020年底，建成5G基站2万个，完成PP\nP项目15\n000公里。</p>" \
           "<p>对照年份：2019\n2020 and the State\nCouncil.</p></div></body></html>"
    texts = [p.text for p in parse_html(page.encode("utf-8")).paragraphs]
    assert texts[0] == "到2020年底，建成5G基站2万个，完成PPP项目15000公里。"
    assert texts[1] == "对照年份：2019 2020 and the State Council."  # not set solid in Chinese: a space


def test_metadata_from_body_text_when_page_has_none():
    page = """<html><body><div id="zoom"><p>粤府〔2017〕8号</p><p>各地级以上市人民政府：</p>
    <p>现将实施意见印发给你们，请认真贯彻执行。</p><p>广东省人民政府</p><p>2017年1月20日</p></div></body></html>"""
    notice = parse_html(page.encode("utf-8"))
    assert notice.doc_number == "粤府〔2017〕8号"
    assert notice.issuer == "广东省人民政府"
    assert notice.signed_date == date(2017, 1, 20)
    assert notice.publish_date is None and notice.title is None


# A 转发 notice: the letter (主送, the forwarding sentence, signature, date), then the forwarded
# document under its own header, whose 文号 stands alone on its line. Site chrome around it.
FORWARD_TITLE = "广东省人民政府办公厅转发省发展改革委关于进一步促进民间投资健康发展意见的通知"
FORWARD_LETTER = [
    "各地级以上市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构：",
    "省发展改革委《关于进一步促进民间投资健康发展的意见》已经省人民政府同意，现转发给你们，请认真贯彻执行。"
    "执行过程中遇到的问题，请径向省发展改革委反映。",
    "广东省人民政府办公厅",
    "2017年3月6日",
]
FORWARDED = [
    "粤发改投资〔2017〕88号",
    "关于进一步促进民间投资健康发展的意见",
    "为贯彻落实《国务院办公厅关于进一步做好民间投资有关工作的通知》（国办发明电〔2016〕12号），"
    "进一步激发民间投资活力，促进全省经济平稳健康发展，现提出以下意见。",
    "一、放宽民间投资市场准入",
    "凡法律法规未明确禁止的行业和领域，一律向民间资本开放，不得单独对民间资本设置附加条件。",
    "广东省发展和改革委员会",
    "2017年2月20日",
]


def forwarding_page(body: list[str], info_number: str | None = None) -> bytes:
    info = (f'<ul class="info"><li><span>索引号：</span>006939748/2017-00123</li>'
            f'<li><span>文号：</span>{info_number}</li><li><span>发布机构：</span>广东省人民政府办公厅</li></ul>'
            if info_number else "")
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<html><head><meta charset="utf-8"><title>{FORWARD_TITLE}_广东省人民政府门户网站</title></head>
<body><div class="top"><a href="/">无障碍浏览</a> <a href="/en">English</a></div>
<div class="nav"><a href="/">首页</a> <a href="/yw">要闻动态</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
<div class="main">{info}<h1 class="article-title">{FORWARD_TITLE}</h1>
<div class="article-meta">发布日期：2017-03-10 来源：广东省人民政府办公厅 字体：【大 中 小】</div>
<div class="article-content" id="zoom">{paragraphs}</div>
<div class="share">分享到：微信 微博 <a href="javascript:print()">打印本页</a> <a href="#">关闭窗口</a></div>
<div class="related"><h3>相关文件</h3><ul><li><a href="/1.html">广东省人民政府关于印发广东省促进民间投资若干政策措施的通知</a></li>
<li><a href="/2.html">政策解读：一图读懂民间投资新政</a></li></ul></div></div>
<div class="footer">主办：广东省人民政府办公厅 版权所有 粤ICP备05070829号 隐私声明</div></body></html>""".encode("utf-8")


def test_forwarded_documents_number_is_not_the_pages():
    notice = parse_html(forwarding_page(FORWARD_LETTER + FORWARDED))
    assert [p.text for p in notice.paragraphs] == FORWARD_LETTER + FORWARDED  # kept in the body
    assert notice.doc_number is None
    assert notice.title == FORWARD_TITLE
    assert (notice.issuer, notice.signed_date) == ("广东省人民政府办公厅", date(2017, 3, 6))


def test_forwarding_notice_keeps_its_own_number_above_the_addressees():
    notice = parse_html(forwarding_page(["粤府办〔2017〕12号", *FORWARD_LETTER, *FORWARDED]))
    assert notice.doc_number == "粤府办〔2017〕12号"
    # with the title over it, as pages that put the heading inside the article container do
    notice = parse_html(forwarding_page([FORWARD_TITLE, "粤府办〔2017〕12号", *FORWARD_LETTER, *FORWARDED]))
    assert notice.doc_number == "粤府办〔2017〕12号"


def test_forwarding_notice_info_table_number_wins():
    notice = parse_html(forwarding_page(FORWARD_LETTER + FORWARDED, info_number="粤府办〔2017〕12号"))
    assert notice.doc_number == "粤府办〔2017〕12号"


@pytest.mark.parametrize(
    "letter",
    [
        # addressees and the forwarding sentence on one line, no 主送 line of its own
        ["各地级以上市人民政府：省发展改革委《关于进一步促进民间投资健康发展的意见》已经省人民政府同意，"
         "现转发给你们，请认真贯彻执行。", "广东省人民政府办公厅", "2017年3月6日"],
        # no addressees: the forwarding sentence opens the letter
        ["省发展改革委《关于进一步促进民间投资健康发展的意见》已经省人民政府同意，现转发给你们，请认真贯彻执行。",
         "广东省人民政府办公厅", "2017年3月6日"],
        # hard-wrapped letter without sentence ends in the first lines: the signature still closes it
        ["广东省人民政府办公厅", "2017年3月6日"],
    ],
    ids=["addressee-run-into-sentence", "no-addressee", "signature-only"],
)
def test_number_after_the_letter_belongs_to_the_forwarded_document(letter):
    assert parse_html(forwarding_page(letter + FORWARDED)).doc_number is None


def test_forwarded_number_in_a_run_in_body_is_not_the_pages():
    # the whole page scraped into one paragraph: header, letter, then the forwarded document
    run_in = (f"{FORWARD_TITLE}发布日期:2017-03-10━━━━━━━━━━━━{FORWARD_TITLE}" + "".join(FORWARD_LETTER)
              + " " + " ".join(FORWARDED))
    assert parse_html(forwarding_page([run_in])).doc_number is None
    own = run_in.replace("发布日期:2017-03-10", "发布日期:2017-03-10 粤府办〔2017〕12号")
    assert parse_html(forwarding_page([own])).doc_number == "粤府办〔2017〕12号"


def test_gd_2016_34_body_text_alone_gives_its_own_number():
    # a 转发 notice whose own 文号 is run into the scraped header, before the 主送 line and the
    # forwarded 指导意见; read from the body text alone (not the info table)
    meta = html_parser._Meta()
    html_parser._read_text([p.text for p in parsed("gd-2016-34.html").paragraphs], meta)
    assert meta.text["doc_number"] == "粤府〔2016〕34号"


@pytest.mark.parametrize(
    "line, prev, expected",
    [
        ("各地级以上市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构：", None, True),
        ("各市州、县市区人民政府:", None, True),
        ("现将《实施意见》印发给你们，请认真贯彻执行。", None, True),
        ("现转发给你们", None, True),
        ("2017年3月6日", "广东省人民政府办公厅", True),
        ("2017年3月6日", None, False),  # a bare date in the page header
        ("2017-03-10", "广东省人民政府门户网站首页", False),
        ("广东省人民政府办公厅转发省发展改革委关于进一步促进民间投资健康发展意见的通知", None, False),
        ("广东省人民政府关于印发广东省深化泛珠三角区域合作实施意见的通知", None, False),
        ("粤府办〔2017〕12号", None, False),
        ("文　　号：", None, False),
        ("发布日期：2017-03-10", None, False),
        ("广东省人民政府文件", None, False),
        ("", None, False),
    ],
)
def test_opens_letter(line, prev, expected):
    assert opens_letter(line, prev) is expected


def test_header_before_letter():
    header = ("广东省人民政府转发《国务院关于深化泛珠三角区域合作指导意见》的通知发布日期:2016-05-04粤府〔2016〕34号━━━"
              "各地级以上市人民政府，省政府各部门：现将《指导意见》转发给你们，请认真贯彻执行。")
    assert header_before_letter(header).endswith("粤府〔2016〕34号━━━各地级以上市人民政府，省政府各部门")
    assert header_before_letter("来源：省政府办公厅 文号：粤府〔2016〕34号 各地：现将") == "来源：省政府办公厅 文号：粤府〔2016〕34号 各地"
    assert header_before_letter("通知现转发给你们粤发改投资〔2017〕88号") == "通知"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>  \n </body></html>",
        ("<html><body><ul>" + "".join(f'<li><a href="/{i}">关于做好第{i}项工作的通知</a></li>' for i in range(30))
         + "</ul></body></html>").encode("utf-8"),
        "<html><body><div>404 对不起，您访问的页面不存在或已被删除！</div></body></html>".encode("utf-8"),
    ],
    ids=["empty", "blank", "only-links", "error-page"],
)
def test_page_without_body_raises(data):
    with pytest.raises(ParseError, match="no article body found"):
        parse_html(data, url="https://example.gov.cn/x.html")


def test_parse_error_says_what_was_seen():
    with pytest.raises(ParseError, match=r"page has 4 characters of text"):
        parse_html("<html><body><p>暂无内容</p></body></html>".encode("utf-8"))


# --- decoding -------------------------------------------------------------------------------------

PAGE = "<html><head>{meta}<title>通知</title></head><body><p>{body}</p></body></html>"
SIMPLIFIED = "广东省人民政府关于深化泛珠三角区域合作的通知，各地级以上市人民政府：现将意见印发给你们。"
TRADITIONAL = "廣東省人民政府關於深化泛珠三角區域合作的實施意見，請認真貫徹執行。"


def test_lying_header_utf8_but_gbk_bytes():
    data = PAGE.format(meta="", body=SIMPLIFIED).encode("gbk")
    text, codec = decode_html(data, "text/html; charset=utf-8")
    assert codec == "gb18030" and SIMPLIFIED in text and "\ufffd" not in text


def test_lying_meta_gb2312_but_utf8_bytes():
    data = PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                       body=SIMPLIFIED).encode("utf-8")
    text, codec = decode_html(data)
    assert codec == "utf-8" and SIMPLIFIED in text


def test_http_header_is_the_only_label():
    data = PAGE.format(meta="", body=TRADITIONAL).encode("big5")
    text, codec = decode_html(data, 'text/html; charset="Big5"')
    assert codec == "big5hkscs" and TRADITIONAL in text
    assert TRADITIONAL not in decode_html(data)[0]  # without the header, sniffing guesses GBK


def test_http_header_wins_over_meta():
    data = PAGE.format(meta='<meta charset="gb2312">', body=TRADITIONAL).encode("big5")
    assert decode_html(data, "text/html; charset=big5")[0].count(TRADITIONAL) == 1
    assert TRADITIONAL not in decode_html(data)[0]


def test_big5_traditional_page_labelled_in_meta():
    data = PAGE.format(meta='<meta charset="big5">', body=TRADITIONAL).encode("big5")
    text, codec = decode_html(data)
    assert codec == "big5hkscs" and TRADITIONAL in text and "\ufffd" not in text
    notice = parse_html(data)
    assert notice.full_text == TRADITIONAL and notice.encoding == "big5hkscs"


def test_utf8_bom_wins_over_meta():
    data = b"\xef\xbb\xbf" + PAGE.format(meta='<meta charset="gb2312">', body=SIMPLIFIED).encode("utf-8")
    text, codec = decode_html(data)
    assert codec == "utf-8" and text.startswith("<html>") and SIMPLIFIED in text


def test_western_server_default_label_is_ignored_for_chinese_bytes():
    data = PAGE.format(meta="", body=SIMPLIFIED).encode("gbk")
    text, codec = decode_html(data, "text/html; charset=ISO-8859-1")
    assert codec == "gb18030" and SIMPLIFIED in text


def test_damaged_utf8_keeps_its_codec_and_bad_bytes_never_raise():
    good = PAGE.format(meta='<meta charset="utf-8">', body=SIMPLIFIED * 10).encode("utf-8")
    head, tail = good.split(b"</p>")
    text, codec = decode_html(head + b"\xe4\xb8" + b"</p>" + tail)  # one truncated character
    assert codec == "utf-8" and text.count("\ufffd") == 1 and SIMPLIFIED * 9 in text
    text, _ = decode_html(b"<p>\x80\xff abc \xfe")
    assert "abc" in text and "\ufffd" in text


# --- metadata helpers -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("粤府〔2017〕8号", "粤府〔2017〕8号"),
        ("闽政〔2016〕52号", "闽政〔2016〕52号"),
        ("（国发〔2016〕18号，以下简称《指导意见》）", "国发〔2016〕18号"),
        ("(发改办地区〔2016〕1304号)", "发改办地区〔2016〕1304号"),
        ("粤府[2017]8号", "粤府[2017]8号"),
        ("粤府(2017)8号", "粤府(2017)8号"),
        ("粤府（2017）8号", "粤府（2017）8号"),
        ("粤府﹝2017﹞8号", "粤府﹝2017﹞8号"),
        ("粤府〔２０１７〕８號", "粤府〔２０１７〕８號"),
        ("粤府 〔 2017 〕 8 号", "粤府 〔 2017 〕 8 号"),
        ("请认真贯彻执行国发〔2016〕18号文件", "国发〔2016〕18号"),
        # "以" + 文号 + 印发: the number the issuer issued it under (Anhui 2013, Guangdong).
        ("2013年12月30日,安徽省人民政府以皖政〔2013〕89號印發《實施方案》", "皖政〔2013〕89號"),
        ("省政府以粤府〔2017〕8号文印发", "粤府〔2017〕8号"),
        ("…的通知发布日期:2016-05-04粤府〔2016〕34号━━━", "粤府〔2016〕34号"),
        ("2017年1月20日", None),
        ("〔2017〕8号", None),
    ],
)
def test_find_doc_number(text, expected):
    assert find_doc_number(text) == expected


@pytest.mark.parametrize(
    "written", ["粤府[2017]8号", "粤府(2017)8号", "粤府（2017）8号", "粤府〔２０１７〕８號", "粤府 〔 2017 〕 8 号", "粤府【2017】8号"]
)
def test_normalize_doc_number(written):
    assert normalize_doc_number(written) == "粤府〔2017〕8号"


def test_find_doc_numbers_offsets():
    text = "根据《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号）和发改办地区［2016］1304號，制定本意见。"
    hits = find_doc_numbers(text)
    assert [h[0] for h in hits] == ["国发〔2016〕18号", "发改办地区［2016］1304號"]
    assert all(text[start:end] == written for written, start, end in hits)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2017年1月20日", date(2017, 1, 20)),
        ("2017-01-20", date(2017, 1, 20)),
        ("2017/1/20", date(2017, 1, 20)),
        ("2017.01.20", date(2017, 1, 20)),
        ("２０１７年１月２０日", date(2017, 1, 20)),
        ("2017 年 1 月 20 日", date(2017, 1, 20)),
        ("二〇一七年一月二十日", date(2017, 1, 20)),
        ("二〇一六年十一月十四日", date(2016, 11, 14)),
        ("二〇一七年十二月三十一日", date(2017, 12, 31)),
        ("发布日期:2016-05-04 10:30:00", date(2016, 5, 4)),
        ("2017-13-45", None),
        ("2017年1月", None),
        ("12017-01-20", None),
        ("", None),
    ],
)
def test_parse_cn_date(text, expected):
    assert parse_cn_date(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("广东省人民政府", "广东省"),
        ("中共广东省委 广东省人民政府", "广东省"),
        ("福建省人民政府", "福建省"),
        ("广西壮族自治区人民政府办公厅", "广西壮族自治区"),
        ("内蒙古自治区人民政府", "内蒙古自治区"),
        ("粤府〔2017〕8号", "广东省"),
        ("闽政〔2016〕52号", "福建省"),
        ("桂政发〔2016〕1号", "广西壮族自治区"),
        ("黔府发〔2017〕1号", "贵州省"),
        ("陇政发〔2017〕1号", "甘肃省"),
        ("湘政办发〔2017〕21号", "湖南省"),
        ("国发〔2016〕18号", None),
        ("国办发〔2016〕1号", None),
        ("发改办地区〔2016〕1304号", None),
        ("国务院办公厅", None),
        (None, None),
    ],
)
def test_province_of(value, expected):
    assert province_of(value) == expected


def test_province_table_is_complete():
    assert len(PROVINCES) == 34
    assert len({full for full, _, _ in PROVINCES}) == 34
