"""The grammar of responsibility notes: which agencies a note names, and in which role.

A note is the parenthesis or line that closes a task: ``（省发展改革委牵头，省交通运输厅、水利厅等按职责
分工负责）``, ``责任单位：省发改委、住建厅等，相关设区市人民政府``, ``牵头单位：市发展改革委；配合单位：
市财政局；完成时限：2018年底前``. Reading it takes these steps, each a small function below:

1. ``_note_parts`` cuts a note into its lines and bracket groups (brackets stripped);
2. ``role_segments`` cuts a part at labels (责任单位：, 牵头单位：, 完成时限：) and role markers (牵头 /
   按各自职责分工负责 / 配合 …);
3. ``split_runs`` cuts a segment at commas and semicolons (a new run: no prefix carries over); a run
   that states a deadline (2018年底前完成, 长期坚持) is kept apart; ``会同`` splits a run into its lead
   and the agencies it works with; ``split_items`` cuts a run at 、 and the joiners 及 / 以及 / 和 / 与
   and drops 等;
4. ``expand_shared_suffix`` and ``qualify`` turn items into agency names: ``广东、深圳、珠海出入境检验
   检疫局`` is three bureaus, ``交通运输厅`` after ``省发展改革委`` is the issuing province's.

A level prefix stands for the issuing jurisdiction of that level (``Issuing``): 省 / 自治区 the
province (广东省, 广西壮族自治区), 市 the issuing city (长沙市, or 北京市 for a municipality), 州 / 盟 the
issuing prefecture, 县 / 区 / 旗 the issuing county. A prefix the notice cannot resolve (市发展改革委 in a
provincial notice: every city's) is a group. Central agencies (财政部, 国家…, 国务院…, 海关总署) and
national enterprises (中国…公司) name themselves and take no prefix.

Reference data (China's divisions, agency kinds that name themselves, vague group patterns) is read
from the dbt seeds; canonical names and English names are resolved by dbt (int_agencies_resolved).
"""
from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
import re
from dataclasses import dataclass, field

from pipelines.seeds import load_seed
from pipelines.textnorm import normalize_text

LEAD, CO, RESPONSIBLE, GUIDE, SUPERVISE = "lead", "co", "responsible", "guide", "supervise"
ROLES = (LEAD, CO, RESPONSIBLE, GUIDE, SUPERVISE)
_DEADLINE_ROLE = "deadline"  # a segment that states when, not who
_PERSON_ROLE = "person"  # a segment that names people (责任领导：张三), not agencies

# Labels of note lines: 责任单位：… / 牵头单位：…；配合单位：…  (None: decided by markers inside).
_LABEL_VERBS = {
    "牵头": LEAD, "主办": LEAD, "主责": LEAD, "主要责任": LEAD,
    "责任": None, "实施": None, "承办": None,
    "配合": CO, "参与": CO, "协办": CO, "协作": CO, "协同": CO, "协助": CO,
    "指导": GUIDE, "督导": GUIDE, "监督": SUPERVISE,
}
AGENCY_LABEL = r"(?:主要责任|牵头|主办|主责|责任|实施|承办|配合|参与|协办|协作|协同|协助|指导|督导|监督)(?:单位|部门|主体)"
# Labels of people, not agencies: 责任领导：张三；牵头单位：… (the people are left out).
PERSON_LABEL = r"(?:责任|分管|牵头|包保|督办|联系)(?:市|区|县|省)?(?:级)?(?:领导|负责人|人)"
DEADLINE_LABEL = r"(?:完成时限|完成时间|完成期限|完成节点|时间节点|时间进度|时限要求|时间要求|进度要求|进度安排|实施期限|时间安排|时限|期限)"
_LABEL = re.compile(rf"({AGENCY_LABEL}|{DEADLINE_LABEL}|{PERSON_LABEL})\s*[:：]\s*")
# A role marker closes the agencies before it: its verb gives the role, the words before it
# (等 / 等单位, 按照各自的职责分工, 分别, 共同 …) go with it.
_VERBS = (
    "牵头负责|牵头落实|牵头实施|牵头|负总责|负责落实|负责实施|负责|配合落实|配合实施|配合|参与实施|参与|"
    "协助|协同|协办|指导督促|督促指导|指导|督导|监督|支持|组织实施|抓好落实|落实|实施"
)
_MARKER = re.compile(
    r"(?:等(?:单位|部门)?)?\s*"
    r"(?:(?:要|应)?(?:按照?|根据|依据|依照|结合)\s*)?(?:各自|自身)?的?\s*(?:(?:工作)?(?:职责|职能))?\s*(?:分工)?\s*"
    r"(?:分别|共同|具体|统一)?\s*"
    rf"({_VERBS})\s*(?=[，,；;。、]|$)"
)
_ENDS_WITH_MARKER = re.compile(rf"(?:{_VERBS})\s*[。]?\s*$")
_MARKER_ROLES = {
    "牵头": LEAD, "牵头负责": LEAD, "牵头落实": LEAD, "牵头实施": LEAD, "负总责": LEAD,
    "配合": CO, "配合落实": CO, "配合实施": CO, "参与": CO, "参与实施": CO, "协助": CO, "协同": CO, "协办": CO,
    "指导": GUIDE, "督导": GUIDE, "指导督促": GUIDE, "督促指导": GUIDE, "监督": SUPERVISE, "支持": CO,
}
# "省发展改革委（牵头）、省财政厅": a role written as an item's annotation.
_ANNOTATED_ROLE = re.compile(r"[（(]\s*(牵头|主办|主责|配合|参与|协办|协助)(?:单位|部门)?\s*[）)]")
# "（列第一位者为牵头单位）": the first agency leads, the others work with it.
_FIRST = (
    r"(?:排名|排列|排|列)?在?(?:第一位|首位|第一)(?:的|者)?(?:单位|部门)?(?:为|是)牵头"
    r"(?:或[\u4e00-\u9fff]{2,4}?)?(?:单位|部门)?"
)
_FIRST_LEADS = FIRST_LEADS = re.compile(rf"[（(]\s*{_FIRST}\s*[）)]|{_FIRST}")
# The declaration applies from where it stands on: "（…列第一位的为牵头单位，下同）".
FIRST_LEADS_ONWARD = re.compile(rf"{_FIRST}[^。；;]{{0,6}}?下同")
# People and offices of people named in a note are not agencies: 分管副省长, 协管副秘书长, 市领导.
_OFFICIAL = re.compile(r"(?:副)?(?:省长|市长|区长|县长|州长|旗长|主席|秘书长|书记)$|领导(?:同志)?$")
# A joiner left at the head of an item (…等和各省级人民政府): no name starts with one.
_LEADING_JOINER = re.compile(r"^(?:以及|及|和|与)(?=[\u4e00-\u9fff]{2})")
# A run that says when rather than who: 2018年底前完成, 完成时限：2020年, 长期坚持, 持续推进.
_DEADLINE = re.compile(
    rf"^(?:{DEADLINE_LABEL}\s*:\s*)?(?:[于在到至截止]+\s*)?"
    r"(?:(?:19|20)\d{2}\s*(?:年|[-—–~至到]\s*(?:19|20)?\d{2})|[〇○零一二][〇○零一二三四五六七八九]{3}年"
    r"|\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|年底|年中|年内|上半年|下半年|本年|第[一二三四]季度"
    r"|今年|明年|当年|每年|每季度|每半年|每月|近期|长期|持续|逐年|分年度|分阶段|常态化|定期)"
)
# A run starting with 由 (由省发展改革委牵头): the word goes, the agencies stay.
_LEAD_WORDS = re.compile(r"^(?:均由|统一由|具体由|分别由|由|请)\s*")
# A scope before 由 (技工院校内由人力资源社会保障行政部门负责, 跨区域的由省级部门负责): where, not who.
_SCOPE_THEN_BY = re.compile(r"^[^、，,；;由]{1,12}?(?:内|外|中|的|时|后|方面)(?:均|统一|具体|分别)?由\s*")
_RUN_SEPARATORS = "，,；;"
_ITEM_SEPARATORS = "、"
_OPEN, _CLOSE = "（(〔［[【", "）)〕］]】"
# 和 / 与 also occur inside names (发展和改革委员会, 海洋与渔业厅): they join two agencies only when the
# text before them already ends like an agency name.
_AGENCY_FINALS = set("厅局委办部院会司署行处站队所心团府室社位门")
# Type characters of a shared "州、市人民政府" suffix, and which division kinds they stand for.
_TYPE_KINDS = {"省": ("省", "自治区"), "市": ("市",), "州": ("自治州",), "盟": ("盟",), "区": ("地区", "自治区")}
_TYPE_LIST = re.compile(r"等?\s*([省市州盟区](?:\s*[、和及]\s*[省市州盟区])+)(?=\S)")
# A level prefix (省 / 自治区 / 市 / 州 / 县 / 区 / 旗 / 盟) at the head of a name, with a party
# committee (省委, 自治区党委) or the Youth League's (团省委). 市场监管局, 区域, 县域 are no prefix.
# (市政府 and 市政务服务中心 are the city's; 市政公用局 is a unit of its own.)
_LEVEL = re.compile(r"^(团)?(自治区|省(?!区)|市(?!场|政(?!府|务|数))|州|县(?!域)|区(?!域|块)|旗|盟)(党委|委(?!员))?")
# Two levels at once (市县人民政府, 省市有关部门): every such division's, a group.
_COMPOUND_LEVEL = re.compile(r"^(?:省市县|省市(?!场)|省区|市县|市区(?!域)|区县|县区|市州|州市|县市(?!场))")
_LEVEL_WORD = re.compile(r"^(?:各|有关|相关)?(自治区|省|市|州|县|区|旗|盟)$")
# Kinds whose members name themselves (海关广东分署, 广铁集团, 财政部): no province prefix carries over.
_SELF_NAMED_KINDS = ("central_agency", "central_local_office", "enterprise")
# "交通运输部珠江航务管理局", "水利部珠江水利委员会": a ministry's office names itself.
_MINISTRY_OFFICE = re.compile(r"^[\u4e00-\u9fff]{1,8}部(?!门)[\u4e00-\u9fff]{2,}")
# A county-level place and its government, not in the divisions seed: 浏阳市人民政府, 长沙县人民政府.
_PLACE_GOVERNMENT = re.compile(r"^([\u4e00-\u9fff]{1,6}?(?:自治县|自治旗|县|区|旗|市))(人民政府|政府|管委会|管理委员会)$")
_NOT_A_PLACE = re.compile(r"各|有关|相关|设区|地级|以上|县级|市级|区级|所在|沿线")


@dataclass(frozen=True)
class Span:
    """A piece of a note's text and where it starts in the note."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Division:
    """A provincial or prefecture-level division from the admin_divisions seed."""

    code: str
    name: str  # 红河哈尼族彝族自治州
    short_name: str  # 红河
    kind: str  # 自治州
    level: str  # province | prefecture
    province: str  # 云南省


@dataclass(frozen=True)
class AgencyMention:
    """One agency (or vague group) named by a note. Offsets are relative to the note text."""

    position: int
    role: str  # lead | co | responsible
    mention: str  # as written: "交通运输厅", "深圳"
    name: str  # expanded, jurisdiction-qualified: "广东省交通运输厅", "深圳出入境检验检疫局"
    jurisdiction: str | None  # "广东省", "深圳市", "广东省委"; None for self-named central/enterprise units
    unit: str  # the name without its jurisdiction: "交通运输厅", "海关广东分署"
    province: str | None  # the province the agency belongs to
    is_group: bool
    start: int
    end: int


@dataclass(frozen=True)
class NoteReading:
    """What a note says: the agencies it names, and the deadlines it states (2018年底前), as written."""

    mentions: list[AgencyMention]
    deadlines: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reference data (seeds)


@dataclass(frozen=True)
class _Gazetteer:
    by_name: dict[str, Division]
    by_short: dict[str, tuple[Division, ...]]
    kinds: tuple[tuple[str, str, str], ...]  # (match, pattern, kind) rows of agency_kinds
    groups: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    divisions = tuple(
        Division(r["code"], r["name"], r["short_name"], r["kind"], r["level"], r["province"])
        for r in load_seed("admin_divisions")
    )
    by_short: dict[str, list[Division]] = {}
    for d in divisions:
        by_short.setdefault(d.short_name, []).append(d)
    kinds = tuple((r["match"], r["pattern"], r["kind"]) for r in load_seed("agency_kinds"))
    groups = re.compile("|".join(f"(?:{r['pattern']})" for r in load_seed("agency_groups")))
    return _Gazetteer({d.name: d for d in divisions}, {k: tuple(v) for k, v in by_short.items()}, kinds, groups)


def find_division(text: str, province: str | None = None, kinds: tuple[str, ...] | None = None) -> Division | None:
    """The division ``text`` names exactly: a full name (红河哈尼族彝族自治州), a short name (红河), or a
    short name with its type character (红河州, 保山市, 广东省).

    A short name can be ambiguous (海南: the province, and a prefecture of Qinghai; 吉林: a province and
    a city): prefectures of the issuing ``province`` win, then provinces, then a name that is unique.
    ``kinds`` limits the answer to divisions of those kinds (自治州, 市, …).
    """
    g = _gazetteer()
    if text in g.by_name:
        found = g.by_name[text]
        return found if kinds is None or found.kind in kinds else None
    candidates = list(g.by_short.get(text, ()))
    if not candidates and len(text) >= 3:
        stem, type_char = text[:-1], text[-1]
        candidates = [d for d in g.by_short.get(stem, ()) if d.kind in _TYPE_KINDS.get(type_char, ())]
    if kinds is not None:
        candidates = [d for d in candidates if d.kind in kinds]
    if not candidates:
        return None
    province_name = resolve_province(province)
    for rank in (
        lambda d: d.level == "prefecture" and d.province == province_name,
        lambda d: d.level == "province",
    ):
        ranked = [d for d in candidates if rank(d)]
        if len(ranked) == 1:
            return ranked[0]
    return candidates[0] if len(candidates) == 1 else None


def resolve_province(province: str | None) -> str | None:
    """The full name of a province given as "广东省", "广东", "广西壮族自治区", "广西" or None."""
    if not province:
        return None
    g = _gazetteer()
    if province in g.by_name and g.by_name[province].level == "province":
        return province
    for d in g.by_short.get(province.removesuffix("省"), ()):
        if d.level == "province":
            return d.name
    found = find_division(province)
    return found.name if found is not None and found.level == "province" else None


def _leading_division(text: str, province: str | None) -> tuple[Division, int, bool] | None:
    """The division ``text`` starts with: (division, length, typed). ``typed`` is False for a bare
    short name (福州海关, 广东出入境检验检疫局), True when a full name or a type character follows
    (广州市政府, 红河州人民政府, 广东省发展改革委). The longest match wins."""
    for n in range(min(len(text), 12), 1, -1):
        head = text[:n]
        found = find_division(head, province)
        if found is None:
            continue
        typed = head == found.name or head != found.short_name
        return found, n, typed
    return None


def places_in(text: str) -> list[Division]:
    """Divisions named anywhere in ``text`` (full or short names), in order; an ambiguous short name
    (海南, 吉林) is read as the province."""
    g = _gazetteer()
    found: list[Division] = []
    i = 0
    while i < len(text):
        for n in range(min(len(text) - i, 12), 1, -1):
            head = text[i : i + n]
            if head in g.by_name:
                found.append(g.by_name[head])
                break
            if head in g.by_short:
                options = g.by_short[head]
                found.append(next((d for d in options if d.level == "province"), options[0]))
                break
        else:
            n = 1
        i += n
    return found


def is_group(text: str) -> bool:
    """True for a vague group (有关地级以上市政府, 省有关单位, 领导小组成员单位; 市发展改革委 left
    unqualified in a provincial notice: every city's), per the agency_groups seed."""
    return bool(_gazetteer().groups.search(text))


@functools.lru_cache(maxsize=1)
def _central_names() -> frozenset[str]:
    """Names that can only mean a national body, in any notice (central_bodies seed: 财政部, 海关总署)."""
    return frozenset(r["alias"] for r in load_seed("central_bodies") if r["self_named"] == "true")


def _self_named(text: str) -> bool:
    """True for a unit whose name stands on its own and takes no province prefix: a central agency
    (财政部, 国家发展改革委, 国务院国资委, 海关总署, 市场监管总局), a central agency's local office (海关广东
    分署, 民航中南管理局, 交通运输部珠江航务管理局) or an enterprise (广铁集团, 中国铁路总公司).

    Prefix and exact rows of those kinds in agency_kinds name themselves; so does a unit whose
    longest matching row is a central agency (…部 but not 组织部 / 宣传部, …总局, …总署).
    """
    if text in _central_names():
        return True
    longest: tuple[int, str] = (0, "")
    for match, pattern, kind in _gazetteer().kinds:
        if match == "prefix" and text.startswith(pattern) or match == "exact" and text == pattern:
            if kind in _SELF_NAMED_KINDS:
                return True
        hit = (
            (match == "prefix" and text.startswith(pattern))
            or (match == "exact" and text == pattern)
            or (match == "suffix" and text.endswith(pattern))
            or (match == "contains" and pattern in text)
        )
        if hit and len(pattern) > longest[0]:
            longest = (len(pattern), kind)
    if longest[1] == "central_agency":
        return True
    return bool(_MINISTRY_OFFICE.match(text))


# ---------------------------------------------------------------------------------------------
# The issuing jurisdiction


@dataclass(frozen=True)
class Issuing:
    """Who issued the notice, level by level: what 省 / 自治区, 市 / 州 / 盟 and 县 / 区 / 旗 mean in it."""

    province: Division | None = None
    prefecture: Division | None = None
    county: str | None = None  # as the issuer names it, qualified by its city: 长沙市望城区, 浏阳市

    def level(self, prefix: str) -> tuple[str, str | None] | None:
        """(jurisdiction, province) a level prefix stands for, or None if this notice has none."""
        p, f, c = self.province, self.prefecture, self.county
        pname = p.name if p else None
        if prefix == "省":
            return (p.name, pname) if p and p.kind == "省" else None
        if prefix == "自治区":
            return (p.name, pname) if p and p.kind == "自治区" else None
        if prefix in ("县", "旗"):
            return (c, pname) if c and c.endswith(prefix) else None
        if prefix == "区":
            if c and c.endswith("区"):
                return c, pname
            return (p.name, pname) if p and p.kind == "自治区" and not f and not c else None
        if prefix == "市":
            if c and c.endswith("市"):
                return c, pname
            if f and f.kind == "市":
                return f.name, f.province
            return (p.name, pname) if p and p.kind == "市" else None
        if prefix == "州":
            return (f.name, f.province) if f and f.kind == "自治州" else None
        if prefix == "盟":
            return (f.name, f.province) if f and f.kind == "盟" else None
        return None

    def county_short_name(self) -> str | None:
        """The county's name without its city and type (鞍山市立山区 → 立山), if two characters or more."""
        if not self.county:
            return None
        name = self.county.removeprefix(self.prefecture.name) if self.prefecture else self.county
        short = re.sub(r"(?:自治县|自治旗|县|区|旗|市)$", "", name)
        return short if len(short) >= 2 else None

    def own(self) -> tuple[str | None, str | None]:
        """(jurisdiction, province) of a name with no prefix of its own: the issuer's own level
        (a city's notice: the city; a province's: the province)."""
        pname = self.province.name if self.province else None
        if self.county:
            return self.county, pname
        if self.prefecture:
            return self.prefecture.name, self.prefecture.province
        return pname, pname


_ISSUER_ORGANS = r"人民政府|政府|党委|委员会|委|人大|政协|办公室|办公厅|管委会|管理委员会"
_COUNTY = re.compile(rf"^([\u4e00-\u9fff]{{1,8}}?(?:自治县|自治旗|县|区|旗|市))(?={_ISSUER_ORGANS})")
# An issuing department of a county (望城区发展和改革局): the county's name has two characters at least.
_COUNTY_DEPARTMENT = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治县|自治旗|县|区|旗))(?=[\u4e00-\u9fff]{2,}(?:局|委|办|厅|中心)$)")


@functools.lru_cache(maxsize=512)
def issuing(province: str | None, issuer: str | None = None) -> Issuing:
    """The issuing jurisdiction of a notice from its province (广东省, 广东) and issuer (长沙市人民政府,
    北京市朝阳区人民政府, 广西壮族自治区人民政府办公厅, 浏阳市人民政府). Without an issuer, the province only."""
    g = _gazetteer()
    pname = resolve_province(province)
    prov = g.by_name.get(pname) if pname else None
    pref: Division | None = None
    county: str | None = None
    text = re.sub(r"\s+", "", normalize_text(issuer or ""))
    text = re.sub(r"^(?:中共|中国共产党)", "", text)
    lead = _leading_division(text, pname) if text else None
    if lead is not None and lead[2]:
        d, n, _ = lead
        if d.level == "province" and (prov is None or d == prov):
            prov, text = d, text[n:]
            lead = _leading_division(text, d.name) if text else None
            if lead is not None and lead[2] and lead[0].level == "prefecture" and lead[0].province == d.name:
                pref, text = lead[0], text[lead[1] :]
        elif d.level == "prefecture" and (prov is None or d.province == prov.name):
            pref, text = d, text[n:]
            prov = prov or g.by_name.get(d.province)
    m = _COUNTY.match(text) or _COUNTY_DEPARTMENT.match(text)
    if m and not _NOT_A_PLACE.search(m.group(1)):
        county = m.group(1)
        if pref is None:  # 蔡甸区人民政府: the county list says whose district it is (武汉市, 湖北省)
            found = _county_owner(county, prov.name if prov else None)
            if found is not None:
                pref, prov = found
        owner = pref or (prov if prov is not None and prov.kind == "市" else None)
        # A district or county is named with its city (鞍山市立山区); a county-level city by itself.
        if owner is not None and not county.startswith(owner.name) and not county.endswith("市"):
            county = owner.name + county
    return Issuing(prov, pref, county)


@functools.lru_cache(maxsize=4096)
def _county_owner(county: str, province: str | None) -> tuple[Division | None, Division] | None:
    """(prefecture, province) of a county-level division named ``county`` (in ``province``, if
    known), from the county_divisions seed; None if there is no such county or several."""
    g = _gazetteer()
    rows = [r for r in load_seed("county_divisions") if r["name"] == county and (province is None or r["province"] == province)]
    if len(rows) != 1:
        return None
    row = rows[0]
    prov = g.by_name.get(row["province"])
    if prov is None:
        return None
    pref = g.by_name.get(row["prefecture"]) if row["prefecture"] and row["prefecture"] != row["province"] else None
    return pref, prov


# ---------------------------------------------------------------------------------------------
# Splitting


def _depths(text: str) -> list[int]:
    """Bracket depth at each character, so separators inside ``（省委人才办）`` are not separators."""
    out, depth = [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        out.append(depth)
        if ch in _CLOSE and depth:
            depth -= 1
    return out


def _split(span: Span, separators: str) -> list[Span]:
    """Cut ``span`` at top-level separator characters; pieces are whitespace-trimmed, empties dropped."""
    depth = _depths(span.text)
    pieces: list[Span] = []
    start = 0
    for i, ch in enumerate(span.text + separators[0]):
        if i == len(span.text) or (ch in separators and depth[i] == 0):
            pieces.append(_trim(Span(span.text[start:i], span.start + start)))
            start = i + 1
    return [p for p in pieces if p.text]


def _trim(span: Span) -> Span:
    return _strip(span, "")


def _strip(span: Span, chars: str) -> Span:
    """``span`` without leading and trailing whitespace and ``chars``, offsets kept right."""
    chars += " \t\n\u3000"
    stripped = span.text.lstrip(chars)
    lead = len(span.text) - len(stripped)
    return Span(stripped.rstrip(chars), span.start + lead)


# 组建2008年北京奥运会首都国际机场协调委员会（以下简称协调委）: a body the notice names once in full
# and then by its short name.
_DEFINED = re.compile(
    r"(?P<full>[\u4e00-\u9fff\d]{4,40}?(?:委员会|领导小组|工作小组|小组|办公室|中心|局|委|部|厅|署|会))"
    r"\((?:以下)?简称[“\"]?(?P<short>[\u4e00-\u9fff]{2,10})[”\"]?\)"
)
_BEFORE_NAME = re.compile(r".*(?:组建|组成|成立|建立|设立|设置|同意|批准|由|、)")
_OFFICE_OF = ("办公室", "秘书处", "办")


def defined_names(view_text: str) -> dict[str, str]:
    """short name → full name of the bodies a notice defines (…委员会（以下简称协调委）), for bodies
    named by themselves (a name starting with a level, 市发展改革委, is qualified as any other)."""
    out = {}
    for m in _DEFINED.finditer(view_text):
        full = m.group("full")
        if lead := _BEFORE_NAME.match(full):
            full = full[lead.end():]
        if len(full) >= 4 and full[0] not in "省市区县州":
            out[m.group("short")] = full
    return out


def expand_defined(unit: str, defined: Mapping[str, str]) -> str | None:
    """协调委办公室 → 2008年北京奥运会首都国际机场协调委员会办公室, where the notice defined 协调委."""
    for short, full in defined.items():
        if unit == short:
            return full
        if unit.startswith(short) and unit[len(short):] in _OFFICE_OF:
            return full + unit[len(short):]
    return None


def note_body(note: str) -> Span:
    """The part of a note inside its brackets (a 责任单位： line is its own body)."""
    span = _trim(Span(note, 0))
    if span.text[:1] in _OPEN and span.text[-1:] in _CLOSE:
        span = _trim(Span(span.text[1:-1], span.start + 1))
    return span


def top_level_brackets(text: str, opens: str = _OPEN, closes: str = _CLOSE) -> Iterator[tuple[int, int]]:
    """(open, close) indices of each top-level bracket pair in ``text``, nested pairs inside."""
    depth, opened = 0, 0
    for i, ch in enumerate(text):
        if ch in opens:
            if depth == 0:
                opened = i
            depth += 1
        elif ch in closes and depth:
            depth -= 1
            if depth == 0:
                yield opened, i


def _bracket_groups(line: Span) -> list[Span] | None:
    """The insides of the top-level bracket groups ``line`` consists of (``（…）（…）``), or None if
    there is text outside brackets."""
    pairs = list(top_level_brackets(line.text))
    inside = {i for opened, closed in pairs for i in range(opened, closed + 1)}
    if not pairs or any(not ch.isspace() and i not in inside for i, ch in enumerate(line.text)):
        return None
    return [_trim(Span(line.text[opened + 1 : closed], line.start + opened + 1)) for opened, closed in pairs]


def _note_parts(note: str) -> list[Span]:
    """The bodies of a note: each line, and each bracket group of a line made of bracket groups
    (``（省发展改革委牵头）（2018年底前完成）``), brackets stripped; a trailing 。 dropped."""
    parts: list[Span] = []
    pos = 0
    for line in note.split("\n"):
        span = _trim(Span(line, pos))
        pos += len(line) + 1
        if not span.text:
            continue
        groups = _bracket_groups(span)
        if groups is None:
            body = note_body(span.text)
            groups = [Span(body.text, span.start + body.start)]
        parts.extend(_strip(g, "。") for g in groups)
    return [p for p in parts if p.text]


def role_segments(body: Span) -> list[tuple[Span, str | None]]:
    """Cut a note body into (segment, role) at labels and role markers.

    ``省发展改革委牵头，省交通运输厅等按职责分工负责`` → (省发展改革委, lead), (省交通运输厅, None).
    The role is lead for 牵头, co for 配合/参与/协助, None for 负责-style markers and unmarked text:
    those are co-responsible after a lead and plainly responsible in a note that names none. A
    segment labelled 完成时限： (时间节点：, …) has the role ``"deadline"``.
    """
    labelled: list[tuple[Span, str | None]] = []
    labels = list(_LABEL.finditer(body.text))
    if not labels or labels[0].start() > 0:
        end = labels[0].start() if labels else len(body.text)
        labelled.append((Span(body.text[:end], body.start), None))
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(body.text)
        label = m.group(1)
        if re.fullmatch(DEADLINE_LABEL, label):
            role: str | None = _DEADLINE_ROLE
        elif re.fullmatch(PERSON_LABEL, label):
            role = _PERSON_ROLE
        else:
            role = _LABEL_VERBS[re.sub("(单位|部门|主体)$", "", label)]
        labelled.append((Span(body.text[m.end() : end], body.start + m.end()), role))

    segments: list[tuple[Span, str | None]] = []
    for span, label_role in labelled:
        start = 0
        if label_role == _PERSON_ROLE:
            continue  # people, not agencies
        if label_role != _DEADLINE_ROLE:
            for m in _MARKER.finditer(span.text):
                role = _MARKER_ROLES.get(m.group(1), label_role)
                segments.append((Span(span.text[start : m.start()], span.start + start), role))
                start = m.end()
        segments.append((Span(span.text[start:], span.start + start), label_role))
    out = []
    for span, role in segments:
        span = _strip(span, _RUN_SEPARATORS + "。")
        if span.text:
            out.append((span, role))
    return out


def split_runs(segment: Span) -> list[Span]:
    """Cut a segment at commas and semicolons: each run starts afresh (no prefix carries over)."""
    return _split(segment, _RUN_SEPARATORS)


def is_deadline(text: str) -> bool:
    """True if a run of a note states a deadline rather than agencies: 2018年底前完成, 2020年,
    完成时限：2018年6月底前, 长期坚持, 持续推进."""
    return bool(_DEADLINE.match(re.sub(r"\s+", "", normalize_text(text))))


def split_items(run: Span) -> list[Span]:
    """Cut a run into items at 、 and the joiners 及 / 以及 / 和 / 与; a trailing or inner 等 is dropped.

    ``港澳办及有关地级以上市政府`` → 港澳办, 有关地级以上市政府; ``经济和信息化委`` stays whole because
    the text before 和 does not end like an agency name.
    """
    items: list[Span] = []
    for piece in _split(run, _ITEM_SEPARATORS):
        items.extend(_split_joiners(piece))
    out: list[Span] = []
    for item in items:
        # "省发展改革委等有关部门": 等 between two names; "省旅游局等": 等 at the end.
        out.extend(_split_on(item, "(?<![高中初平同对])等"))
    # "省发展改革委等单位": the 单位 after 等 is no agency; "下同", "不再做分工" are the note's asides.
    return [i for i in out if i.text and i.text not in ("单位", "部门", "单位等", "部门等") and not _ASIDE.match(i.text)]


_ASIDE = re.compile(r"^(?:下同|同上|不再(?:做|作)分工|具体任务.*)$")
# "民政、公安、国家安全等部门": fields of government, each a 部门 of the list's suffix.
_FIELDS_OF = re.compile(r"等(?:有关|相关)?(部门|单位)$")
_FIELDS_AFTER = re.compile(r"\s*等(?:有关|相关)?(部门|单位)")
_OTHERS_OF_FIELDS = re.compile(r"(?:有关|相关)(?:部门|单位)")


def _split_on(span: Span, word: str) -> list[Span]:
    depth = _depths(span.text)
    parts, start = [], 0
    for m in re.finditer(word, span.text):
        if depth[m.start()] == 0:
            parts.append(_trim(Span(span.text[start : m.start()], span.start + start)))
            start = m.end()
    parts.append(_trim(Span(span.text[start:], span.start + start)))
    return [p for p in parts if p.text]


def _split_joiners(span: Span) -> list[Span]:
    parts = _split_on(span, "以及")
    out: list[Span] = []
    for part in parts:
        out.extend(_split_on(part, "及"))
    final: list[Span] = []
    for part in out:
        final.extend(_split_conjunction(part))
    return final


def _split_conjunction(span: Span) -> list[Span]:
    """Split at 和 / 与 only between two complete names (see ``split_items``)."""
    depth = _depths(span.text)
    for m in re.finditer("[和与]", span.text):
        left, right = span.text[: m.start()].rstrip(), span.text[m.end() :].strip()
        if depth[m.start()] == 0 and left and left[-1] in _AGENCY_FINALS and len(right) >= 2:
            head = _trim(Span(span.text[: m.start()], span.start))
            tail = _trim(Span(span.text[m.end() :], span.start + m.end()))
            return [head, *_split_conjunction(tail)]
    return [span]


def _split_together(run: Span) -> list[Span]:
    """``省发展改革委会同省财政厅、交通运输厅``: the lead, then the agencies it works with (会同)."""
    return _split_on(run, "会同")


# ---------------------------------------------------------------------------------------------
# From items to names


@dataclass(frozen=True)
class _Item:
    span: Span  # the mention as written
    text: str  # the name to qualify: shared suffix expanded, annotations removed
    place: Division | None = None  # set for a place of a "州、市人民政府" list: text is then its suffix


@dataclass(frozen=True)
class _Carry:
    """What the following items of a run inherit: ``省发展改革委、交通运输厅`` → 广东省交通运输厅.
    ``prefix`` is an unresolved level prefix (市 in a provincial notice), inherited as written."""

    jurisdiction: str | None
    province: str | None
    prefix: str | None = None


def _clean(text: str) -> str:
    """Matching form of an item: normalised, spaces and bracketed annotations (（省委人才办）) removed."""
    text = normalize_text(text)
    text = re.sub(r"[（(〔［\[【][^（()）〔〕［］\[\]【】]*[）)〕］\]】]", "", text)
    return re.sub(r"\s+", "", text)


def _level_word(text: str) -> str | None:
    """The level a bare level word stands for (市, 各市, 有关县), else None."""
    m = _LEVEL_WORD.match(text)
    return m.group(1) if m else None


def expand_shared_suffix(run: Span, province: str | None) -> list[_Item]:
    """Items of a run, with a suffix shared by a list of places given to each place.

    ``广东、深圳、珠海出入境检验检疫局`` → 广东出入境检验检疫局, 深圳出入境检验检疫局, 珠海出入境检验检疫局;
    ``广州、深圳、珠海市政府`` → 广州市政府, …; ``株洲市、湘潭市人民政府`` → 株洲市人民政府, 湘潭市人民政府;
    ``保山、红河、文山等州、市人民政府`` → each place with its own type from the division list (红河 is a
    州, 保山 a 市) and 人民政府; ``省、市发展改革委`` and ``市、县（区）人民政府`` → each level with the
    shared unit. Only items that are exactly a place name (or a level) take the suffix.
    """
    typed = _TYPE_LIST.search(run.text)
    if typed:
        places = split_items(Span(run.text[: typed.start()], run.start))
        suffix = _clean(run.text[typed.end() :])
        kinds = tuple(k for t in re.findall("[省市州盟区]", typed.group(1)) for k in _TYPE_KINDS[t])
        found = [find_division(_clean(p.text), province, kinds) for p in places]
        if places and suffix and all(found):
            return [_Item(p, suffix, d) for p, d in zip(places, found)]

    out: list[_Item] = []
    pending: list[Span] = []  # bare places waiting for a suffix
    levels: list[Span] = []  # bare levels (省, 各市) waiting for a unit
    for item in split_items(run):
        text = _clean(item.text)
        if _level_word(text):
            out.extend(_Item(p, _clean(p.text)) for p in pending)
            pending = []
            levels.append(item)
            continue
        if text == item.text and not levels and find_division(text, province) is not None:
            pending.append(item)
            continue
        if levels:
            qualifier = _qualifier(levels[0].text)
            head = text.removeprefix(_qualifier(text))
            m = _LEVEL.match(head)
            unit = head[m.end() :] if m and not m.group(1) and not m.group(3) else ""
            out.extend(_Item(lv, _qualified(lv.text, qualifier) + unit) for lv in levels)
            if unit:  # "各市、县人民政府": 各 goes with every level
                text = _qualified(text, qualifier)
            levels = []
        lead = _leading_division(text, province)
        for p in pending:
            out.append(_Item(p, _shared(_clean(p.text), text, lead, province)))
        pending = []
        out.append(_Item(item, text))
    out.extend(_Item(p, _clean(p.text)) for p in pending)
    out.extend(_Item(lv, _qualified(lv.text, _qualifier(levels[0].text))) for lv in levels)
    return out


def _qualifier(text: str) -> str:
    m = re.match("各|有关|相关", _clean(text))
    return m.group() if m else ""


def _qualified(text: str, qualifier: str) -> str:
    """``县`` after ``各市``: 各县."""
    text = _clean(text)
    return text if _qualifier(text) else qualifier + text


def _shared(place: str, last: str, lead: tuple[Division, int, bool] | None, province: str | None) -> str:
    """A bare place of a list given the suffix of the list's last item ``last``: ``深圳`` + ``珠海市政府``
    → 深圳市政府; ``株洲市`` + ``湘潭市人民政府`` → 株洲市人民政府 (the place's own type is kept)."""
    if lead is None:
        return place
    d, n, _ = lead
    tail = last[n:]
    type_part = last[len(d.short_name) : n] if last.startswith(d.short_name) else ""
    own = find_division(place, province)
    if own is None or place != own.short_name or not type_part:
        return place + tail  # typed already (株洲市), or a bare name before an office (广东出入境…)
    typed = place + type_part
    return (typed if find_division(typed, province) is not None else own.name) + tail


def qualify(item: _Item, carry: _Carry | None, issuer: Issuing) -> tuple[str | None, str, str | None, _Carry | None]:
    """(jurisdiction, unit, province, carry) for one item.

    A level prefix is the issuing jurisdiction of that level (省 → 广东省, 市 → 长沙市, 自治区 → 广西壮族
    自治区; 省委 → 广东省委); the following items of the run inherit it (``carry``). A bare place name
    keeps the name as written (福州海关, 广东出入境检验检疫局: central offices named after a place); so do
    self-named units (财政部, 海关广东分署, 广铁集团) and units that name a place inside (国网江西省电力
    有限公司). An item with no jurisdiction of its own and nothing
    to inherit belongs to the issuer's own jurisdiction (the province; the city in a city's notice). A
    prefix the notice does not resolve is kept as written (市发展改革委 in a provincial notice, a group:
    every city's), and so is a bare level (市、县负责).
    """
    own = issuer.province.name if issuer.province else None
    text = item.text
    if item.place is not None:
        return item.place.name, text, item.place.province, carry
    if _LEVEL_WORD.match(text) and not _qualifier(text):
        return None, text, own, carry  # "市、县负责": every city and county, a group
    m = _LEVEL.match(text)
    if m and (m.group(1) is None or m.group(3)) and len(text) > m.end() - (1 if m.group(3) else 0):
        youth, level, party = m.groups()
        rest = text[m.end() :]
        resolved = None if _COMPOUND_LEVEL.match(text) else issuer.level(level)
        if resolved is None:
            prefix = text[: m.end()]
            return None, text, own, _Carry(None, own, prefix)
        name, province = resolved
        if youth:
            return name, "团委" + rest, province, carry
        if party and not rest:
            return name, "党委", province, carry  # 省委 on its own: the committee itself
        if party:
            committee = name + ("党委" if party == "党委" else "委")
            return committee, rest, province, _Carry(committee, province)
        return name, rest, province, _Carry(name, province)
    if _self_named(text):
        places = places_in(text)
        return None, text, places[-1].province if places else None, carry
    inner = _inner_division(text)
    if inner is not None:  # 国网江西省电力有限公司, 中国移动湖南公司: the place is in the name already
        return None, text, inner.province, carry
    lead = _leading_division(text, own)
    if lead is not None and lead[1] < len(text) and lead[2]:
        d, n, _ = lead
        return d.name, text[n:], d.province, _Carry(d.name, d.province)
    gov = _PLACE_GOVERNMENT.match(text)
    if gov and not _NOT_A_PLACE.search(gov.group(1)) and not is_group(text):
        province = lead[0].province if lead else own
        return gov.group(1), gov.group(2), province, _Carry(gov.group(1), province)
    if lead is not None:
        places = places_in(text)
        return None, text, places[-1].province if places else lead[0].province, carry
    if carry is not None and carry.prefix:
        return None, carry.prefix + text, carry.province, carry
    if carry is not None and carry.jurisdiction:
        return carry.jurisdiction, text, carry.province, carry
    jurisdiction, province = issuer.own()
    if jurisdiction and len(text) > 2 and text[0] == "全" and jurisdiction.endswith(text[1]):
        text = text[2:]  # 全区经济运行各专班 in a district's notice: the district's own
    short = issuer.county_short_name()
    if jurisdiction == issuer.county and short and text.startswith(short) and len(text) > len(short):
        # 立山经济开发区 in 立山区's notice names its place itself: its city qualifies it (鞍山市…).
        return (issuer.prefecture.name if issuer.prefecture else None), text, province, carry
    return jurisdiction, text, province, carry


def _inner_division(text: str) -> Division | None:
    """A division named inside ``text``, not at its start: in full (国网江西省电力有限公司 → 江西省), or a
    province's short name before 分… / 公司 (招商局集团江西分公司 → 江西省)."""
    g = _gazetteer()
    for i in range(1, len(text) - 2):
        for n in range(min(len(text) - i, 12), 1, -1):
            head = text[i : i + n]
            if n > 2 and head in g.by_name:
                return g.by_name[head]
            if re.match("分|公司", text[i + n :]):
                province = next((d for d in g.by_short.get(head, ()) if d.level == "province"), None)
                if province is not None:
                    return province
    return None


# ---------------------------------------------------------------------------------------------
# The whole note


def _mask(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """``text`` with the matches of ``pattern`` blanked out (offsets kept), and whether any matched."""
    found = False

    def blank(m: re.Match[str]) -> str:
        nonlocal found
        found = True
        return " " * len(m.group())

    return pattern.sub(blank, text), found


def read_note(
    note: str, province: str | None, *, issuer: str | None = None, first_leads: bool = False
) -> NoteReading:
    """The agencies a responsibility note names, in order, with their roles, and its deadlines.

    ``province`` is the issuing province ("广东省" or "广东") and ``issuer`` the issuing body (长沙市人民
    政府), which tell what 省 / 自治区 / 市 / 州 / 县 / 区 mean. Offsets are relative to ``note``. Vague
    groups are kept, flagged ``is_group``; people (分管副省长) are left out. ``first_leads``: the notice
    declared that the first agency of a plain list leads ("排在第一位的为牵头单位，下同"); a note
    may also declare it for itself.
    """
    context = issuing(province, issuer)
    own = context.province.name if context.province else None
    masked, declared = _mask(note, _FIRST_LEADS)
    first_leads = first_leads or declared
    rows: list[tuple[_Item, str | None, str | None, str, str | None]] = []
    deadlines: list[str] = []

    def read_run(run: Span, role: str | None) -> None:
        m = _LEAD_WORDS.match(run.text) or _SCOPE_THEN_BY.match(run.text)
        if m:
            run = _trim(Span(run.text[m.end() :], run.start + m.end()))
        parts = _split_together(run)
        carry: _Carry | None = None
        for k, part in enumerate(parts):
            part_role = role
            if len(parts) > 1:
                part_role = CO if k else (LEAD if role in (None, LEAD) else role)
                if k == 0 and part.text.endswith("牵头"):
                    part = _trim(Span(part.text[:-2], part.start))
            fields = _FIELDS_OF.search(part.text) or _FIELDS_AFTER.match(masked, part.end)
            items = expand_shared_suffix(part, own)
            # 民政、公安、国家安全、人民银行等有关部门: the 有关部门 of a list of fields (mostly) is their
            # suffix, no other agency (省商务厅、财政厅等相关部门 names agencies: there it is the others).
            named = [i for i in items if not _OTHERS_OF_FIELDS.fullmatch(i.text)]
            field_list = bool(fields) and 2 * sum(i.text[-1:] not in _AGENCY_LIKE_FINALS for i in named) > len(named)
            for item in items:
                if field_list and _OTHERS_OF_FIELDS.fullmatch(item.text):
                    continue
                if fields and item.place is None and item.text[-1:] not in _AGENCY_LIKE_FINALS and len(item.text) <= 4:
                    item = _Item(item.span, item.text + fields.group(1))  # 民政、公安等部门: 民政部门
                joiner = _LEADING_JOINER.match(item.text)
                if joiner:
                    item = _Item(_trim(Span(item.span.text[joiner.end():], item.span.start + joiner.end())),
                                 item.text[joiner.end():], item.place)
                if _OFFICIAL.search(item.text):
                    continue
                annotated = _ANNOTATED_ROLE.search(item.span.text)
                item_role = _MARKER_ROLES.get(annotated.group(1), LEAD) if annotated else part_role
                jurisdiction, unit, owner, carry = qualify(item, carry, context)
                rows.append((item, item_role, jurisdiction, unit, owner))

    for body in _note_parts(masked):
        for segment, role in role_segments(body):
            for k, run in enumerate(split_runs(segment)):
                if is_deadline(run.text) or (role == _DEADLINE_ROLE and k == 0):
                    deadlines.append(run.text)
                else:
                    read_run(run, None if role == _DEADLINE_ROLE else role)

    has_lead = any(role == LEAD for _, role, *_ in rows)
    if first_leads and not has_lead and rows:
        rows[0] = (rows[0][0], LEAD, *rows[0][2:])
        has_lead = True
    mentions: list[AgencyMention] = []
    for item, role, jurisdiction, unit, owner in rows:
        span = _without_annotation(item.span)
        mentions.append(
            AgencyMention(
                position=len(mentions),
                role=role or (CO if has_lead else RESPONSIBLE),
                mention=span.text,
                name=(jurisdiction or "") + unit,
                jurisdiction=jurisdiction,
                unit=unit,
                province=owner,
                is_group=is_group(unit),
                start=span.start,
                end=span.end,
            )
        )
    return NoteReading(mentions, deadlines)


def _without_annotation(span: Span) -> Span:
    """A mention without the bracketed aside that follows it (省文化广电和旅游厅（除标注为“牵头”单位外，
    列第一位的为牵头单位，下同）→ 省文化广电和旅游厅); an annotation of the name itself stays (（牵头）)."""
    m = re.search(r"[（(][^（()）]{6,}[）)]?\s*$", span.text)
    if m and m.start() >= 2:
        return Span(span.text[: m.start()].rstrip(), span.start)
    return span


def parse_note(note: str, province: str | None, *, issuer: str | None = None) -> list[AgencyMention]:
    """The agencies a responsibility note names, in order, with their roles (see ``read_note``)."""
    return read_note(note, province, issuer=issuer).mentions


# Prose in brackets that happens to end in 负责 ("请省发展改革委负责的项目…") is not a note.
_PROSE = re.compile(r"^(?:请|要|应|其中|含|包括|以下|如|即|例如)|的|。(?=.)")
_LABEL_START = re.compile(rf"^\s*(?:{AGENCY_LABEL}|{DEADLINE_LABEL}|{PERSON_LABEL})\s*[:：]")


def _without_trailing_deadlines(content: str) -> str:
    runs = _split(Span(content, 0), _RUN_SEPARATORS)
    while runs and is_deadline(runs[-1].text):
        runs.pop()
    return content[: runs[-1].end] if runs else ""


def looks_like_note(content: str) -> bool:
    """True if a bracket's content (or a line) reads as a responsibility note: a labelled list, or a
    list that ends in a role marker (before any deadline: 省发展改革委牵头，2018年底前完成), with no
    sentence inside it."""
    content = content.strip()
    if not content or len(content) > 400:
        return False
    labelled = bool(_LABEL_START.match(content))
    prose = _MARKER.sub("", _FIRST_LEADS.sub("", content))
    # A sentence inside means prose, unless the note is labelled: 〔责任单位：…负责。具体任务…，下同。〕
    if _PROSE.search(prose) and not labelled:
        return False
    if not labelled and not _ANNOTATED_ROLE.search(content):
        core = _mask(content, _FIRST_LEADS)[0].strip()
        if not _ENDS_WITH_MARKER.search(_without_trailing_deadlines(core)):
            return False
    return any(_agency_like(m) for m in parse_note(content, None))


# Last characters of agency names (省发展改革委, 广州海关, 南方电网, 省文联, 省科协, 中山大学, 省军区).
_AGENCY_LIKE_FINALS = _AGENCY_FINALS | set("关网联协学区")


def _agency_like(m: AgencyMention) -> bool:
    """True if a mention reads as an agency (省发展改革委, 广州海关) or a group (有关单位, 各地市), not a
    word of prose (国家, 省里, 分步)."""
    if len(m.unit) >= 2 and m.unit[-1] in _AGENCY_LIKE_FINALS:
        return True
    return m.is_group and bool(re.search("各|有关|相关", m.unit))


def is_deadline_note(content: str) -> bool:
    """True for a bracket or line that only states a deadline (（2018年底前完成）, 完成时限：2018年底前):
    part of the note it follows or precedes."""
    content = content.strip()
    if not content or len(content) > 60 or "。" in content.rstrip("。"):
        return False
    runs = _split(Span(content, 0), _RUN_SEPARATORS)
    return bool(runs) and all(is_deadline(r.text) for r in runs)
