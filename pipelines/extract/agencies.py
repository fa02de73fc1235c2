"""The grammar of responsibility notes: which agencies a note names, and in which role.

A note is the parenthesis or line that closes a task: ``（省发展改革委牵头，省交通运输厅、水利厅等按职责
分工负责）`` or ``责任单位：省发改委、住建厅等，相关设区市人民政府``. Parsing it takes four steps, each a
small function below:

1. ``note_body`` strips the brackets;
2. ``role_segments`` cuts the body at labels (责任单位：, 牵头单位：) and role markers (牵头 /
   按职责分工负责 / 配合 …);
3. ``split_runs`` cuts a segment at commas and semicolons (a new run: no prefix carries over),
   ``split_items`` cuts a run at 、 and the joiners 及 / 以及 / 和 / 与 and drops 等;
4. ``expand_shared_suffix`` and ``qualify`` turn items into agency names: ``广东、深圳、珠海出入境检验
   检疫局`` is three bureaus, ``交通运输厅`` after ``省发展改革委`` is the issuing province's.

Reference data (China's divisions, agency kinds that name themselves, vague group patterns) is read
from the dbt seeds; canonical names and English names are resolved by dbt (int_agencies_resolved).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.seeds import load_seed
from pipelines.textnorm import normalize_text

LEAD, CO, RESPONSIBLE = "lead", "co", "responsible"

# Labels of note lines: 责任单位：… / 牵头单位：…；配合单位：…  (None: decided by markers inside).
_LABEL_ROLES = {"牵头单位": LEAD, "责任单位": None, "配合单位": CO, "参与单位": CO, "协办单位": CO}
_LABEL = re.compile(r"(牵头单位|责任单位|配合单位|参与单位|协办单位)\s*[:：]\s*")
# A role marker closes the agencies before it; "等" before it is a joiner and goes with it.
_MARKER = re.compile(
    r"等?\s*(按照?职责分工负责|按职责负责|分工负责|牵头负责|牵头|负责|配合|参与|协助|协同)\s*(?=[，,；;。、]|$)"
)
_MARKER_ROLES = {"牵头": LEAD, "牵头负责": LEAD, "配合": CO, "参与": CO, "协助": CO, "协同": CO}
_RUN_SEPARATORS = "，,；;"
_ITEM_SEPARATORS = "、"
_OPEN, _CLOSE = "（(", "）)"
# 和 / 与 also occur inside names (发展和改革委员会, 海洋与渔业厅): they join two agencies only when the
# text before them already ends like an agency name.
_AGENCY_FINALS = set("厅局委办部院会司署行处站队所心团府室社位门")
# Type characters of a shared "州、市人民政府" suffix, and which division kinds they stand for.
_TYPE_KINDS = {"省": ("省", "自治区"), "市": ("市",), "州": ("自治州",), "盟": ("盟",), "区": ("地区", "自治区")}
_TYPE_LIST = re.compile(r"等?\s*([省市州盟区](?:\s*[、和及]\s*[省市州盟区])+)(?=\S)")
# Kinds whose members name themselves (海关广东分署, 广铁集团): no province prefix carries over to them.
_SELF_NAMED_KINDS = ("central_agency", "central_local_office", "enterprise")
# "交通运输部珠江航务管理局", "水利部珠江水利委员会": a ministry's office names itself.
_MINISTRY_OFFICE = re.compile(r"^[\u4e00-\u9fff]{1,8}部(?!门)[\u4e00-\u9fff]{2,}")


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


# ---------------------------------------------------------------------------------------------
# Reference data (seeds)


@dataclass(frozen=True)
class _Gazetteer:
    by_name: dict[str, Division]
    by_short: dict[str, tuple[Division, ...]]
    self_named: tuple[tuple[str, str], ...]  # (match, pattern) rows of agency_kinds: prefix | exact
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
    self_named = tuple(
        (r["match"], r["pattern"])
        for r in load_seed("agency_kinds")
        if r["match"] in ("prefix", "exact") and r["kind"] in _SELF_NAMED_KINDS
    )
    groups = re.compile("|".join(f"(?:{r['pattern']})" for r in load_seed("agency_groups")))
    return _Gazetteer({d.name: d for d in divisions}, {k: tuple(v) for k, v in by_short.items()}, self_named, groups)


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
    """The full name of a province given as "广东省", "广东" or None."""
    if not province:
        return None
    g = _gazetteer()
    if province in g.by_name and g.by_name[province].level == "province":
        return province
    for d in g.by_short.get(province.removesuffix("省"), ()):
        if d.level == "province":
            return d.name
    return None


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
    """True for a vague group (有关地级以上市政府, 省有关单位, 领导小组成员单位), per the agency_groups seed."""
    return bool(_gazetteer().groups.search(text))


def _self_named(text: str) -> bool:
    """True for a unit whose name stands on its own and takes no province prefix: a central agency's
    local office (海关广东分署, 民航中南管理局, 交通运输部珠江航务管理局) or an enterprise (广铁集团)."""
    for match, pattern in _gazetteer().self_named:
        if (match == "prefix" and text.startswith(pattern)) or (match == "exact" and text == pattern):
            return True
    return bool(_MINISTRY_OFFICE.match(text)) and not text.startswith("省")


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


def note_body(note: str) -> Span:
    """The part of a note inside its brackets (a 责任单位： line is its own body)."""
    span = _trim(Span(note, 0))
    if span.text[:1] in _OPEN and span.text[-1:] in _CLOSE:
        span = _trim(Span(span.text[1:-1], span.start + 1))
    return span


def role_segments(body: Span) -> list[tuple[Span, str | None]]:
    """Cut a note body into (segment, role) at labels and role markers.

    ``省发展改革委牵头，省交通运输厅等按职责分工负责`` → (省发展改革委, lead), (省交通运输厅, None).
    The role is lead for 牵头, co for 配合/参与/协助, None for 负责-style markers and unmarked text:
    those are co-responsible after a lead and plainly responsible in a note that names none.
    """
    labelled: list[tuple[Span, str | None]] = []
    labels = list(_LABEL.finditer(body.text))
    if not labels or labels[0].start() > 0:
        end = labels[0].start() if labels else len(body.text)
        labelled.append((Span(body.text[:end], body.start), None))
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(body.text)
        labelled.append((Span(body.text[m.end() : end], body.start + m.end()), _LABEL_ROLES[m.group(1)]))

    segments: list[tuple[Span, str | None]] = []
    for span, label_role in labelled:
        start = 0
        for m in _MARKER.finditer(span.text):
            role = _MARKER_ROLES.get(m.group(1), label_role)
            segments.append((Span(span.text[start : m.start()], span.start + start), role))
            start = m.end()
        segments.append((Span(span.text[start:], span.start + start), label_role))
    out = []
    for span, role in segments:
        span = _strip(span, _RUN_SEPARATORS)
        if span.text:
            out.append((span, role))
    return out


def split_runs(segment: Span) -> list[Span]:
    """Cut a segment at commas and semicolons: each run starts afresh (no prefix carries over)."""
    return _split(segment, _RUN_SEPARATORS)


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
        out.extend(_split_on(item, "(?<![高中初平同])等"))
    return [i for i in out if i.text]


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


# ---------------------------------------------------------------------------------------------
# From items to names


@dataclass(frozen=True)
class _Item:
    span: Span  # the mention as written
    text: str  # the name to qualify: shared suffix expanded, annotations removed
    place: Division | None = None  # set for a place of a "州、市人民政府" list: text is then its suffix


def _clean(text: str) -> str:
    """Matching form of an item: normalised, spaces and bracketed annotations (（省委人才办）) removed."""
    text = normalize_text(text)
    text = re.sub(r"[（(][^（()）]*[）)]", "", text)
    return re.sub(r"\s+", "", text)


def expand_shared_suffix(run: Span, province: str | None) -> list[_Item]:
    """Items of a run, with a suffix shared by a list of places given to each place.

    ``广东、深圳、珠海出入境检验检疫局`` → 广东出入境检验检疫局, 深圳出入境检验检疫局, 珠海出入境检验检疫局;
    ``广州、深圳、珠海市政府`` → 广州市政府, …; ``保山、红河、文山等州、市人民政府`` → each place with its
    own type from the division list (红河 is a 州, 保山 a 市) and 人民政府. Only items that are exactly
    a place name take the suffix.
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
    for item in split_items(run):
        text = _clean(item.text)
        if text == item.text and find_division(text, province) is not None:
            pending.append(item)
            continue
        suffix = ""
        lead = _leading_division(text, province)
        if pending and lead is not None:
            d, n, _ = lead
            # "珠海市政府" → the others take "市政府"; "珠海出入境检验检疫局" → "出入境检验检疫局".
            suffix = text[len(d.short_name) :] if text.startswith(d.short_name) else text[n:]
        out.extend(_Item(p, _clean(p.text) + suffix) for p in pending)
        pending = []
        out.append(_Item(item, text))
    out.extend(_Item(p, _clean(p.text)) for p in pending)
    return out


def qualify(
    item: _Item, carried: str | None, province: str | None
) -> tuple[str | None, str, str | None, str | None]:
    """(jurisdiction, unit, province, carry) for one item.

    ``carry`` is the jurisdiction the following items of the run inherit: ``省发展改革委、交通运输厅``
    → 广东省交通运输厅. A bare place name keeps the name as written (福州海关, 广东出入境检验检疫局: central
    offices named after a place); so do self-named units (海关广东分署, 广铁集团). An item with no
    jurisdiction of its own and nothing to inherit belongs to the issuing province.
    """
    own = resolve_province(province)
    text = item.text
    if item.place is not None:
        return item.place.name, text, item.place.province, carried
    if own and text.startswith("团省委"):
        return own, "团委" + text[3:], own, carried
    if own and text.startswith("省委"):
        return own + "委", text[2:], own, own + "委"
    if own and text.startswith("省") and not text.startswith("省区"):
        return own, text[1:], own, own
    if _self_named(text):
        places = places_in(text)
        return None, text, places[-1].province if places else None, carried
    lead = _leading_division(text, province)
    if lead is not None:
        d, n, typed = lead
        if typed and n < len(text):
            return d.name, text[n:], d.province, d.name
        places = places_in(text)
        return None, text, places[-1].province if places else d.province, carried
    jurisdiction = carried or own
    if jurisdiction is None:
        return None, text, None, carried
    owner = _gazetteer().by_name.get(jurisdiction.removesuffix("委"))
    return jurisdiction, text, owner.province if owner else own, carried


# ---------------------------------------------------------------------------------------------
# The whole note


def parse_note(note: str, province: str | None) -> list[AgencyMention]:
    """The agencies a responsibility note names, in order, with their roles.

    ``province`` is the issuing province ("广东省" or "广东"): ``省`` means it. Offsets are relative to
    ``note``. Vague groups are kept, flagged ``is_group``.
    """
    segments = role_segments(note_body(note))
    has_lead = any(role == LEAD for _, role in segments)
    mentions: list[AgencyMention] = []
    for segment, role in segments:
        role = role or (CO if has_lead else RESPONSIBLE)
        for run in split_runs(segment):
            carried: str | None = None
            for item in expand_shared_suffix(run, province):
                jurisdiction, unit, owner, carried = qualify(item, carried, province)
                name = (jurisdiction or "") + unit
                mentions.append(
                    AgencyMention(
                        position=len(mentions),
                        role=role,
                        mention=item.span.text,
                        name=name,
                        jurisdiction=jurisdiction,
                        unit=unit,
                        province=owner,
                        is_group=is_group(item.text),
                        start=item.span.start,
                        end=item.span.end,
                    )
                )
    return mentions


_NOTE_CONTENT = re.compile(
    r"^(?:(?:牵头单位|责任单位|配合单位|参与单位|协办单位)\s*[:：].+|.+?(?:牵头|负责|配合|参与|协助|协同))\s*$",
    re.S,
)


# Prose in brackets that happens to end in 负责 ("由省发展改革委负责的项目…") is not a note.
_PROSE = re.compile(r"^(?:由|请|要|应|其中|含|包括|以下)|的|。")


def looks_like_note(content: str) -> bool:
    """True if a bracket's content (or a line) reads as a responsibility note: a labelled list, or a
    list that ends in a role marker, with no sentence inside it."""
    content = content.strip()
    if not content or _PROSE.search(content) or len(content) > 400:
        return False
    if not _NOTE_CONTENT.match(content):
        return False
    return bool(parse_note(content, None))
