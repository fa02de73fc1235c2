"""Text-level metadata helpers shared by the HTML and PDF parsers.

Pure functions over strings: find a 文号 (GB/T 9704 document number), read a Chinese date, name
the province an issuer or a 文号 belongs to, and recognise the labels of a portal's info table.
"""
from __future__ import annotations

import functools
import re
from datetime import date

from pipelines.seeds import load_seed
from pipelines.textnorm import MIRROR_PINYIN, to_simplified, without_mirror_pinyin

# --- 文号 -----------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DIGIT = "0-9\uff10-\uff19"  # ASCII and full-width digits
_OPEN = "〔\\[(（【［〖﹝"
_CLOSE = "〕\\])）】］〗﹞"
_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "（": "〔", "【": "〔", "［": "〔", "〖": "〔", "﹝": "〔",
                           "]": "〕", ")": "〕", "）": "〕", "】": "〕", "］": "〕", "〗": "〕", "﹞": "〕"})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Issuer code (a few Han characters) + bracketed 4-digit year + number + 号. Mirrors and PDF
# extraction put spaces inside, so whitespace is allowed between the parts (not inside the code).
_DOC_NUMBER = re.compile(
    rf"([{_HAN}]{{1,10}})\s*[{_OPEN}]\s*([{_DIGIT}]{{4}})\s*[{_CLOSE}]\s*(第?\s*[{_DIGIT}]{{1,5}})\s*[号號]"
)
# Words that end the running text before a code ("执行国发〔2016〕18号", "的通知粤府〔2017〕8号"):
# none of them occurs inside a real issuer code.
_CODE_LEAD_IN = re.compile(
    "印发|转发|执行|落实|贯彻|根据|按照|依据|依照|参照|对照|详见|参见|见|以及|和|与|及|或|的|即|是|"
    "于|在|以|将|把|对|由|据|按|号|文件|等|了|为|通知|意见|决定|办法|方案|规定|批复|报告|纪要|国务院|政府"
)
_MAX_CODE = 6  # the longest codes in use (发改办地区, 国卫办医函, 工信部联装) have 5 characters


# Decrees are numbered without a year: 国务院令第706号, 国令第706号, 商务部令第2号.
_DECREE_NUMBER = re.compile(rf"((?:国务院|国|[{_HAN}]{{1,6}}(?:部|委|局|署|行|总局)|[{_HAN}]{{2,8}}人民政府)令)\s*第\s*[{_DIGIT}]{{1,5}}\s*[号號]")


def find_doc_numbers(text: str) -> list[tuple[str, int, int]]:
    """Every 文号 in ``text`` as (as written, start, end) with ``text[start:end]`` the match,
    decree numbers (国务院令第706号) included. A mirror's pinyin glosses (絳政辦發(fā)〔2023〕14號)
    are read past: the span keeps those inside the 文号 and ends at its 号."""
    plain, index = without_mirror_pinyin(text)
    spans = [(m.start(), m.end()) for m in _DECREE_NUMBER.finditer(plain)]
    for m in _DOC_NUMBER.finditer(plain):
        code = _trim_code(m.group(1), boundary=m.start() == 0 or not _is_han(plain[m.start() - 1]))
        if code:
            spans.append((m.end(1) - len(code), m.end()))
    found = [(text[index[a] : index[b - 1] + 1], index[a], index[b - 1] + 1) for a, b in spans]
    return sorted(found, key=lambda f: f[1])


def find_doc_number(text: str) -> str | None:
    """The first 文号 in ``text`` as written (e.g. 粤府〔2017〕8号, 粤府[2017]8號), or None."""
    hits = find_doc_numbers(text)
    return hits[0][0] if hits else None


def normalize_doc_number(s: str) -> str:
    """Canonical form of a 文号 for matching: Simplified (國辦函 → 国办函), brackets → 〔〕, 號 → 号,
    full-width digits, no spaces, no mirror's pinyin (發(fā) → 发), a State Council decree as 国令."""
    s = to_simplified(without_mirror_pinyin(s)[0].translate(_BRACKETS).translate(_FULLWIDTH_DIGITS))
    s = re.sub(r"\s+", "", s.replace("號", "号"))
    # A State Council decree is 国令第706号 in a 文号 field, 中华人民共和国国务院令 第706号 on its head.
    return re.sub(r"^(?:中华人民共和国)?国务院令", "国令", s)


def _is_han(ch: str) -> bool:
    return bool(re.match(f"[{_HAN}]", ch))


def _trim_code(run: str, boundary: bool) -> str:
    """The issuer code at the end of a run of Han characters before the bracketed year.

    The code starts after the last lead-in word ("执行", "的" …) and is at most ``_MAX_CODE``
    characters long; a longer run after punctuation or a line start is kept whole.
    """
    cut = 0
    for m in _CODE_LEAD_IN.finditer(run):
        cut = m.end()
    code = run[cut:]
    return code if boundary and cut == 0 else code[-_MAX_CODE:]


# --- dates ----------------------------------------------------------------------------------------

_D = f"[{_DIGIT}]"
_ARABIC_DATE = re.compile(
    rf"(?<![{_DIGIT}])({_D}{{4}})\s*(?:年\s*({_D}{{1,2}})\s*月\s*({_D}{{1,2}})\s*[日号]"
    rf"|([-/.])\s*({_D}{{1,2}})\s*\4\s*({_D}{{1,2}})(?![{_DIGIT}]))"
)
_UNCLOSED_DATE = re.compile(rf"^\s*({_D}{{4}})\s*年\s*({_D}{{1,2}})\s*月\s*({_D}{{1,2}})\s*$")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "〇零○Ｏ０一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十廿卅"
_CHINESE_DATE = re.compile(rf"([{_CN_YEAR}]{{4}})\s*年\s*([{_CN_SMALL}]{{1,3}})\s*月\s*([{_CN_SMALL}]{{1,3}})\s*[日号]")


def parse_cn_date(s: str | None) -> date | None:
    """The first calendar date in ``s``: 2017年1月20日, 2017-01-20, 2017/1/20, 2017.01.20,
    二〇一七年一月二十日 (full-width digits and inner spaces allowed). None if there is none."""
    if not s:
        return None
    for m in _ARABIC_DATE.finditer(s):
        y, mo, d = m.group(1), m.group(2) or m.group(5), m.group(3) or m.group(6)
        found = _make_date(int(y), int(mo), int(d))  # int() reads full-width digits too
        if found:
            return found
    if m := _UNCLOSED_DATE.search(s):  # an info table's "2018年03月27" (its 日 left off)
        if found := _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            return found
    for m in _CHINESE_DATE.finditer(s):
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        found = _make_date(year, _cn_small_number(m.group(2)), _cn_small_number(m.group(3)))
        if found:
            return found
    return None


def date_line(s: str) -> date | None:
    """The date if ``s`` is nothing but one date (the line under a signature), else None."""
    s = s.strip(" \t\r\n\u3000\xa0")
    m = _ARABIC_DATE.fullmatch(s) or _CHINESE_DATE.fullmatch(s)
    return parse_cn_date(s) if m else None


def _cn_small_number(s: str) -> int:
    """一 … 三十一 (also 廿一, 卅一) → int; 0 if it is not a number (rejected by _make_date)."""
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return 0
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _make_date(y: int, m: int, d: int) -> date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


# --- provinces ------------------------------------------------------------------------------------

# The 34 provincial-level divisions: full name, the short name used inside issuer names, and the
# one-character abbreviations that start their 文号 (粤府, 闽政, 内政发 for Inner Mongolia).
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("北京市", "北京", "京"), ("天津市", "天津", "津"), ("河北省", "河北", "冀"), ("山西省", "山西", "晋"),
    ("内蒙古自治区", "内蒙古", "蒙内"), ("辽宁省", "辽宁", "辽"), ("吉林省", "吉林", "吉"),
    ("黑龙江省", "黑龙江", "黑"), ("上海市", "上海", "沪"), ("江苏省", "江苏", "苏"), ("浙江省", "浙江", "浙"),
    ("安徽省", "安徽", "皖"), ("福建省", "福建", "闽"), ("江西省", "江西", "赣"), ("山东省", "山东", "鲁"),
    ("河南省", "河南", "豫"), ("湖北省", "湖北", "鄂"), ("湖南省", "湖南", "湘"), ("广东省", "广东", "粤"),
    ("广西壮族自治区", "广西", "桂"), ("海南省", "海南", "琼"), ("重庆市", "重庆", "渝"),
    ("四川省", "四川", "川蜀"), ("贵州省", "贵州", "黔贵"), ("云南省", "云南", "滇云"), ("西藏自治区", "西藏", "藏"),
    ("陕西省", "陕西", "陕秦"), ("甘肃省", "甘肃", "甘陇"), ("青海省", "青海", "青"),
    ("宁夏回族自治区", "宁夏", "宁"), ("新疆维吾尔自治区", "新疆", "新"), ("台湾省", "台湾", "台"),
    ("香港特别行政区", "香港", "港"), ("澳门特别行政区", "澳门", "澳"),
)
_BY_ABBREVIATION = {ch: full for full, _, abbrs in PROVINCES for ch in abbrs}
_SHORT_NAMES = re.compile("|".join(sorted((short for _, short, _ in PROVINCES), key=len, reverse=True)))
_BY_SHORT_NAME = {short: full for full, short, _ in PROVINCES}


def province_of(issuer_or_doc_number: str | None) -> str | None:
    """The provincial-level division an issuer (广东省人民政府, 中共广东省委 广东省人民政府) or a
    文号 (粤府〔2017〕8号 → 广东省) belongs to; None for central issuers (国务院, 国发, 发改办…).

    A 文号 is read by its first character, so city codes that share a province's abbreviation
    (宁 is also Nanjing's) are attributed to the province.
    """
    if not issuer_or_doc_number:
        return None
    doc = find_doc_number(issuer_or_doc_number)
    if doc:
        return _BY_ABBREVIATION.get(to_simplified(doc[0]))
    text = to_simplified(re.sub(r"\s+", "", issuer_or_doc_number))
    m = _SHORT_NAMES.search(text)
    if m:
        return _BY_SHORT_NAME[m.group()]
    return _province_of_place(text)


@functools.lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern of prefecture and county names (full names) and the province each belongs to;
    a county name two provinces share (朝阳区) is left out."""
    owner: dict[str, set[str]] = {}
    for r in load_seed("admin_divisions"):
        if r["level"] == "prefecture":
            owner.setdefault(r["name"], set()).add(r["province"])
    for r in load_seed("county_divisions"):
        owner.setdefault(r["name"], set()).add(r["province"])
    unique = {name: next(iter(p)) for name, p in owner.items() if len(p) == 1 and len(name) >= 2}
    # A two-character county (绛县, 沙县) only before an organ (绛县人民政府): elsewhere too many
    # words begin like one.
    longer = "|".join(sorted((re.escape(n) for n in unique if len(n) >= 3), key=len, reverse=True))
    short = "|".join(re.escape(n) for n in unique if len(n) == 2)
    organ = "(?=人民政府|政府|党委|委员会|人大|政协|办公)"
    return re.compile(f"(?:{longer})|(?:{short}){organ}"), unique


def _province_of_place(text: str) -> str | None:
    """The province of the first prefecture or county an issuer's name starts with (沧州市人民政府
    → 河北省, 蔡甸区人民政府 → 湖北省)."""
    pattern, province = _places()
    m = pattern.match(re.sub(r"^(?:中共|中国共产党)", "", text))
    return province[m.group()] if m else None


# GB/T 9704 §7.3.2: a title is 发文机关 + 关于 + 事由 + 文种 (广东省人民政府关于…的通知).
_ISSUER_IN_TITLE = re.compile(
    r"^((?:中共)?[\u4e00-\u9fff]{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|"
    r"[厅局部委办院署会]))(?:、[\u4e00-\u9fff]{2,30}?(?:人民政府|办公厅|办公室|委员会|[厅局部委办院署会]))*关于"
)


def issuer_from_title(title: str | None) -> str | None:
    """The issuer a notice's title names before 关于 (洛阳市人民政府关于印发…的通知 → 洛阳市人民政府)."""
    if not title:
        return None
    flat = re.sub(r"\s+", "", title)
    simplified = to_simplified(flat)  # 農業農村部關于… reads as 农业农村部关于…
    m = _ISSUER_IN_TITLE.match(simplified if len(simplified) == len(flat) else flat)
    return flat[: m.end() - len("关于")] if m else None


# What a notice's title is made of: a genre word (GB/T 9704 文种) or 关于. A site's or column's name
# (某某市人民政府门户网站, 政府信息公开, 法规资料库) has none.
_GENRE = re.compile(
    "关于|通知|意见|方案|决定|办法|规定|计划|纲要|规划|报告|批复|复函|函|通报|公告|通告|细则|条例|要点|措施|"
    "指南|清单|答复|命令|决议|公报|规则|分工|任务|实施|规程|标准"
)
_NOT_A_TITLE = re.compile("网站|门户|政府信息公开|信息公开|首页|资料库|数据库|信息网|资讯|新闻|频道|栏目")


def plausible_title(text: str | None) -> bool:
    """Whether ``text`` reads as a notice's title rather than a site, a column or a 文号."""
    if not text:
        return False
    t = to_simplified(re.sub(r"\s+", "", text))
    if not 6 <= len(t) <= 150 or find_doc_number(t) == t:
        return False
    if "关于" in t and _GENRE_END.search(t):  # 发文机关关于…的通知, whatever it is about (政府网站集约化…)
        return True
    return bool(_GENRE.search(t)) and not _NOT_A_TITLE.search(t)


def clean_title(text: str) -> str:
    """A title without a 文号 run into it (…的通知粤府〔2017〕8号), without the masthead and 文号
    that GB/T 9704 prints above it when a page runs them together (X人民政府文件鞍立政发〔2023〕2号
    立山区人民政府关于…的通知), without book-title marks around the whole of it (《…的通知》, as
    some portals show titles) and without the spaces layout put between its characters (…的通 知)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff》”）)])\s+(?=[\u4e00-\u9fff《“（(])", "", text).strip()
    for written, start, end in reversed(find_doc_numbers(text)):
        if gloss := MIRROR_PINYIN.match(text, end):  # 31號(hào): the mirror's gloss goes with it
            end = gloss.end()
        if end >= len(text.rstrip()) or start == 0:
            text = (text[:start] + text[end:]).strip()
        elif to_simplified(text[:start].rstrip()).endswith("文件") and plausible_title(text[end:]):
            text = text[end:].strip()  # the masthead (X人民政府文件) and 文号 before the title
    if text.startswith("《") and text.endswith("》") and "》" not in text[1:-1] and "《" not in text[1:-1]:
        text = text[1:-1]
    return text


# GB/T 9704 §7.3.3: the head sets the title in one or more lines (发文机关 / 关于…的 / 通知),
# above the 主送 line; portals copy those lines as paragraphs. It ends in its 文种.
_GENRE_END = re.compile(
    "(?:通知|意见|方案|决定|通报|批复|复函|函|报告|办法|规定|计划|要点|细则|措施|公告|通告|纲要|规划|分工)$"
)
_TITLE_LINES = 4  # the most lines a head's title is set in


def as_notice_title(text: str) -> str | None:
    """``text`` as a notice's own title (it says 关于 and ends in its 文种), cleaned; else None."""
    title = clean_title(text)
    flat = to_simplified(re.sub(r"\s+", "", title))
    return title if "关于" in flat and _GENRE_END.search(flat) and plausible_title(title) else None


def title_in_head(lines: list[str], max_lines: int = 8) -> str | None:
    """The notice's own title as its head sets it, before the letter opens: one line, or several
    run together (山东省人民政府办公厅 / 转发省人力资源社会保障厅等部门 / 关于做好…的意见的通知).
    A scraped head that runs title, 文号 and 主送 into one line with commas gives its first part."""
    prev = None
    for i, line in enumerate(lines[:max_lines]):
        text = line.strip(" \t\r\n\u3000\xa0")
        if opens_letter(text, prev):
            return as_notice_title(re.split("[,，]", header_before_letter(text))[0])
        joined = ""
        for part in lines[i : i + _TITLE_LINES]:
            part = part.strip(" \t\r\n\u3000\xa0")
            if _SENTENCE_END.search(part) or len(part) > 100 or (joined and opens_letter(part)):
                break
            if joined and _GENRE_END.search(to_simplified(joined)):
                break  # a line complete in itself (印发通知, a column's label) starts no title
            joined += part
            if found := as_notice_title(joined):
                return found
        prev = text
    return None


# --- info-table labels ----------------------------------------------------------------------------

# Labels portals put before a notice's metadata (政府信息公开 tables, 文章属性 lists), per field.
_LABELS = {
    "title": ("名称", "标题", "文件名称", "题名", "文件标题", "信息名称"),
    "issuer": ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "制发机关", "成文机关", "发布部门"),
    "doc_number": ("文号", "发文字号", "文件编号", "发文文号", "文件文号", "字号"),
    "signed_date": ("成文日期", "成文时间", "发文日期", "印发日期", "签发日期"),
    "publish_date": ("发布日期", "发布时间", "公开日期", "公布日期", "公开时间", "发文时间"),
    "source": ("来源", "信息来源", "文章来源"),  # often the website, so weaker than 发布机构
}
_FIELD_OF_LABEL = {label: field for field, labels in _LABELS.items() for label in labels}
_LABEL_WS = re.compile(r"[\s\u3000\xa0]+")
_LABEL_VALUE = re.compile(r"^\s*([^：:]{2,8}?)\s*[：:]\s*(.+?)\s*$", re.S)
_NEXT_LABEL = re.compile(r"[\s\u3000\xa0]+(?=[^\s\u3000\xa0：:]{2,8}[：:])")


def label_field(label: str) -> str | None:
    """The ParsedNotice field a label such as "发布机构：" or "文　　号" names ("source" for 来源), or None."""
    key = to_simplified(without_mirror_pinyin(_LABEL_WS.sub("", label).rstrip("：:"))[0])
    return _FIELD_OF_LABEL.get(key)


def split_label_value(text: str) -> tuple[str, str] | None:
    """("doc_number", "粤府〔2017〕8号") for a line "文号：粤府〔2017〕8号"; None if the label is unknown."""
    m = _LABEL_VALUE.match(text)
    if not m:
        return None
    field = label_field(m.group(1))
    value = _NEXT_LABEL.split(m.group(2), maxsplit=1)[0].strip()  # "来源：X 发布时间：Y" → X
    return (field, value) if field and value else None


def split_label_values(text: str) -> list[tuple[str, str]]:
    """Every known label pair in a line of several ("作者：X    发布时间：2020-02-08 17:12")."""
    return [pair for chunk in _NEXT_LABEL.split(text) if (pair := split_label_value(chunk))]


# --- signature ------------------------------------------------------------------------------------

_ORG_SUFFIX = re.compile(r"(政府|委员会|办公厅|办公室|省委|市委|区委|县委|厅|局|委|部|院|署|会|处|中心|公司)$")
_SENTENCE_PUNCT = re.compile(r"[。，,；;：:！？]")


def looks_like_issuer(line: str) -> bool:
    """True for a short signature line naming an organisation (广东省人民政府, 省发展改革委)."""
    line = line.strip(" \t\r\n\u3000\xa0")
    return 2 <= len(line) <= 40 and not _SENTENCE_PUNCT.search(line) and bool(_ORG_SUFFIX.search(to_simplified(line)))


_CLOSING_SENTENCE = re.compile(r"[。！!]\s*$")


def find_signature(lines: list[str]) -> tuple[str | None, date | None]:
    """(issuer, signed date) from the first signature block: a line that is only a date, right
    after a short organisation line. That line may be absent (issuer None): a sealed notice
    (GB/T 9704 §7.3.5) prints its 成文日期 under the seal, straight after the letter's closing
    sentence, and a page that drops the seal image leaves the date alone there."""
    for i, line in enumerate(lines):
        d = date_line(line)
        if d is None or i == 0:
            continue
        prev = lines[i - 1].strip(" \t\r\n\u3000\xa0")
        if looks_like_issuer(prev):
            return prev, d
        if (len(prev) <= 40 and not _SENTENCE_PUNCT.search(prev)) or _CLOSING_SENTENCE.search(prev):
            return None, d
    return None, None


# --- where the letter starts ----------------------------------------------------------------------

# A notice's own 文号 stands in its header, above the letter: the 主送 line (各地级以上市人民政府，
# …：), the first sentence, the signature and date. A 文号 standing alone further down belongs to
# a document the notice forwards or issues (转发/印发), whose own header follows the signature.
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_ADDRESS_END = re.compile(r"[：:]\s*$")
_FORWARDING = re.compile(r"发给你|现(?:予)?(?:转发|印发|将)|[，,]\s*请(?:认真|结合|遵照|按照)")
_MAX_LABEL = max(map(len, _FIELD_OF_LABEL))


def opens_letter(line: str, prev: str | None = None) -> bool:
    """True if ``line`` is part of the letter rather than the page or document header: the 主送
    line, a sentence, a 转发/印发 sentence, or the signature date (a date under an issuer line).
    Label lines ("文号：", "发布日期：2017-05-03") are header, not letter."""
    text = line.strip(" \t\r\n\u3000\xa0")
    if not text:
        return False
    if _SENTENCE_END.search(text) or _FORWARDING.search(text):
        return True
    if _ADDRESS_END.search(text) and label_field(text) is None:
        return True
    return date_line(text) is not None and prev is not None and looks_like_issuer(prev)


def header_before_letter(text: str) -> str:
    """The part of a run-together header ("…通知发布日期:2016-05-04粤府〔2016〕34号━━━…通知各地级
    以上市人民政府，…：现将…") before the letter starts: up to the first sentence end, 转发/印发
    sentence, or colon that does not close a label (the 主送 line's)."""
    cut = len(text)
    for pattern in (_SENTENCE_END, _FORWARDING):
        if m := pattern.search(text):
            cut = min(cut, m.start())
    for m in re.finditer(r"[：:]", text[:cut]):
        before = _LABEL_WS.sub("", text[max(0, m.start() - _MAX_LABEL - 4) : m.start()])
        if not any(label_field(before[-n:]) for n in range(2, min(len(before), _MAX_LABEL) + 1)):
            return text[: m.start()]
    return text[:cut]


# --- the issuing jurisdiction, read from the body --------------------------------------------
#
# Excerpts, forwarded copies and portal pages often drop the header (发文机关, 文号) and the
# signature, yet a notice speaks of its own jurisdiction: it addresses and assigns work to "全区"
# or "我市", and names itself ("推动湖北高质量发展", "咸安区…"). The lowest level the notice
# refers to as its own is its level; the division of that level it names most is its jurisdiction.

_LEVELS = ("县", "区", "市", "省")  # lowest first: a district notice also cites "全市" and "省委"
# 全区域 / 全市场 / 全县域 are not self-references.
_SELF_REFERENCE = {level: re.compile(rf"(?:全|我|本){level}(?![域场份级])") for level in _LEVELS}
# The addressee line (主送机关) names the issuer's own departments: "市政府各部门", "省直各单位", "区级各部门".
_ADDRESSEES_OF = re.compile(r"(省|市|区|县)(?:(?:人民)?政府各(?:部门|委|办|局|直属)|直(?:各|有关)?(?:部门|单位)|级各(?:有关)?部门)")
_NATIONAL_ADDRESSEES = re.compile(r"各省、自治区、直辖市|国务院各部委|国务院各直属机构")
_ORGAN_REFERENCE = {level: re.compile(rf"{level}(?:人民政府|政府|委)(?!员)") for level in _LEVELS}


@functools.lru_cache(maxsize=1)
def _division_names() -> dict[str, dict[str, tuple[str, ...]]]:
    """level → name as written (full or short, ≥ 2 characters) → the divisions' qualified names."""
    names: dict[str, dict[str, set[str]]] = {level: {} for level in _LEVELS}
    for r in load_seed("admin_divisions"):
        if r["level"] == "province":
            for name in {r["name"], r["short_name"]}:
                names["省"].setdefault(name, set()).add(r["name"])
        elif r["level"] == "prefecture" and r["kind"] == "市":
            for name in {r["name"], r["short_name"]}:
                names["市"].setdefault(name, set()).add(r["name"])
    for r in load_seed("county_divisions"):
        if r["kind"] not in ("区", "县"):
            continue
        owner = r["prefecture"] if r["prefecture"] and r["prefecture"] != r["name"] else r["province"]
        for name in {r["name"], r["short_name"]}:
            names[r["kind"]].setdefault(name, set()).add(owner + r["name"])
    return {level: {n: tuple(sorted(q)) for n, q in found.items() if len(n) >= 2} for level, found in names.items()}


@functools.lru_cache(maxsize=4)
def _name_pattern(level: str) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, _division_names()[level]), key=len, reverse=True)))


def _most_named(level: str, flat: str) -> str | None:
    """The division of ``level`` named most in ``flat``, if named more than any other and its
    name is not shared by divisions elsewhere (朝阳区 is in Beijing and in Changchun)."""
    counts: dict[tuple[str, ...], int] = {}
    for m in _name_pattern(level).finditer(flat):
        qualified = _division_names()[level][m.group()]
        counts[qualified] = counts.get(qualified, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked:
        return None
    (best, n), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    return best[0] if n > runner_up and len(best) == 1 else None


def _flat(text: str) -> str:
    """Simplified, no whitespace, no mirror's pinyin (成(chéng)都 → 成都)."""
    return to_simplified(re.sub(r"\s+", "", without_mirror_pinyin(text)[0]))


def jurisdiction_of_body(text: str, title: str | None = None) -> str | None:
    """The division a notice's body speaks for (湖北省, 成都市, 咸宁市咸安区), or None.

    Its level is the one whose departments the addressee line names ("市政府各部门"); failing
    that, the lowest one the text calls its own ("全区", "我市", "本县") and names a
    division of; failing those, the level whose government or committee it cites most ("市政府"
    twice, "省委" once: a city's notice). Its division is the one of that level the text names
    most, its ``title`` counted with the body. A national notice ("全国", "国务院") has none.
    """
    flat = _flat(text)
    named = _flat(title) + "\n" + flat if title else flat
    colon = re.search(r"[：:]", flat[:300])
    head = flat[: colon.end()] if colon else ""
    if _NATIONAL_ADDRESSEES.search(head):
        return None  # a State Council or ministry notice: its places are the subject, not the issuer
    addressed = _ADDRESSEES_OF.search(head)
    if addressed:
        return _most_named(addressed.group(1), named)
    own = [level for level in _LEVELS if _SELF_REFERENCE[level].search(flat)]
    for level in own:
        found = _most_named(level, named)
        if found is not None:
            return found
    cited = {level: len(_ORGAN_REFERENCE[level].findall(flat)) for level in _LEVELS}
    top = max(cited.values())
    if own or not top or list(cited.values()).count(top) > 1:
        return None
    return _most_named(max(cited, key=cited.get), named)
