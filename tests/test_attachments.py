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
