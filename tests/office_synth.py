"""Attachments written for the tests: a task table (附件：重点任务分工表) as DOCX, XLSX, an HTML
table, a ruled PDF table over two pages; an OFD notice built by hand (GB/T 33190); a ZIP of them.

The table is invented but in the genre; what it assigns is written out by hand in ``EXPECTED``
(not computed from the cells), so a reader that carries a merged cell wrongly fails.
"""
from __future__ import annotations

import io
import zipfile
from html import escape

import synth

TITLE = "广东省综合交通重点任务分工表"
HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
HEADER_TRADITIONAL = ["序號", "重點任務", "牽頭單位", "配合單位", "完成時限"]
# None: covered by the 牵头单位 cell above (merged over rows 2-4).
ROWS = [
    ["1", "编制全省综合立体交通网规划", "省发展改革委", "省交通运输厅、省自然资源厅", "2024年6月底前"],
    ["2", "加快推进高速铁路建设", "省发展改革委", "省交通运输厅、中国铁路广州局集团有限公司", "2025年底前"],
    ["3", "推进城际铁路与城市轨道交通融合发展", None, "省住房城乡建设厅，各地级以上市人民政府", "持续推进"],
    ["4", "完善铁路枢纽集疏运体系", None, "省交通运输厅", "2025年底前"],
    ["5", "建立重点项目用地保障机制", "省自然资源厅", "省发展改革委、省财政厅", "2024年底前"],
]
MERGED_LEAD = (1, 3)  # ROWS indices the lead cell of row 2 spans (inclusive)

# What the table assigns, written by hand.
EXPECTED = [
    {"seq": "1", "task": "编制全省综合立体交通网规划", "lead": ["省发展改革委"],
     "co": ["省交通运输厅", "省自然资源厅"], "deadline": "2024年6月底前"},
    {"seq": "2", "task": "加快推进高速铁路建设", "lead": ["省发展改革委"],
     "co": ["省交通运输厅", "中国铁路广州局集团有限公司"], "deadline": "2025年底前"},
    {"seq": "3", "task": "推进城际铁路与城市轨道交通融合发展", "lead": ["省发展改革委"],
     "co": ["省住房城乡建设厅", "各地级以上市人民政府"], "deadline": "持续推进"},
    {"seq": "4", "task": "完善铁路枢纽集疏运体系", "lead": ["省发展改革委"],
     "co": ["省交通运输厅"], "deadline": "2025年底前"},
    {"seq": "5", "task": "建立重点项目用地保障机制", "lead": ["省自然资源厅"],
     "co": ["省发展改革委", "省财政厅"], "deadline": "2024年底前"},
]


def essentials(tasks: list[dict]) -> list[dict]:
    """The hand-checkable part of task_rows' output."""
    return [{k: t[k] for k in ("seq", "task", "lead", "co", "deadline")} for t in tasks]


# --- DOCX ------------------------------------------------------------------------------------------

def task_docx(header: list[str] = HEADER) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "附件1"
    d.add_paragraph("附件1")
    d.add_paragraph(TITLE)
    table = d.add_table(rows=1 + len(ROWS), cols=len(header))
    for c, h in enumerate(header):
        table.cell(0, c).text = h
    for r, row in enumerate(ROWS, start=1):
        for c, text in enumerate(row):
            if text is not None:
                table.cell(r, c).text = text
    top, bottom = MERGED_LEAD
    merged = table.cell(top + 1, 2).merge(table.cell(bottom + 1, 2))
    merged.text = ROWS[top][2]  # merge() joins the cells' paragraphs; keep one
    d.add_paragraph("各牵头单位要于每年12月底前将进展情况报省发展改革委。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --- XLSX ------------------------------------------------------------------------------------------

def task_xlsx(header: list[str] = HEADER_TRADITIONAL) -> bytes:
    """Title row merged over A1:E1, the header in Traditional characters, the lead merged C4:C6."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分工表"
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in ROWS:
        sheet.append(row)
    top, bottom = MERGED_LEAD
    sheet.merge_cells(start_row=top + 3, start_column=3, end_row=bottom + 3, end_column=3)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --- HTML ------------------------------------------------------------------------------------------

def task_table_html() -> str:
    top, bottom = MERGED_LEAD
    rows = [f"<tr><td colspan=\"5\">{TITLE}</td></tr>", "<tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"]
    for r, row in enumerate(ROWS):
        cells = []
        for c, text in enumerate(row):
            if text is None:
                continue
            span = f' rowspan="{bottom - top + 1}"' if (r, c) == (top, 2) else ""
            cells.append(f"<td{span}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table border=\"1\">" + "".join(rows) + "</table>"


def notice_page_html() -> bytes:
    """A notice page linking its attachments, with the task table inline too."""
    body = (
        "<p>各地级以上市人民政府，省政府各部门：</p><p>现将重点任务分工表印发给你们，请认真贯彻执行。</p>"
        + task_table_html()
        + '<p>附件：<a href="fj1.docx">1.重点任务分工表</a> <a href="fj2.xlsx">2.重点任务分工表（表格）</a>'
        ' <a href="fj3.pdf">3.重点任务分工表（PDF）</a></p>'
    )
    return (f"<html><head><meta charset=\"utf-8\"><title>关于印发{TITLE}的通知</title></head>"
            f"<body><div id=\"zoom\">{body}</div></body></html>").encode("utf-8")


# --- PDF: a ruled table over two pages -------------------------------------------------------------

_COL_W = (40, 170, 90, 150, 80)  # points
_ROW_H = 44
_X0, _TOP = 40, 780
_FONT = 10.5


def _cell_text(x: float, y_top: float, w: float, text: str) -> list[bytes]:
    """Text in a cell, wrapped to its width, from its top."""
    per_line = max(1, int((w - 6) // _FONT))
    lines = [text[i : i + per_line] for i in range(0, len(text), per_line)]
    return [
        b"BT /F1 %.1f Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET" % (_FONT, x + 3, y_top - 14 - k * (_FONT + 3), synth._encode(ln))
        for k, ln in enumerate(lines)
    ]


def _ruled_page(rows: list[list[str | None]], title: str | None) -> bytes:
    """One page: ``rows`` (the header first) ruled; a None cell continues the merged cell above."""
    ops: list[bytes] = []
    top = _TOP
    if title:
        ops.append(b"BT /F1 16 Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET" % (150, top, synth._encode(title)))
        top -= 30
    xs = [_X0]
    for w in _COL_W:
        xs.append(xs[-1] + w)
    bottom = top - _ROW_H * len(rows)
    for c, x in enumerate(xs):  # vertical rules, full height
        ops.append(b"0.8 w %.2f %.2f m %.2f %.2f l S" % (x, top, x, bottom))
    for r in range(len(rows) + 1):  # horizontal rules, broken where a merged cell continues below
        y = top - _ROW_H * r
        for c in range(len(_COL_W)):
            below = rows[r][c] if r < len(rows) else ""
            if r and r < len(rows) and below is None:
                continue
            ops.append(b"0.8 w %.2f %.2f m %.2f %.2f l S" % (xs[c], y, xs[c + 1], y))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                ops += _cell_text(xs[c], top - _ROW_H * r, _COL_W[c], text)
    return b"\n".join(ops)


def task_table_pdf() -> bytes:
    """附件 title and the table's header and rows 1-4 on page 1 (lead merged over rows 2-4), the
    header repeated and row 5 on page 2."""
    pages = [_ruled_page([HEADER, *ROWS[:4]], TITLE), _ruled_page([HEADER, ROWS[4]], None)]
    return synth._write_pdf(pages, {"Title": TITLE}, compress=True)


# --- OFD (GB/T 33190), written by hand -------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"
OFD_TITLE = "广东省人民政府关于加快综合交通建设的通知"
OFD_LINES = [  # (text, x mm, size mm); one line each, y follows
    (OFD_TITLE, 25, 7.0),
    ("粤府〔2024〕8号", 80, 5.6),
    ("各地级以上市人民政府，省政府各部门：", 25, 5.6),
    ("一、加快高速铁路建设。推进广湛高铁建设，2025年底前建成通车（省发展改革委牵头，", 36.2, 5.6),
    ("省交通运输厅配合）。", 25, 5.6),
    ("二、完善综合交通枢纽。建设广州、深圳国际性综合交通枢纽（省交通运输厅牵头）。", 36.2, 5.6),
    ("广东省人民政府", 130, 5.6),
    ("2024年3月1日", 130, 5.6),
]
# The same notice as the OFD reader should give it, by hand: title and 文号 lines, 主送, two items
# (the first wraps onto a second line and is one paragraph), signature and date.
OFD_PARAGRAPHS = [
    OFD_TITLE,
    "粤府〔2024〕8号",
    "各地级以上市人民政府，省政府各部门：",
    "一、加快高速铁路建设。推进广湛高铁建设，2025年底前建成通车（省发展改革委牵头，省交通运输厅配合）。",
    "二、完善综合交通枢纽。建设广州、深圳国际性综合交通枢纽（省交通运输厅牵头）。",
    "广东省人民政府",
    "2024年3月1日",
]


def _ofd_page(lines: list[tuple[str, float, float]], first_id: int) -> str:
    objs, y, oid = [], 30.0, first_id
    for text, x, size in lines:
        width = len(text) * size
        objs.append(
            f'<ofd:TextObject ID="{oid}" Boundary="{x} {y - size} {width + size} {size * 1.5}" Font="3" Size="{size}">'
            f'<ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{size}" DeltaX="g {len(text) - 1} {size}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
        )
        y += size * 1.8
        oid += 1
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
        f'<ofd:Layer ID="{first_id - 1}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def notice_ofd(pages: int = 2) -> bytes:
    """The OFD notice: the first five lines on page 1, the rest on page 2 (``pages=1``: all on one)."""
    split = 5 if pages == 2 else len(OFD_LINES)
    page_lines = [OFD_LINES[:split], OFD_LINES[split:]] if pages == 2 else [OFD_LINES]
    files = {
        "OFD.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
            f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f2c0c2a</ofd:DocID><ofd:Title>{OFD_TITLE}</ofd:Title>"
            "<ofd:Author>广东省人民政府办公厅</ofd:Author><ofd:CreationDate>2024-03-01</ofd:CreationDate></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
            "<ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
            + "".join(f'<ofd:Page ID="{10 + k}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(page_lines)))
            + "</ofd:Pages></ofd:Document>"
        ),
        "Doc_0/PublicRes.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
        ),
    }
    for k, lines in enumerate(page_lines):
        files[f"Doc_0/Pages/Page_{k}/Content.xml"] = _ofd_page(lines, 20 + 20 * k)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


# --- ZIP -------------------------------------------------------------------------------------------

def attachments_zip(gbk_names: bool = True) -> bytes:
    """附件.zip: the DOCX, the XLSX and the PDF, named as a Chinese Windows archiver names them (GBK,
    no UTF-8 flag)."""
    members = {"附件1：重点任务分工表.docx": task_docx(), "附件2：重点任务分工表.xlsx": task_xlsx(),
               "附件3：重点任务分工表.pdf": task_table_pdf()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = (_GbkName if gbk_names else zipfile.ZipInfo)(name, date_time=(2024, 3, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


class _GbkName(zipfile.ZipInfo):
    """A member whose name is written in GBK without the UTF-8 flag (zipfile itself would write UTF-8)."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gb18030"), self.flag_bits


# --- an indicator table ----------------------------------------------------------------------------

INDICATOR_HEADER = ["类别", "指标", "单位", "2020年（基期）", "2025年（目标）", "属性"]
INDICATOR_ROWS = [
    ["交通", "高速铁路营业里程", "公里", "2065", "3500", "预期性"],
    [None, "城市轨道交通运营里程", "公里", "1100", "1700以上", "预期性"],  # 交通 merged down
    ["服务", "港口集装箱吞吐量", "万标箱", "", "8000", "预期性"],
    [None, "群众满意度", "", "", "显著提升", "预期性"],
]
# By hand: (metric, target year, value, unit, comparator, base year).
EXPECTED_TARGETS = [
    ("高速铁路营业里程", 2025, 3500.0, "公里", "=", 2020),
    ("城市轨道交通运营里程", 2025, 1700.0, "公里", "≥", 2020),
    ("港口集装箱吞吐量", 2025, 8000.0, "万标箱", "=", None),
]


def indicator_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("附件2")
    d.add_paragraph("“十四五”综合交通主要指标")
    table = d.add_table(rows=1 + len(INDICATOR_ROWS), cols=len(INDICATOR_HEADER))
    for c, h in enumerate(INDICATOR_HEADER):
        table.cell(0, c).text = h
    for r, row in enumerate(INDICATOR_ROWS, start=1):
        for c, text in enumerate(row):
            if text is not None:
                table.cell(r, c).text = text
    for top in (1, 3):  # 类别 merged over two rows each
        table.cell(top, 0).merge(table.cell(top + 1, 0)).text = INDICATOR_ROWS[top - 1][0]
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
