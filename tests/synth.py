"""Synthetic notices the pipeline has never seen: portal HTML pages and GB/T 9704-style PDFs.

The three notices below are invented for the tests (not copies of the corpus) but written in the
genre: a 实施意见 issued as a 政府文件, a 通知 forwarding a 方案, and a 通知 with numbered
tasks, each with 一、/（一）/1. items, responsibility notes "（省…牵头，…按职责分工负责）" and
"责任单位：…" lines, and dated targets ("到2025年…达到90%以上").

Renderers:

* ``notice_html(notice, template=..., encoding=...)``: a provincial portal page, with site chrome
  (navigation, breadcrumbs, share links, related files, footer with 版权所有/ICP备), in one of
  ``TEMPLATES``: ``"table"`` (old table layout, body in ``<td class="bt_content">`` with ``<br>``
  lines and hard-wrapped source lines) or ``"zoom"`` (modern ``<div id="zoom">`` with ``<p>``
  paragraphs and an info list). ``declared`` makes the ``<meta charset>`` lie.
* ``notice_pdf(paragraphs, header=..., doc_number=..., title=...)`` (``pdf_for(notice)`` for the
  notices below; ``typeset`` also tells on which page each paragraph starts): a PDF written as
  raw PDF syntax (no reportlab here). Text is set in the non-embedded CID font STSong-Light with
  the predefined CMap UniGB-UCS2-H (Adobe-GB1): pdfminer decodes it with its bundled CMaps, so
  no font file is needed. Layout after GB/T 9704: red banner in large type, 文号 line, red rule,
  22 pt title lines, 16 pt body of 28 characters a line (wraps fall anywhere, inside numbers and
  words too; kinsoku pushes a character down so no line starts with closing punctuation;
  non-final lines are justified), 2-character first-line indents, page numbers "— N —" at the
  foot (odd pages right, even pages left), an optional running header on every page.
  ``font=CIDFont(...)`` declares the same non-embedded font another way, without a ToUnicode map:
  another predefined CMap (``GBK-EUC-H``, ``Identity-H``) and/or another CIDSystemInfo Ordering
  (``Identity``, or none at all), which decides which readers can decode the text; a sequence of
  fonts sets the pages in turn (the last one repeats).
* ``corrupt_pdf``, ``scanned_pdf``, ``error_html``: documents that must fail with a readable error.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# --- the notices ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    issuer: str
    doc_number: str
    title: str
    addressee: str  # 主送机关, the first body paragraph
    paragraphs: tuple[str, ...]  # the body between 主送 and signature, headings included
    signature: str
    date: str  # 成文日期 as printed under the signature
    publish_date: str  # the portal's 发布日期
    site: str  # portal name, for page chrome
    bulletin: str  # running header of the PDF edition (公报)
    title_lines: tuple[str, ...] = ()  # how the PDF's title block breaks the title

    def __post_init__(self) -> None:
        if self.title_lines and "".join(self.title_lines) != self.title:
            raise ValueError(f"title_lines do not spell the title: {self.title_lines}")


    @property
    def body(self) -> list[str]:
        """The paragraphs a perfect parser returns (the 文号 line aside), in order."""
        return [self.addressee, *self.paragraphs, self.signature, self.date]

    @property
    def text(self) -> str:
        return "\n".join(self.body)


HUNAN = Notice(
    issuer="湖南省人民政府",
    doc_number="湘政发〔2018〕12号",
    title="湖南省人民政府关于加快推进城镇老旧小区改造的实施意见",
    addressee="各市州、县市区人民政府，省政府各厅委、各直属机构：",
    paragraphs=(
        "为贯彻落实党中央、国务院关于推进城镇老旧小区改造的决策部署，改善城镇居民居住条件，"
        "提升城市品质，结合我省实际，现提出如下实施意见。",
        "一、总体要求",
        "（一）指导思想。坚持以人民为中心的发展思想，按照“政府引导、居民自愿、因地制宜、分类施策”"
        "的原则，全面推进城镇老旧小区改造，着力解决群众急难愁盼问题。",
        "（二）主要目标。到2020年底，完成2000年以前建成的城镇老旧小区改造任务的30%；到2025年，"
        "全省城镇老旧小区改造完成率达到90%以上，基本形成共建共治共享的小区治理格局。",
        "二、重点任务",
        "（一）明确改造内容。改造内容分为基础类、完善类和提升类三类。基础类重点改造供水、排水、供电、"
        "弱电、道路、供气等配套设施；完善类重点建设停车场、电动自行车充电设施和无障碍设施；提升类重点"
        "建设养老、托育、便民市场等公共服务设施。（省住房城乡建设厅牵头，省发展改革委、省财政厅等按职责分工负责）",
        "（二）编制改造规划。各市州要在2018年9月底前完成城镇老旧小区摸底调查，建立改造项目库，编制"
        "2018—2025年改造规划和年度计划，合理安排改造时序。先行选取长沙市天心区桂花坪街道、邵阳市双清区"
        "昇平社区等10个社区开展试点。（各市州人民政府负责）",
        "（三）创新融资方式。支持各地通过政府和社会资本合作（PPP）模式吸引社会力量参与改造，鼓励金融机构"
        "依法依规提供信贷支持，单个项目贷款期限原则上不超过15年。",
        "责任单位：省发改委、住建厅、财政厅、人民银行长沙中心支行等",
        "三、保障措施",
        "1.加强组织领导。省人民政府成立城镇老旧小区改造工作领导小组，统筹协调重大问题，领导小组办公室"
        "设在省住房城乡建设厅。",
        "2.加大资金支持。省财政每年安排专项资金5亿元，对改造任务完成较好的市州给予奖补。"
        "（省财政厅牵头，省住房城乡建设厅配合）",
        "3.强化督查考核。将城镇老旧小区改造纳入对市州人民政府绩效考核内容，考核结果作为资金分配的重要依据。",
        "本意见自印发之日起施行，有效期5年。",
    ),
    signature="湖南省人民政府",
    date="2018年6月5日",
    publish_date="2018-06-08",
    site="湖南省人民政府门户网站",
    bulletin="湖南省人民政府公报",
    title_lines=("湖南省人民政府关于加快推进", "城镇老旧小区改造的实施意见"),
)

GUANGXI = Notice(
    issuer="广西壮族自治区人民政府",
    doc_number="桂政发〔2019〕5号",
    title="广西壮族自治区人民政府关于印发广西农村公路提质增效三年行动方案（2019—2021年）的通知",
    addressee="各市、县人民政府，自治区人民政府各组成部门、各直属机构：",
    paragraphs=(
        "现将《广西农村公路提质增效三年行动方案（2019—2021年）》印发给你们，请认真组织实施。",
        "广西农村公路提质增效三年行动方案（2019—2021年）",
        "为加快补齐农村交通基础设施短板，推动“四好农村路”高质量发展，制定本方案。",
        "一、工作目标",
        "到2021年，全区具备条件的乡镇通三级及以上公路比例达到95%以上，建制村通客车率达到100%；"
        "到2025年，农村公路优良中等路率达到85%以上。",
        "二、主要任务",
        "（一）实施乡镇通三级公路建设。按照“先通后畅、先急后缓”的原则，每年新改建乡镇通三级公路"
        "2000公里以上，优先支持边境地区和革命老区。（自治区交通运输厅牵头，自治区发展改革委、财政厅等按职责分工负责）",
        "（二）推进农村公路安全生命防护工程。全面排查临水临崖、急弯陡坡等路段，到2020年底前完成"
        "隐患路段处治15000公里。",
        "责任单位：自治区交通运输厅、公安厅、应急管理厅等",
        "（三）深化农村公路管理养护体制改革。全面推行“路长制”，县级财政每年安排养护资金不低于每公里"
        "1万元。",
        "三、保障措施",
        "1.加强资金保障。自治区统筹车购税、成品油税费改革转移支付等资金，三年安排补助资金120亿元。",
        "2.加强考核评估。自治区每年对各设区市行动方案实施情况进行考核，结果纳入绩效考评。",
    ),
    signature="广西壮族自治区人民政府",
    date="2019年2月18日",
    publish_date="2019-02-20",
    site="广西壮族自治区人民政府门户网站",
    bulletin="广西壮族自治区人民政府公报",
    title_lines=("广西壮族自治区人民政府关于印发", "广西农村公路提质增效三年行动方案", "（2019—2021年）的通知"),
)

JIANGXI = Notice(
    issuer="江西省人民政府",
    doc_number="赣府发〔2020〕7号",
    title="江西省人民政府关于加快推进5G网络建设和应用发展的通知",
    addressee="各市、县（区）人民政府，省政府各部门：",
    paragraphs=(
        "为抢抓第五代移动通信（5G）发展机遇，加快推进我省5G网络建设和融合应用，培育经济发展新动能，"
        "经省政府同意，现就有关事项通知如下。",
        "一、发展目标",
        "到2020年底，全省建成5G基站2万个以上，实现设区市中心城区5G网络连续覆盖；到2022年，"
        "5G基站总数达到5万个以上，县城及重点乡镇5G网络覆盖率达到90%以上；到2025年，"
        "5G用户普及率达到70%以上，形成一批具有全国影响力的5G应用示范项目。",
        "二、重点任务",
        "（一）加快5G网络建设。将5G基站、机房、管线等配套设施纳入国土空间规划，新建住宅小区、"
        "商务楼宇按标准同步建设通信设施。（省通信管理局牵头，省发展改革委、省自然资源厅、省住房城乡"
        "建设厅等按职责分工负责）",
        "（二）开放公共资源。各级党政机关、事业单位和国有企业所属建筑物、路灯杆、监控杆等公共设施"
        "原则上免费向5G基站建设开放。",
        "责任单位：省发改委、住建厅、机关事务管理局等",
        "（三）降低建设运营成本。将5G基站纳入电力直接交易范围，支持5G基站转供电改直供电，"
        "力争到2021年5G基站用电成本平均降低30%以上。（省能源局牵头，国网江西省电力有限公司配合）",
        "（四）推动融合应用。在工业互联网、智慧医疗、智慧交通、VR/AR等领域打造100个以上5G应用场景，"
        "支持南昌建设“世界VR中心”。",
        "三、保障措施",
        "1.加强统筹协调。成立江西省5G发展工作领导小组，办公室设在省工业和信息化厅，"
        "统筹推进全省5G网络建设和应用发展。",
        "2.加大政策支持。省级财政统筹相关专项资金，对5G应用示范项目按照项目投资额的10%给予补助，"
        "单个项目最高不超过500万元。",
        "3.强化督促落实。各地各部门要结合实际制定具体实施方案，每季度末将工作进展情况报送省工业和信息化厅。",
    ),
    signature="江西省人民政府",
    date="2020年3月12日",
    publish_date="2020-03-16",
    site="江西省人民政府门户网站",
    bulletin="江西省人民政府公报",
    title_lines=("江西省人民政府关于加快推进5G网络", "建设和应用发展的通知"),
)


# --- HTML ----------------------------------------------------------------------------------------

TEMPLATES = ("table", "zoom")


def notice_html(
    notice: Notice,
    template: str = "zoom",
    encoding: str = "utf-8",
    declared: str | None = None,
    source_wrap: int | None = None,
) -> bytes:
    """A portal page carrying ``notice``, encoded as ``encoding`` ("utf-8" or "gbk").

    ``declared`` is the label in ``<meta charset>``; by default the honest one ("gb2312" for GBK
    bytes, as GBK portals label themselves). Pass another label to make the page lie.
    ``source_wrap`` hard-wraps the HTML source of each body line every N characters, as Word's
    HTML export does (the "table" template does it at 37 by default).
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; one of {TEMPLATES}")
    label = declared or ("gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding)
    if template == "table":
        page = _table_page(notice, label, 37 if source_wrap is None else source_wrap)
    else:
        page = _zoom_page(notice, label, source_wrap)
    return page.encode(encoding)


def _wrap_source(text: str, width: int | None) -> str:
    """Escape ``text`` and put a newline every ``width`` characters (None: never)."""
    if not width:
        return escape(text, quote=False)
    return "\n".join(escape(text[i : i + width], quote=False) for i in range(0, len(text), width))


_NAV = ["首页", "要闻动态", "政务公开", "政务服务", "互动交流", "数据发布", "走进{region}"]


def _region(notice: Notice) -> str:
    return notice.issuer.removesuffix("人民政府").removesuffix("壮族自治区").removesuffix("省")


def _table_page(n: Notice, charset: str, wrap: int | None) -> str:
    """An old table-layout portal page (TRS era): everything in tables, body lines split by <br>."""
    nav = " | ".join(f'<a href="/col{i}/index.html">{t.format(region=_region(n))}</a>' for i, t in enumerate(_NAV))
    indent = "&nbsp;&nbsp;&nbsp;&nbsp;"  # the body lines' indent, as old editors wrote it
    lines = [f'<div align="center">{escape(n.doc_number)}</div>', f"{_wrap_source(n.addressee, wrap)}<br>"]
    for p in n.paragraphs:
        lines.append(f"{indent}{_wrap_source(p, wrap)}<br>")
    lines.append(f'<br><div align="right">{escape(n.signature)}&nbsp;&nbsp;&nbsp;&nbsp;<br>')
    lines.append(f"{escape(n.date)}&nbsp;&nbsp;&nbsp;&nbsp;</div>")
    body = "\n".join(lines)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{escape(n.title)}_{escape(n.site)}</title>
<link href="/images/css.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/js/jquery-1.4.2.min.js"></script>
<script type="text/javascript">function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}</script>
</head>
<body>
<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td height="120" background="/images/top_bg.jpg"><img src="/images/logo.png" alt="{escape(n.site)}" /></td></tr>
  <tr><td height="36" class="dh" align="center">{nav}</td></tr>
</table>
<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td class="wz" height="30">您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/">政务公开</a> &gt;&gt; <a href="/zwgk/szfwj/">省政府文件</a></td></tr>
</table>
<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr><td height="60" align="center" class="bt_title">{escape(n.title)}</td></tr>
  <tr><td align="center" class="bt_time">发布日期：{n.publish_date}&nbsp;&nbsp;&nbsp;&nbsp;来源：{escape(n.issuer)}办公厅&nbsp;&nbsp;&nbsp;&nbsp;【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</td></tr>
  <tr><td height="1" bgcolor="#CCCCCC"></td></tr>
  <tr>
    <td class="bt_content" id="zoom" style="line-height:30px;font-size:16px;padding:20px 40px">
{body}
    </td>
  </tr>
  <tr><td align="right" class="bt_tool"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table>
<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0" class="foot">
  <tr><td align="center">主办：{escape(n.issuer)}办公厅&nbsp;&nbsp;版权所有：{escape(n.site)}<br />
  {n.doc_number[0]}ICP备05001234号&nbsp;&nbsp;网站标识码：4300000001&nbsp;&nbsp;建议使用1024×768分辨率浏览</td></tr>
</table>
</body>
</html>
"""


def _zoom_page(n: Notice, charset: str, wrap: int | None) -> str:
    """A modern portal page: header/nav, breadcrumbs, 信息公开 info list, <div id="zoom"> with <p>."""
    nav = "".join(f'<li><a href="/col{i}/">{t.format(region=_region(n))}</a></li>' for i, t in enumerate(_NAV))
    paras = [f'<p style="text-indent:2em;">{_wrap_source(n.addressee, wrap)}</p>']
    for p in n.paragraphs:
        text = _wrap_source(p, wrap)
        if _is_numbered_heading(p):
            text = f'<strong><span style="font-family:黑体">{text}</span></strong>'
        paras.append(f'<p style="text-indent:2em;">{text}</p>')
    paras.append("<p>&nbsp;</p>")
    paras.append(f'<p style="text-align:right;">{escape(n.signature)}</p>')
    paras.append(f'<p style="text-align:right;">{escape(n.date)}</p>')
    body = "\n".join(paras)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(n.title)}-{escape(n.site)}</title>
<meta name="SiteName" content="{escape(n.site)}">
<meta name="ArticleTitle" content="{escape(n.title)}">
<meta name="PubDate" content="{n.publish_date} 10:30">
<meta name="ContentSource" content="{escape(n.issuer)}办公厅">
<link rel="stylesheet" href="/static/css/article.css">
<script>window.siteConfig = {{ channel: "zcwj", search: "/search?q=" }};</script>
</head>
<body>
<header class="site-header">
  <div class="logo"><a href="/"><img src="/static/img/logo.png" alt="{escape(n.site)}"></a></div>
  <div class="header-tools"><a href="#">无障碍</a> <a href="#">长者版</a> <a href="#">English</a>
    <form class="search-box" action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
  <nav class="main-nav"><ul>{nav}</ul></nav>
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zfwj/">政府文件</a></div>
<div class="container">
  <div class="xxgk-table">
    <ul>
      <li><span>索引号：</span>11450000MB1X00000X/2019-00105</li>
      <li><span>发文机关：</span>{escape(n.issuer)}</li>
      <li><span>文号：</span>{escape(n.doc_number)}</li>
      <li><span>成文日期：</span>{escape(n.date)}</li>
      <li><span>发布日期：</span>{n.publish_date}</li>
      <li><span>主题分类：</span>综合政务</li>
    </ul>
  </div>
  <div class="article">
    <h1 class="article-title">{escape(n.title)}</h1>
    <div class="article-attr"><span>发布时间：{n.publish_date} 10:30</span> <span>来源：{escape(n.issuer)}办公厅</span>
      <span class="font-size">字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
    <div id="zoom" class="TRS_Editor">
{body}
    </div>
    <div class="share-bar">分享到：<a href="#" class="wx">微信</a> <a href="#" class="wb">微博</a> <a href="#" class="qq">QQ空间</a></div>
    <div class="xgwj"><h3>相关文件</h3><ul>
      <li><a href="/zcjd/1.html">图解：{escape(_region(n))}出台行动方案</a></li>
      <li><a href="/zcjd/2.html">政策解读：一图读懂{escape(n.doc_number)}</a></li>
    </ul></div>
  </div>
</div>
<footer class="site-footer">
  <p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
  <p>主办单位：{escape(n.issuer)}办公厅 版权所有</p>
  <p>{n.doc_number[0]}ICP备05001234号-1 {n.doc_number[0]}公网安备45010302000123号 网站标识码：4500000001</p>
</footer>
<script src="/static/js/stat.js"></script>
</body>
</html>
"""


def _is_numbered_heading(text: str) -> bool:
    return len(text) <= 16 and text[:2] in ("一、", "二、", "三、", "四、", "五、")


def error_html(kind: str = "soft404", encoding: str = "utf-8") -> bytes:
    """A page without a notice, served with status 200: "soft404" (the portal's "页面不存在" page,
    site chrome included) or "empty" (an empty body, as a CMS that lost the article sends)."""
    if kind == "empty":
        return b'<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>\n</body></html>'
    if kind != "soft404":
        raise ValueError(kind)
    page = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在-湖南省人民政府门户网站</title></head>
<body>
<header class="site-header"><nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li></ul></nav></header>
<div class="error-box"><img src="/static/img/404.png" alt="404"><h2>抱歉，您访问的页面不存在或已被删除！</h2>
<p>请检查您输入的网址是否正确，或返回<a href="/">首页</a>继续浏览。</p></div>
<footer><p>版权所有：湖南省人民政府门户网站 湘ICP备05001234号</p></footer>
</body></html>
"""
    return page.encode(encoding)


# --- PDF -----------------------------------------------------------------------------------------

# A4 in points, and GB/T 9704's type area: 156 mm wide (28 characters of 三号 ≈ 16 pt), 22 lines.
PAGE_W, PAGE_H = 595.0, 842.0
BODY_SIZE = 16.0
TITLE_SIZE = 22.0
BANNER_SIZE = 36.0
PAGE_NUMBER_SIZE = 14.0
RUNNING_HEADER_SIZE = 10.5
TOP = 842.0 - 105.0  # top of the type area (37 mm from the top edge)
LINE_PITCH = 29.0  # 22 lines in 225 mm
NO_LINE_START = set("，。、；：？！）》」』】〕”’%,.;:?!)")
NO_LINE_END = set("（《「『【〔“‘(")

# STSong-Light, not embedded: PDF readers use their own Song face, and pdfminer maps the
# UCS-2 codes through UniGB-UCS2-H to Adobe-GB1 CIDs and back to Unicode. Half-width ASCII
# (CIDs 1-95) is 500 units wide, everything else 1000.
_CID_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    b"/DescendantFonts [%d 0 R] >>"
)
_CID_DESCENDANT = (
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
    b"/FontDescriptor %d 0 R /DW 1000 /W [1 95 500] >>"
)
_FONT_DESCRIPTOR = (
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
    b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
)


@dataclass(frozen=True)
class CIDFont:
    """How the text's font (STSong-Light, not embedded, no ToUnicode) is declared.

    ``encoding`` is the Type0 font's predefined CMap: ``UniGB-UCS2-H`` (UCS-2 codes),
    ``GBK-EUC-H`` (GBK bytes, one byte for ASCII) or ``Identity-H`` (the codes are Adobe-GB1 CIDs,
    computed from Unicode through pdfminer's UniGB-UCS2-H). ``ordering`` is the CIDFont's
    CIDSystemInfo Ordering (Registry Adobe): ``GB1``, ``Identity``, or None for no CIDSystemInfo.

    Without ToUnicode a reader must find the Unicode of each CID through the character collection's
    table. pdfminer takes the collection only from CIDSystemInfo: with Ordering GB1 it decodes every
    encoding here, otherwise it yields ``(cid:N)``. pdfium also takes it from a predefined CMap's
    name (``UniGB-UCS2-H``, ``GBK-EUC-H`` are Adobe-GB1): it decodes those whatever the Ordering
    says; ``Identity-H`` with Ordering Identity names no collection, and no reader decodes it.
    """

    encoding: str = "UniGB-UCS2-H"
    ordering: str | None = "GB1"

    def __post_init__(self) -> None:
        if self.encoding not in ("UniGB-UCS2-H", "GBK-EUC-H", "Identity-H"):
            raise ValueError(f"unsupported encoding {self.encoding!r}")

    def codes(self, text: str) -> bytes:
        """The bytes ``Tj`` shows for ``text``."""
        _check_encodable(text)
        if self.encoding == "UniGB-UCS2-H":
            return text.encode("utf-16-be")
        if self.encoding == "GBK-EUC-H":
            return text.encode("gbk")
        return b"".join(cid.to_bytes(2, "big") for cid in _gb1_cids(text))

    def cids(self, text: str) -> list[int]:
        """The Adobe-GB1 CIDs ``text`` is drawn with (as the font's CMap decodes its codes)."""
        from pdfminer.cmapdb import CMapDB

        if self.encoding == "Identity-H":
            return _gb1_cids(text)
        return list(CMapDB.get_cmap(self.encoding).decode(self.codes(text)))

    def font_objects(self, descendant: int, descriptor: int, texts: Sequence[str]) -> tuple[bytes, bytes]:
        """The Type0 font and its CIDFont, half-width glyphs 500 units wide wherever their CIDs are."""
        font = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s /DescendantFonts [%d 0 R] >>"
            % (self.encoding.encode(), descendant)
        )
        narrow = sorted({c for t in texts for ch, c in zip(t, self.cids(t)) if _width(ch) == 0.5} - set(range(1, 96)))
        widths = b"".join(b" %d [500]" % c for c in narrow)
        info = (
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 2 >> " % self.ordering.encode()
            if self.ordering else b""
        )
        cid_font = (
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light %s"
            b"/FontDescriptor %d 0 R /DW 1000 /W [1 95 500%s] >>" % (info, descriptor, widths)
        )
        return font, cid_font


STSONG = CIDFont()  # as every PDF here is set unless told otherwise: pdfminer and pdfium decode it


def _gb1_cids(text: str) -> list[int]:
    """Adobe-GB1 CIDs of ``text``, one per character, through pdfminer's UniGB-UCS2-H CMap."""
    from pdfminer.cmapdb import CMapDB

    cmap = CMapDB.get_cmap("UniGB-UCS2-H")
    return [cid for ch in text for cid in cmap.decode(ch.encode("utf-16-be"))]


def _width(ch: str) -> float:
    """Advance in em: half-width ASCII is half an em, everything else one."""
    return 0.5 if " " <= ch <= "~" else 1.0


def _encode(text: str) -> bytes:
    """The hex string operand for ``Tj`` in UniGB-UCS2-H: big-endian UCS-2 code units."""
    _check_encodable(text)
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _check_encodable(text: str) -> None:
    from pdfminer.cmapdb import CMapDB  # the same CMap the parser will decode with

    cmap = CMapDB.get_cmap("UniGB-UCS2-H")
    missing = {ch for ch in text if not list(cmap.decode(ord(ch).to_bytes(2, "big")))}
    if missing:
        raise ValueError(f"not in UniGB-UCS2-H (Adobe-GB1), cannot be set in STSong-Light: {sorted(missing)}")


def wrap_line(text: str, width_em: float, kinsoku: bool = True) -> tuple[str, str]:
    """Split ``text`` into (line, rest) where ``line`` fills at most ``width_em``; with kinsoku,
    characters move down so ``rest`` never starts with closing punctuation and ``line`` never
    ends with an opening bracket."""
    used, cut = 0.0, 0
    while cut < len(text) and used + _width(text[cut]) <= width_em + 1e-6:
        used += _width(text[cut])
        cut += 1
    if kinsoku and 0 < cut < len(text):
        while cut > 1 and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
            cut -= 1
    return text[:cut], text[cut:]


@dataclass
class _Glyphs:
    """One text line to draw: baseline position, size, colour, and an optional justification."""

    text: str
    x: float
    y: float
    size: float
    red: bool = False
    char_spacing: float = 0.0


@dataclass
class _Page:
    lines: list[_Glyphs]
    rules: list[tuple[float, float, float]]  # red horizontal rules: (x0, x1, y)


@dataclass
class Typeset:
    """A laid-out notice: its pages, and the page each body paragraph starts on."""

    pages: list[_Page]
    starts: list[tuple[str, int]]  # (paragraph as given, 1-based page), addressee and signature included
    info: dict[str, str]
    compress: bool = True
    fonts: tuple[CIDFont, ...] = (STSONG,)  # font of each page in turn, the last one repeating

    def font_of(self, page: int) -> CIDFont:
        """The font page ``page`` (1-based) is set in."""
        return self.fonts[min(page, len(self.fonts)) - 1]

    def pdf(self) -> bytes:
        if self.fonts == (STSONG,):
            return _write_pdf([_content(p) for p in self.pages], self.info, self.compress)
        page_fonts = [self.font_of(n) for n in range(1, len(self.pages) + 1)]
        contents = [_content(p, f.codes) for p, f in zip(self.pages, page_fonts)]
        return _write_pdf(contents, self.info, self.compress, page_fonts, [[g.text for g in p.lines] for p in self.pages])


def notice_pdf(paragraphs: Sequence[str], **layout) -> bytes:
    """A GB/T 9704-style notice as PDF bytes; see ``typeset`` for the layout options."""
    return typeset(paragraphs, **layout).pdf()


def typeset(
    paragraphs: Sequence[str],
    *,
    header: str | None = None,
    doc_number: str | None = None,
    title: str | None = None,
    addressee: str | None = None,
    signature: Sequence[str] = (),
    running_header: str | None = None,
    page_number: str = "— {n} —",
    chars_per_line: int = 28,
    lines_per_page: int = 22,
    info: dict[str, str] | None = None,
    compress: bool = True,
    font: CIDFont | Sequence[CIDFont] = STSONG,
) -> Typeset:
    """Lay out a notice the GB/T 9704 way.

    ``header`` is the red banner text ("湖南省人民政府文件"), ``doc_number`` the 文号 line under it,
    ``title`` the title block (centred lines of at most 18 characters; "\n" forces a break),
    ``addressee`` the 主送 line (flush left), ``paragraphs`` the body (each indented two characters,
    wrapped at ``chars_per_line``), ``signature`` the lines under the body (issuer, date:
    right-aligned, four characters from the margin). ``page_number`` is a format with ``{n}``;
    "" for none. ``info`` fills the document information dictionary (Title, Author…). ``font``
    declares the font (see ``CIDFont``); a sequence of fonts sets the pages in turn, the last one
    repeating.
    """
    left = (PAGE_W - chars_per_line * BODY_SIZE) / 2
    right = left + chars_per_line * BODY_SIZE
    bottom_limit = TOP - lines_per_page * LINE_PITCH
    pages: list[_Page] = [_Page([], [])]
    starts: list[tuple[str, int]] = []
    y = TOP - BODY_SIZE  # baseline of the next body line

    def centred(text: str, size: float, y: float, red: bool = False) -> _Glyphs:
        w = sum(_width(c) for c in text) * size
        return _Glyphs(text, (PAGE_W - w) / 2, y, size, red)

    # 版头: banner, 文号, red rule; then the title block
    if header:
        pages[0].lines.append(centred(header, BANNER_SIZE, TOP - BANNER_SIZE, red=True))
        y = TOP - BANNER_SIZE - 2 * LINE_PITCH
    if doc_number:
        pages[0].lines.append(centred(doc_number, BODY_SIZE, y))
        y -= 0.6 * LINE_PITCH
    if header:
        pages[0].rules.append((left, right, y))
        y -= 2 * LINE_PITCH
    if title:
        for t in title_lines(title):
            pages[0].lines.append(centred(t, TITLE_SIZE, y))
            y -= 1.4 * TITLE_SIZE
        y -= LINE_PITCH  # one blank line under the title

    def new_page() -> float:
        pages.append(_Page([], []))
        return TOP - BODY_SIZE

    def set_paragraph(text: str, indent_em: float, y: float) -> float:
        rest = text
        first = True
        while rest:
            x = left + (indent_em if first else 0) * BODY_SIZE
            line, rest = wrap_line(rest, chars_per_line - (indent_em if first else 0))
            if y < bottom_limit:
                y = new_page()
            if first:
                starts.append((text, len(pages)))
            glyphs = _Glyphs(line, x, y, BODY_SIZE)
            if rest and len(line) > 1:  # justify a line shortened by kinsoku
                slack = right - x - sum(_width(c) for c in line) * BODY_SIZE
                glyphs.char_spacing = slack / (len(line) - 1)
            pages[-1].lines.append(glyphs)
            y -= LINE_PITCH
            first = False
        return y

    if addressee:
        y = set_paragraph(addressee, 0, y)
    for p in paragraphs:
        y = set_paragraph(p, 2, y)
    if signature:
        y -= LINE_PITCH  # a blank line before the signature
        for s in signature:
            if y < bottom_limit:
                y = new_page()
            w = sum(_width(c) for c in s) * BODY_SIZE
            pages[-1].lines.append(_Glyphs(s, right - 4 * BODY_SIZE - w, y, BODY_SIZE))
            starts.append((s, len(pages)))
            y -= LINE_PITCH

    for n, page in enumerate(pages, start=1):
        if running_header:
            page.lines.append(centred(running_header, RUNNING_HEADER_SIZE, PAGE_H - 50))
        if page_number:
            text = page_number.format(n=n)
            w = sum(_width(c) for c in text) * PAGE_NUMBER_SIZE
            x = right - BODY_SIZE - w if n % 2 else left + BODY_SIZE  # odd right, even left
            page.lines.append(_Glyphs(text, x, bottom_limit - 1.5 * LINE_PITCH, PAGE_NUMBER_SIZE))
    fonts = (font,) if isinstance(font, CIDFont) else tuple(font)
    return Typeset(pages, starts, info or {}, compress, fonts)


def title_lines(title: str, most: int = 18) -> list[str]:
    """Break a title into balanced lines of at most ``most`` characters, never before closing
    punctuation nor inside a Latin word or number; "\n" in ``title`` gives the breaks instead."""
    if "\n" in title:
        return [t for t in title.split("\n") if t]
    n = -(-len(title) // most)
    size = -(-len(title) // n)
    out, rest = [], title
    while rest:
        cut = min(size, len(rest))
        # never before closing punctuation, never inside a Latin word or number ("5G")
        while 0 < cut < len(rest) and (rest[cut] in NO_LINE_START or (rest[cut].isascii() and rest[cut - 1].isascii())):
            cut += 1
        out.append(rest[:cut])
        rest = rest[cut:]
    return out


def _content(page: _Page, codes=None) -> bytes:
    ops: list[bytes] = []
    for x0, x1, y in page.rules:
        ops.append(b"q 1 0 0 RG 1.5 w %.2f %.2f m %.2f %.2f l S Q" % (x0, y, x1, y))
    for g in page.lines:
        colour = b"1 0 0 rg" if g.red else b"0 0 0 rg"
        ops.append(
            b"BT %s /F1 %.1f Tf %.3f Tc 1 0 0 1 %.2f %.2f Tm %s Tj ET"
            % (colour, g.size, g.char_spacing, g.x, g.y, _encode(g.text) if codes is None else _hex(codes(g.text)))
        )
    return b"\n".join(ops)


def _hex(codes: bytes) -> bytes:
    return b"<" + codes.hex().upper().encode() + b">"


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with BOM, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _write_pdf(
    contents: list[bytes],
    info: dict[str, str],
    compress: bool,
    page_fonts: Sequence[CIDFont] = (),
    page_texts: Sequence[Sequence[str]] = (),
) -> bytes:
    """Serialise pages (one content stream each) sharing one CID font, with xref and trailer.
    ``page_fonts`` (with the texts each page shows) gives pages their own fonts instead: one
    Type0 font and CIDFont pair per distinct font, after the pages, sharing the descriptor."""
    n = len(contents)
    # objects: 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 info, then page/content pairs
    first_page = 7
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        _CID_FONT % 4,
        _CID_DESCENDANT % 5,
        _FONT_DESCRIPTOR,
        b"<< " + b" ".join(b"/%s %s" % (k.encode(), _pdf_string(v)) for k, v in info.items()) + b" >>",
    ]
    font_obj: dict[CIDFont, int] = {}
    for f in page_fonts:  # numbered after the pages
        font_obj.setdefault(f, first_page + 2 * n + 2 * len(font_obj))
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, font_obj[page_fonts[i]] if page_fonts else 3, first_page + 2 * i + 1)
        )
        objects.append(_stream(content, compress))
    for f, number in font_obj.items():
        texts = [t for fo, ts in zip(page_fonts, page_texts) if fo == f for t in ts]
        objects.extend(f.font_objects(number + 1, 5, texts))
    return serialise_pdf(objects, root=1, info=6)


def _stream(data: bytes, compress: bool, dictionary: bytes = b"") -> bytes:
    if compress:
        data = zlib.compress(data)
        dictionary += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def serialise_pdf(objects: list[bytes], root: int, info: int | None = None) -> bytes:
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    info_ref = b" /Info %d 0 R" % info if info else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, info_ref, xref,
    )
    return bytes(out)


def pdf_for(notice: Notice, **layout) -> bytes:
    """``notice`` as its 政府文件 PDF: banner "<issuer>文件", 文号, title, body, signature, and the
    bulletin's running header on every page. ``layout`` overrides ``typeset``'s options."""
    return typeset_for(notice, **layout).pdf()


def typeset_for(notice: Notice, **layout) -> Typeset:
    kw = dict(
        header=f"{notice.issuer}文件",
        doc_number=notice.doc_number,
        title="\n".join(notice.title_lines) or notice.title,
        addressee=notice.addressee,
        signature=(notice.signature, notice.date),
        running_header=notice.bulletin,
        info={"Title": f"Microsoft Word - {notice.doc_number}.doc", "Author": "Administrator"},
    )
    kw.update(layout)
    return typeset(notice.paragraphs, **kw)


def corrupt_pdf(notice: Notice = JIANGXI, keep: float = 0.6) -> bytes:
    """A truncated download: the first ``keep`` share of a good PDF (no xref, no trailer)."""
    data = pdf_for(notice)
    return data[: int(len(data) * keep)]


def scanned_pdf(width: int = 62, height: int = 88) -> bytes:
    """A one-page "scan": a grey image over the whole page and no text at all."""
    pixels = bytes((200 + (x * 7 + y * 13) % 50) for y in range(height) for x in range(width))
    image = _stream(
        pixels, True,
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        % (width, height),
    )
    content = _stream(b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (PAGE_W, PAGE_H), True)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 5 0 R >> >> "
        b"/Contents 4 0 R >>" % (PAGE_W, PAGE_H),
        content,
        image,
    ]
    return serialise_pdf(objects, root=1)
