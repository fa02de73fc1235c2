"""Attachment links of a notice page: which links are attachments, their absolute URLs and titles."""
from __future__ import annotations

import office_synth as office

from pipelines.parse.attachments import Attachment, attachment_links

BASE = "https://www.gd.gov.cn/zwgk/wjk/qbwj/yf/content/post_1.html"


def test_the_notice_page_links_its_three_attachments():
    got = attachment_links(office.notice_page_html(), BASE)
    assert got == [
        Attachment("https://www.gd.gov.cn/zwgk/wjk/qbwj/yf/content/fj1.docx", "1.重点任务分工表", ".docx"),
        Attachment("https://www.gd.gov.cn/zwgk/wjk/qbwj/yf/content/fj2.xlsx", "2.重点任务分工表（表格）", ".xlsx"),
        Attachment("https://www.gd.gov.cn/zwgk/wjk/qbwj/yf/content/fj3.pdf", "3.重点任务分工表（PDF）", ".pdf"),
    ]


def test_links_that_are_not_attachments_are_left_out_and_generic_texts_take_the_label():
    page = (
        '<html><body><div id="zoom"><p>正文。</p>'
        '<p><a href="/index.html">首页</a> <a href="post_2.html">附件：上一篇</a> <a href="#top">顶部</a></p>'
        '<p>附件1：广东省重点任务分工表 <a href="/attach/0/AB12.DOCX">下载</a></p>'
        '<p><a href="/cms/download.jsp?file=%E9%99%84%E4%BB%B6.ofd&amp;id=7">附件2：实施细则</a></p>'
        '<p><a href="/attach/0/AB12.DOCX">重复的链接</a> <a href="fj.zip">附件.zip</a></p>'
        "</div></body></html>"
    )
    got = attachment_links(page, BASE)
    assert [(a.url.rsplit("/", 1)[-1], a.title, a.extension) for a in got] == [
        ("AB12.DOCX", "附件1：广东省重点任务分工表", ".docx"),
        ("download.jsp?file=%E9%99%84%E4%BB%B6.ofd&id=7", "附件2：实施细则", ".ofd"),
        ("fj.zip", "附件.zip", ".zip"),
    ]


def test_file_links_in_the_page_chrome_are_not_the_notices_unless_they_say_附件():
    # A TRS-style page: the guide and the annual report are the site's, in its header and footer;
    # the notice's own attachment sits in the article, and one labelled 附件 in a sidebar is kept.
    page = (
        '<html><body><div class="top-nav"><a href="/xxgk/zn.pdf">政府信息公开指南</a></div>'
        '<div class="article-content"><p>现将实施方案印发给你们。</p>'
        '<p><a href="/attach/fj1.pdf">湖南省实施方案.pdf</a></p></div>'
        '<div class="side_bar"><a href="/attach/fj2.xls">附件2：项目清单</a></div>'
        '<footer><a href="/wzgl/ndbb.xls">网站工作年度报表</a></footer></body></html>'
    )
    got = attachment_links(page, BASE)
    assert [a.url.rsplit("/", 1)[-1] for a in got] == ["fj1.pdf", "fj2.xls"]


def test_the_quick_look_passes_every_page_that_may_link_a_file_and_skips_the_rest():
    from pipelines.parse.attachments import may_link_files

    linking = [office.notice_page_html(), '<a href="/A/FJ1.PDF">实施方案</a>'.encode("gb18030"),
               '<a href="x.doc">方案</a>'.encode("utf-16")]
    for page in linking:
        assert may_link_files(page) and attachment_links(page, BASE), page[:40]
    # A 附件 label in GBK or Big5 (the link may be a download script without an extension).
    assert may_link_files("<p>附件：项目清单</p>".encode("gb18030")) and may_link_files("<p>附件：項目清單</p>".encode("big5"))
    assert not may_link_files("<p>各地级以上市人民政府：现将方案印发给你们。</p>".encode("gb18030"))
