"""Responsibility stated in running text rather than in a bracketed note.

Notices also assign work in the sentence itself: ``由市发改委牵头负责``, ``财政部要会同发展改革委、
工业和信息化部等部门，…``, ``国家药监局负责…``, ``国家医保局承担制定试点方案…的职责``, ``民政、公安等部门
要积极配合``. A prose note is such a clause: an agency list (after 由 / 请, or opening its phrase),
at most a short adverbial (要, 在职责范围内，, 依照职业标准), and a responsibility verb (会同, 牵头, 负责,
负总责, 承担…工作/职责, 配合). Other verbs (由财政部门拨付, 由国务院另行制定) assign no responsibility
and make no note; neither does a list of generic groups only (各有关部门要…).

``find_prose_notes`` works on the matching view of a paragraph (see ``_textview``) and returns,
for each note, its span and a copy of its text in which the adverbial is blanked out and the verb
written as the note grammar knows it (承担 → 负责), of the same length, so ``read_note`` reads
the agencies and their roles with offsets that still point into the paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.outline import sentence_spans

# The responsibility verbs, and how the note grammar (agencies.read_note) is to read each.
_VERB = re.compile(
    r"(?P<verb>会同|分别负责|具体负责|牵头负责|负总责|负责|牵头|承担|密切配合|积极配合|紧密配合|配合|履行主体责任)"
)
_AS_GRAMMAR = {"承担": "负责", "履行主体责任": "负责", "密切配合": "配合", "积极配合": "配合", "紧密配合": "配合"}
# Not a verb here: 负责同志 / 负责人 / …负责的…, 牵头单位 / 牵头作用, 配合单位, 会同… is always a verb.
_NOT_VERB_AFTER = re.compile(r"(?:同志|人|的|任|单位|部门|领导|作用|抓总|机制)")  # used with match(text, pos)
_NOT_VERB_BEFORE = re.compile(r"(?:主要|分管|的|作为|高度|认真|双重|共同)$")
# 承担 makes a note only with the work it takes on: 承担…工作 / 职责 / 任务.
_TAKES_ON = re.compile(r"[^，,。；;]{0,30}?(?:工作|职责|任务)")
# Agency names end like these (部门 and 单位 also close a list: 民政、公安等部门).
_FINAL = (
    r"(?:部门|单位|机关|机构|办公厅|办公室|委员会|人民政府|政府|小组|中心|集团|公司|[银分支]行|法院|检察院|海关|"
    r"(?:协|工|商|联合|学|红十字|监)会|(?:科|侨|文|妇|残|工商)联|科协|(?:管理|研究|事务|设计|派出)所|部|委|局|厅|办|院|署|室|府)"
)
# An agency name: the longest run of characters ending like one, without a verb or a modal inside
# (财政部要会同… → 财政部; 国家组织药品集中采购和使用试点工作小组办公室要… → the whole office).
_FORBID = (
    r"要|应(?!急)|须|由|会同|负责|牵头|配合|承担|履行|依照|按照|根据|在|对|等|、|及|与|或|的|，|,"
    r"|研究|提出|继续|探索|制定|(?<!国家)组织|开展|推进|加强|建立|完善|抓紧|进一步|成立|设立|组建|设置|若干|分领域"
)
_ITEM_HEAD = rf"(?:(?!{_FORBID})[\u4e00-\u9fff()（）]){{0,30}}"
_ITEM = _ITEM_HEAD + _FINAL
_LIST = re.compile(
    rf"(?:(?P<lead>由|请))?"
    rf"(?P<list>{_ITEM}(?:[、和及与]{_ITEM})*(?:等(?:有关|相关)?(?:部门|单位))?"
    rf"|[\u4e00-\u9fff]{{2,6}}(?:、[\u4e00-\u9fff]{{2,6}})+(?:等(?:有关|相关)?)?(?:部门|单位))"
)
# A list of generic groups only names no one: 各有关部门, 有关方面, 各地区.
_GENERIC_ITEM = re.compile(
    r"^(?:各|各级|有关|相关|其他|其它|地方|同级|等|责任|牵头|配合|协办|成员)*(?:部门|单位|方面|地区|地方|机构)$"
)


def _is_generic(names: str) -> bool:
    """各有关部门, 各地区、各有关部门, 各责任单位: groups only, no one named."""
    items = [i for i in re.split("[、和及]", names) if i]
    return bool(items) and all(_GENERIC_ITEM.match(i) for i in items)
# What may open the phrase before its agency list: an outline marker, a connective.
_OPENERS = re.compile(
    r"(?:第[一二三四五六七八九十百零〇\d]+条|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+[、.]|\d{1,2}[.、])?"
    r"(?:其中|同时|此外|另外|对此|为此)?"
)
# Not an agency: a phrase that starts with a verb or names people (温家宝总理率…, 专人).
_NOT_AGENCY = re.compile(
    r"^(?:协助|加强|推进|建立|完善|明确|明晰|实行|组织|开展|支持|鼓励|引导|做好|搞好|落实|推动|加快|强化|健全|"
    r"指导|督促|协调(?!委|小组|办公室)|统筹|研究|制定|实施|执行|贯彻|指定|并|将|经|以|把|对|和|与|及)"
    r"|实行|执行|进行|总理|主席|书记|省长|市长|部长|主任|同志|领导|负责人|专人|人员"
)
# What may stand between the agencies and the verb: not past or reported work (正在, 已, 表示), not people.
_NOT_IN_GAP = re.compile(r"正在|已经|已|了|曾|表示|专人|专门|人员|一位|一名|省长|市长|部长|主任|领导|同志")
# Work reported rather than assigned (a reply: 发展改革委会同水利部研究提出了办理意见).
_REPORTED = re.compile(r"[^，,。；;]{0,20}?(?:了|已经)")
# Work a body says it will do (a reply's 国办将会同有关部门…, 将由信息产业部牵头, …会同有关部门将在…):
# an intention, not an assignment. (将 as 把 takes an object: 负责将项目纳入… stays.)
# 发展改革委会同西部开发办上报的《…》: the 会同 of an attribute (…上报的), not an assignment.
_ATTRIBUTE_AFTER = re.compile(r"[^，,。；;《]{0,8}?的《")
_INTENDED_AFTER = re.compile(r"将(?:在|于|继续|进一步|适时|抓紧|加快|研究|组织|根据|按照|会同|对)")
_MAX_GAP = 40  # characters between the agency list and the verb (要, 在职责范围内，, 对…)
_OFFICE_SET_IN = re.compile(rf"(?P<list>{_ITEM_HEAD}(?:办公室|小组|秘书处|工作专班))设在")
# Set phrases that may stand, each its own phrase, between the agencies and 配合 / 负责.
_SET_PHRASES = re.compile(r"(?:各司其职|各负其责|各尽其责|分工协作|通力合作|齐抓共管|形成合力)[，,]")


@dataclass(frozen=True)
class ProseNote:
    start: int  # offsets into the paragraph's (view) text
    end: int
    reading: str  # text[start:end] as read_note should read it (same length)


def _phrase_start(text: str, lo: int, at: int) -> int:
    """Start of the comma phrase that ``at`` is in (not before ``lo``)."""
    i = at
    while i > lo and text[i - 1] not in "，,；;：:":
        i -= 1
    return i


def _subject(text: str, lo: int, verb_at: int) -> tuple[int, int, int] | None:
    """(note start, list start, list end) of the agency list the verb at ``verb_at`` belongs to:
    in its phrase, or in the phrase before when its own holds none (…部门在职责范围内，分别负责)."""
    starts = [_phrase_start(text, lo, verb_at)]
    before = starts[0]
    while before > lo:  # the phrase before, past set phrases (各司其职，各负其责，密切配合)
        prev = _phrase_start(text, lo, before - 1)
        if not _SET_PHRASES.fullmatch(text, prev, before):
            starts.append(prev)
            break
        before = prev
    for ps in starts:
        lead = text.rfind("由", ps, verb_at)  # 具体工作由市发改委牵头负责: the agencies follow 由
        if lead < 0:
            lead = text.rfind("请", ps, verb_at)
        opener = _OPENERS.match(text, ps)
        begin = lead if lead >= 0 else (opener.end() if opener else ps)
        m = _LIST.match(text, begin)
        if not m or m.end("list") > verb_at:
            continue
        names = re.split("[、和及与]", m.group("list"))
        if any(_NOT_AGENCY.search(n) for n in names if n):
            continue
        gap = text[m.end("list") : verb_at]
        bare = _SET_PHRASES.sub("", gap)  # …要根据有关通知要求，各司其职，各负其责，密切配合
        if len(gap) > _MAX_GAP or "。" in gap or bare.count("，") + bare.count(",") > 1 or _NOT_IN_GAP.search(gap):
            continue
        if _is_generic(m.group("list")):
            continue  # 各有关部门要…: names no one
        return m.start(), m.start("list"), m.end("list")
    # An office set up in another body (领导小组办公室设在省发展改革委，办公室主任由…兼任，负责…):
    # the office is what the sentence's later phrases assign, however many stand between.
    if text[verb_at : verb_at + 2] in ("负责", "承担", "具体") and (office := _OFFICE_SET_IN.match(text, _OPENERS.match(text, lo).end())):
        if office.end() <= verb_at and "。" not in text[office.end() : verb_at]:
            return office.start(), office.start("list"), office.end("list")
    return None


# 会同有关方面 / 会同相关部门: the others in general, a group the note grammar keeps as one.
_OTHERS = re.compile(r"(?:有关|相关|其他)(?:方面|部门|单位)")


def _objects_end(text: str, at: int, end: int) -> int:
    """End of the agency list after 会同 (会同发展改革委、财政部等部门, 会同有关方面): up to the phrase's end."""
    m = _LIST.match(text, at) or _OTHERS.match(text, at)
    return m.end() if m and m.end() <= end else at


def find_prose_notes(text: str) -> list[ProseNote]:
    """Prose responsibility notes in one paragraph's view text (see the module docstring)."""
    out: list[ProseNote] = []
    for s_start, s_end in sentence_spans(text):
        taken = s_start
        for m in _VERB.finditer(text, s_start, s_end):
            verb, v_at, v_end = m.group("verb"), m.start(), m.end()
            if v_at < taken or _NOT_VERB_AFTER.match(text, v_end) or _NOT_VERB_BEFORE.search(text, s_start, v_at):
                continue
            if verb == "承担" and not _TAKES_ON.match(text, v_end):
                continue
            found = _subject(text, s_start, v_at)
            if found is None:
                continue
            start, list_start, list_end = found
            end = _objects_end(text, v_end, s_end) if verb == "会同" else v_end
            if verb == "会同" and end == v_end:
                continue  # 会同 with no agency after it
            if _REPORTED.match(text, end):
                continue
            if "将" in text[list_end:v_at] or text[start - 1 : start] == "将" or _INTENDED_AFTER.match(text, end):
                continue
            if verb == "会同" and _ATTRIBUTE_AFTER.match(text, end):
                continue
            gap = text[list_end:v_at]
            blank = " " * len(gap)
            word = _AS_GRAMMAR.get(verb, verb)
            if word == "配合" and re.search("各负其责|各尽其责", gap):
                word = "负责"  # 各司其职，各负其责，密切配合: each is responsible, none leads
            reading = text[start:list_end] + blank + word + " " * (len(verb) - len(word)) + text[v_end:end]
            out.append(ProseNote(start, end, reading))
            taken = end
    return out
