"""Outline (heading paths), sentence splitting and clause frames."""
from __future__ import annotations

from pipelines.clauses import clause_frame
from pipelines.model import Paragraph, ParsedNotice
from pipelines.outline import heading_marker, outline, sentence_spans
from pipelines.textnorm import join_wrapped_lines, normalize_text


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_heading_markers_in_the_gbt_9704_hierarchy():
    assert heading_marker("一、总体要求") == (1, "一、")
    assert heading_marker("（三）推进重大基础设施一体化建设。") == (2, "（三）")
    assert heading_marker("(二)战略定位。") == (2, "(二)")
    assert heading_marker("7.共建现代化综合交通运输体系。") == (3, "7.")
    assert heading_marker("（1）加快推进") == (4, "（1）")
    assert heading_marker("第二章 总则") is not None and heading_marker("第二章 总则")[0] == 0
    # Not headings: a year, a decimal, ordinary text.
    assert heading_marker("2020年底前完成") is None
    assert heading_marker("1.5万亿元投资") is None
    assert heading_marker("一是加强协调") is None


def test_sentences_split_outside_brackets_and_quotes():
    text = "推进合作（含“一带一路”建设。以及港澳）。坚持“政府引导；统筹推进”的原则；加强协调！完成了吗？"
    assert split(text) == [
        "推进合作（含“一带一路”建设。以及港澳）。",
        "坚持“政府引导；统筹推进”的原则；",
        "加强协调！",
        "完成了吗？",
    ]


def test_quoted_sentence_is_not_split_and_trailing_closers_stay():
    assert split("他说：“要加快建设。”然后离开。") == ["他说：“要加快建设。”然后离开。"]
    # A terminator followed by a stray closer keeps the closer with its sentence.
    assert split("加快建设。）推进合作。") == ["加快建设。）", "推进合作。"]


def test_unbalanced_bracket_does_not_swallow_the_paragraph():
    assert split("（一）加快建设。推进合作。（省发展改革委牵头") == ["（一）加快建设。", "推进合作。", "（省发展改革委牵头"]


def test_half_width_terminators_split_too():
    assert split("加快建设;推进合作.继续") == ["加快建设;", "推进合作.继续"]


def test_outline_builds_heading_paths_and_pops_levels():
    paras = [
        Paragraph("二、主要任务"),
        Paragraph("（三）推进重大基础设施一体化建设。"),
        Paragraph("7.共建现代化综合交通运输体系。加快建设铁路。"),
        Paragraph("8.完善能源网络。"),
        Paragraph("（四）加强产业合作。推进。"),
        Paragraph("三、保障措施"),
    ]
    blocks = outline(paras)
    assert blocks[2].heading_path == ("二、主要任务", "（三）推进重大基础设施一体化建设", "7.共建现代化综合交通运输体系")
    assert blocks[3].heading_path[-1] == "8.完善能源网络"
    assert blocks[4].heading_path == ("二、主要任务", "（四）加强产业合作")
    assert blocks[5].heading_path == ("三、保障措施",)


def test_the_attachment_list_after_the_body_is_not_part_of_the_outline():
    # 国家药监局2023年第36号通告: its three items, then the 附件说明 of two attachments.
    nmpa = outline([Paragraph(t) for t in (
        "三、国家药品监督管理局要求相关省级药品监督管理部门依据《中华人民共和国药品管理法》，组织对上述企业和单位存在的涉嫌违法行为立案调查，并按规定公开查处结果。",
        "特此通告。",
        "附件：1. 14批次不符合规定药品名单",
        "2. 不符合规定项目的小知识",
        "国家药监局",
        "2023年8月15日",
    )])
    assert [b.level for b in nmpa] == [1, None, None, None, None, None]
    assert nmpa[3].heading_path == (nmpa[0].title,)  # the names sit under item 三, not under a "2." of their own
    # A list set one name a line after a bare 附件：, a long name wrapped onto a line of its own
    # (西安未央城市建设集团's house style); after the signature the attached text's own items count again.
    weiyang = outline([Paragraph(t) for t in (
        "附件：", "1.西安未央城市建设集团有限公司公文行文", "规范性格式模板", "2.西安未央城市建设集团有限公司公文用纸、",
        "字体字号及页边距对照表", "西安未央城市建设集团有限公司", "附件1", "一、行文规则", "1.行文应当确有必要，讲求实效。",
    )])
    assert [b.level for b in weiyang] == [None, None, None, None, None, None, None, 1, 3]
    # One attachment, written on the 附件 line (大洼区人民政府办公室): the numbered items above stay items.
    dawa = outline([Paragraph(t) for t in (
        "1.明確任務，壓實責任。各牽頭單位要緊密結合工作實際。", "2.統籌協調，合力攻堅。各相關單位要加強配合。",
        "附件:《政府工作报告》任务分解表", "3.这一行不是附件的名称。",
    )])
    assert [b.level for b in dawa] == [3, 3, None, 3]


def test_clause_frame_offsets_point_at_the_text_and_repeats_are_flagged():
    paras = [
        Paragraph("一、总体要求", page=1),
        Paragraph("加快推进粤港澳大湾区建设。深化泛珠三角区域合作。", page=1),
        Paragraph("加快推进粤港澳大湾区建设。", page=2),
    ]
    notice = ParsedNotice("pdf", paras)
    frame = clause_frame("doc", notice)
    full = notice.full_text
    for row in frame.iter_rows(named=True):
        assert full[row["char_start"] : row["char_end"]] == row["text"]
    assert frame["clause_id"].to_list() == [f"doc/c{i:04d}" for i in range(4)]
    assert frame["is_repeat"].to_list() == [False, False, False, True]
    assert frame["page"].to_list() == [1, 1, 1, 2]
    assert frame["is_heading"].to_list() == [True, False, False, False]
    assert frame["heading_path"][1] == "一、总体要求"


def test_clause_ids_are_stable_across_runs():
    notice = ParsedNotice("html", [Paragraph("一、甲。乙。"), Paragraph("丙。")])
    assert clause_frame("x", notice).equals(clause_frame("x", notice))


def test_normalisation_keeps_meaningful_compatibility_characters():
    assert normalize_text("（省發展改革委牵头）") == "(省发展改革委牵头)"
    assert normalize_text("２０２０年 达到 80％") == "2020年达到80%"
    assert normalize_text("PM₂.₅浓度 10㎡ ①") == "PM₂.₅浓度10㎡ ①"


def test_wrapped_lines_rejoin_without_spaces_between_cjk():
    assert join_wrapped_lines(["为深入贯彻落实《国务院关于深化泛珠三角区域合作的指导", "意见》(国发〔2016〕18号)"]) == (
        "为深入贯彻落实《国务院关于深化泛珠三角区域合作的指导意见》(国发〔2016〕18号)"
    )
    assert join_wrapped_lines(["Hong", "Kong"]) == "Hong Kong"


def test_clauses_take_their_own_page_when_a_paragraph_turns_the_page():
    text = "第一句在第三页。第二句跨到第四页。第三句在第四页。"
    turn = text.index("第四页") - 2  # the page turns inside the second sentence
    notice = ParsedNotice("pdf", [Paragraph(text, page=3, page_breaks=(turn,))])
    frame = clause_frame("doc", notice)
    assert frame["page"].to_list() == [3, 3, 4]  # a clause's page is where it starts
    assert Paragraph(text, 3, (turn,)).page_at(turn) == 4
    assert Paragraph(text, None, ()).page_at(5) is None
