"""Named projects a notice commits to, one row per mention.

Notices list projects in runs governed by one verb:
``推进合浦至湛江铁路、赣州至深圳客专…等项目建设``, ``规划研究张家界经湛江至海口旅游高铁…等铁路项目``,
``加快推进韩江高陂水利枢纽工程建设``. A run is: a verb from ``project_stages.csv`` (position
"before"), the items separated by 、/和/及, optionally ``等`` + a list noun (项目, 铁路项目 …), and
optionally a closing verb (position "after": 建设, 前期工作, 贯通 …). The verb with the higher
priority decides the stage, so ``推进…前期工作`` is preliminary work and ``实现…贯通`` completion.

An item counts as a project when its name carries a category word from
``project_categories.csv`` (铁路, 大桥, 水利枢纽 …) beyond the word itself, or names endpoints
(``柳州至广州``), or when the run's list noun says its items are projects (``…等项目建设``). The
category itself is assigned in dbt from the same seed, so users extend one file.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import polars as pl

from pipelines.extract._textview import TextView, depth_mask, split_top_level
from pipelines.model import Paragraph
from pipelines.seeds import load_seed
from pipelines.textnorm import normalize_text

PROJECT_SCHEMA: dict[str, pl.DataType] = {
    "mention_id": pl.String,
    "source_id": pl.String,
    "clause_id": pl.String,
    "name": pl.String,  # as written, without a trailing parenthetical note
    "name_normalized": pl.String,  # the key that makes mentions across notices one project
    "note": pl.String,  # the trailing parenthetical: 衔接贵广、南广高速铁路
    "stage": pl.String,  # planning | preliminary | construction | completion
    "verb": pl.String,  # as written: 推进…项目建设, 规划研究
    "list_noun": pl.String,  # what the run says its items are: 铁路项目, 过江通道
    "topic": pl.String,  # the paragraph's lead: 铁路方面
    "char_start": pl.Int32,  # offsets of the item (note included) into the notice's full text
    "char_end": pl.Int32,
    "page": pl.Int32,
}

# Manner adverbs before the governing verb (加快推进, 积极推进, 共同推进): grammar, not data.
_ADVERBS = "加快|积极|大力|共同|扎实|继续|有序|稳步|全力|着力|协同|联合|合力|重点|深入|进一步|争取|力争|适时|全面"
_SEGMENT_SEPARATORS = ",;:。!?"
# An item is not a project when it is a description rather than a name.
# 服务中心 and 服务站 are buildings (县残疾人综合服务中心), not a service.
# A network of a kind (干线公路网, 城际铁路网) is a kind of thing, not one project.
_DESCRIPTIVE = re.compile(
    r"[的《》“”\"]|建设|发展|水平|机制|体系|制度|标准|试点|能力|服务(?!中心|站)|功能|共建|(?:路|交通|运输|干线)网$"
)
# Generic heads: 支线机场, 快速通道, 三大科技创新合作区 name a kind of thing, not one project.
_GENERIC_START = re.compile(
    r"^(?:区域|一批|若干|各类|各种|有关|相关|重大|重点|现有|既有|其他|城市|市域|农村|省际|跨区域|跨省|国际|信息|"
    r"下一代|新一代|国家级|省级|支线|送出|快速|合作平台|世界级|通用|[一二三四五六七八九十两]大|与|同|和|及"
    # a count of things (新建2座人行天桥, 1个农贸市场), not a name (60万吨乙烯项目 keeps its capacity)
    r"|\d+(?:个|座|所|条|家|项|批|处|套))"
)
# A name or list noun does not start with a verb or a preposition (发展珠江-西江经济带, 共建无水港).
_VERB_START = re.compile(
    r"^(?:发展|建立|建设|实施|完善|提升|提高|推动|推进|打造|构建|形成|开展|共建|加强|促进|探索|制定|允许|将|把|在)"
)
# Words after a project's head noun that name the work on it (湛海铁路扩能工程).
_TRAILING_WORK = re.compile(r"(?:工程|项目|扩能|改造|电气化|扩建|改扩建|升级|迁建|整治|提质|达标|[一二三四]期)+$")
# A national, provincial or county road is named by its code (G351, S356 横沟至黄沙铺段, X012), in
# either case as portals print it.
_ROAD_CODE = re.compile(r"^[GSXgsx]\d{1,4}(?![\d.])")
# Two ends of a line (柳州至广州); 压缩至90个工作日 is a number, not an end.
_ENDPOINTS = re.compile(r"[^\-—至]{2,}(?:至|-|—)(?!\d)[^\-—至]{2,}")
_DASHES = re.compile(r"[-—–―－~〜]+|至")
_PARENS = re.compile(r"\([^()]*\)")
_TRAILING_GENERIC = re.compile(r"(?:项目|工程)+$")
_TOPIC = re.compile(r"^(\S{2,8}方面)[。.:]?$")
_LIST_NOUN_MAX = 14


@dataclass(frozen=True)
class _Verb:
    text: str
    stage: str
    priority: int


@functools.lru_cache(maxsize=1)
def _stage_verbs() -> tuple[re.Pattern[str], dict[str, _Verb], list[_Verb]]:
    rows = load_seed("project_stages")
    before = {r["verb"]: _Verb(r["verb"], r["stage"], int(r["priority"])) for r in rows if r["position"] == "before"}
    after = sorted(
        (_Verb(r["verb"], r["stage"], int(r["priority"])) for r in rows if r["position"] == "after"),
        key=lambda v: -len(v.text),
    )
    core = "|".join(sorted(map(re.escape, before), key=len, reverse=True))
    # A second verb may follow the first (加快推进迁建龙岩机场项目): it is part of the verb, never of the name.
    prefix = re.compile(rf"(?:{_ADVERBS}){{0,2}}(?P<core>{core})(?P<then>{core})?")
    return prefix, before, after


@functools.lru_cache(maxsize=1)
def _place_short_names() -> frozenset[str]:
    """广州, 深圳 …: a place before 等机场 names the place's airport, not a project's name."""
    return frozenset(r["short_name"] for r in load_seed("admin_divisions")) | frozenset(
        r["short_name"] for r in load_seed("county_divisions")
    )


@functools.lru_cache(maxsize=1)
def _category_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(r["pattern"]) for r in load_seed("project_categories"))


def _has_category_word(name: str) -> bool:
    """The name carries a category word and something more than it (港珠澳大桥, not 公路 or 飞地港)."""
    longest = max((len(m.group()) for p in _category_patterns() if (m := p.search(name))), default=0)
    # A long name may keep one character outside a wide pattern (淦河 + 二期系统治理).
    return longest > 0 and len(name) - longest >= (1 if len(name) >= 6 else 2)


def _ends_with_category(name: str) -> bool:
    """The name's head noun is a category word (中珠澳沿江高速, 湛海铁路扩能工程)."""
    head = _TRAILING_WORK.sub("", _PARENS.sub("", name)) or name
    if _ROAD_CODE.match(head) and len(head) > 4:
        return True
    return _has_category_word(head) and any(re.search(f"(?:{p.pattern})$", head) for p in _category_patterns())


def normalize_project_name(name: str) -> str:
    """The matching key of a project name.

    Simplified + NFKC, parentheticals dropped (深（圳）中（山）通道 → 深中通道), every dash and 至
    written "-", and a trailing generic 工程/项目 dropped (韩江高陂水利枢纽工程 → 韩江高陂水利枢纽).
    """
    key = normalize_text(name).replace(" ", "")
    while True:
        stripped = _PARENS.sub("", key)
        if stripped == key:
            break
        key = stripped
    key = _DASHES.sub("-", key)
    return _TRAILING_GENERIC.sub("", key) or key


def _split_note(text: str) -> tuple[str, str | None]:
    """("深圳至肇庆客专", "衔接贵广、南广高速铁路") for "深圳至肇庆客专(衔接贵广、南广高速铁路)"."""
    if text.endswith(")"):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                if i > 0:
                    return text[:i], text[i + 1 : -1]
                break
    return text, None


def _items(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """Item spans of a run body: cut at 、 and at 和/及/以及 outside brackets."""
    depth = depth_mask(view)
    out: list[tuple[int, int]] = []
    for a, b in split_top_level(view, "、", start, end):
        cuts = [a]
        for m in re.finditer("以及|及|和", view[a:b]):
            s, e = a + m.start(), a + m.end()
            if depth[s] == 0 and s - cuts[-1] >= 2 and b - e >= 2:
                cuts.extend([s, e])
        cuts.append(b)
        out.extend((cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))
    return [(a, b) for a, b in out if b > a]


@dataclass(frozen=True)
class _Run:
    verb_start: int  # view offsets of the governing verb with its adverbs (加快推进)
    verb_end: int
    verb: _Verb
    items: list[tuple[int, int]]  # view offsets of each item, note included
    list_noun: str | None
    closing: _Verb | None


def _parse_run(view: str, verb_start: int, verb_end: int, verb: _Verb, seg_end: int) -> _Run | None:
    _, _, closings = _stage_verbs()
    body_end = seg_end
    closing = None
    for c in closings:
        if view.endswith(c.text, verb_end, seg_end) and seg_end - len(c.text) > verb_end:
            closing, body_end = c, seg_end - len(c.text)
            break
    depth = depth_mask(view)
    list_noun = None
    # The last 等 that ends the list (not the 等 of 高等级).
    etc = max(
        (i for i in range(verb_end, body_end) if view[i] == "等" and depth[i] == 0 and view[i + 1 : i + 2] != "级"),
        default=-1,
    )
    if etc >= 0:
        list_noun = view[etc + 1 : body_end]
        if len(list_noun) > _LIST_NOUN_MAX or _DESCRIPTIVE.search(list_noun) or _VERB_START.search(list_noun):
            return None
        body_end = etc
    items = _items(view, verb_end, body_end)
    if not items:
        return None
    listed_as_projects = bool(list_noun) and (
        list_noun.endswith(("项目", "工程")) or any(p.search(list_noun) for p in _category_patterns())
    )
    categorised = bool(list_noun) and any(p.search(list_noun) for p in _category_patterns())
    if list_noun and not listed_as_projects:  # …等老旧机组关停, …等交通网络
        return None

    def is_project(name: str) -> bool:
        if len(name) < 2 or len(name) > 40 or _DESCRIPTIVE.search(name) or _GENERIC_START.search(name) or _VERB_START.search(name):
            return False
        if listed_as_projects:
            # A name of three or more characters in a run listed as projects counts
            # (粤蓉欧、粤黔欧等互联互通班列; not 西江、北江等…航道, which names rivers).
            # Two characters do when the list noun is a kind of line (兰渝、南广、贵广等一批重点铁路:
            # railways are named by their two ends), not a river (西江、北江等…).
            return (_has_category_word(name) or bool(_ENDPOINTS.search(name)) or len(name) >= 3
                    or (categorised and re.fullmatch(r"[\u4e00-\u9fff]{2}", name) is not None
                        and name[-1] not in "江河湖海山" and name not in _place_short_names()))
        if closing is not None or list_noun is not None:
            return _has_category_word(name) or bool(_ENDPOINTS.search(name))
        # A bare verb + object (推进…, 研究谋划中珠澳沿江高速) is a project only when the
        # object's head noun is a project kind; 推动口岸通关协作 is an action.
        return _ends_with_category(name) or bool(_ENDPOINTS.search(name))

    # Each item is judged on its own (启动南外环高速公路、全域公交项目建设: the expressway is a
    # project, the bus network is not); a run with no project in it is no run.
    names = [_split_note(view[a:b])[0] for a, b in items]
    kept = [item for item, name in zip(items, names) if is_project(name)]
    if not kept or (len(kept) < len(items) and not (closing is not None or listed_as_projects)):
        return None
    items = kept
    return _Run(verb_start, verb_end, verb, items, list_noun or None, closing)


def _stage(run: _Run) -> str | None:
    candidates = [v for v in (run.verb, run.closing) if v is not None and v.stage]
    if not candidates:
        return None
    # The closing verb wins a tie: 推进…前期工作 is about the preliminary work.
    return max(candidates, key=lambda v: (v.priority, v is run.closing)).stage


def _runs_in_clause(view: str, continuation: str = "") -> list[_Run]:
    """Runs in a clause. ``continuation`` is the start of the next paragraph when the layout cut
    the sentence (…岑溪至罗定等 | 铁路项目建设。): it may close the clause's last run, whose
    items all lie in the clause."""
    prefix, before, _ = _stage_verbs()
    runs: list[_Run] = []
    own_end = len(view)
    view += continuation
    for seg_start, seg_end in split_top_level(view, _SEGMENT_SEPARATORS):
        if seg_start > own_end:
            break
        for m in prefix.finditer(view, seg_start, seg_end):
            verbs = [before[v] for v in (m.group("core"), m.group("then")) if v]
            run = _parse_run(view, m.start(), m.end(), max(verbs, key=lambda v: v.priority), seg_end)
            if run is not None and all(b <= own_end for _, b in run.items):
                runs.append(run)
                break
    return runs


# The papers of a project's approval (项目建议书 → 可行性研究报告 → 初步设计): a project whose paper is
# to be examined or approved is at its preliminary stage (审核亭子口水利枢纽工程项目建议书, 批复…可研报告).
_APPROVAL_PAPER = re.compile(r"的?(?:可行性研究报告|可研报告|项目建议书|初步设计)")
# What comes before the project's name: the verb or preposition of the sentence, last one wins.
_PAPER_LEAD = re.compile(r".*(?:审核|审批|批复|核准|审查|评估|编制|报批|上报|报送|论证|完成|开展|新建|改建|扩建|关于|提出的|对|的)")
# A section of a reply or of minutes about one request: 五、关于巴朗山隧道建设问题.
_ISSUE_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[.、])?关于(?P<what>[^,;:。、和及与]{2,40})问题[。.]?$"
)
_NAMED_WORK = re.compile(r"(?:项目|工程|基地)$")


def _named_project(name: str) -> bool:
    """A proper name of a works without a governing run: a named 项目/工程/基地 (60万吨乙烯项目,
    亭子口水利枢纽工程) or a works named by its kind (巴朗山隧道, 康定机场), not a description
    (…的堤防建设) nor an activity on a river (长江上游污染治理: no works is named)."""
    if not 2 <= len(name) <= 30 or _DESCRIPTIVE.search(name) or _GENERIC_START.search(name) or _VERB_START.search(name):
        return False
    if _NAMED_WORK.search(name):
        return len(name) >= 4
    literal = [p.pattern for p in _category_patterns() if re.fullmatch(r"[\u4e00-\u9fff]+", p.pattern)]
    return _ends_with_category(name) and any(name.endswith(word) for word in literal)


def _unrun_mentions(view: str, is_heading: bool) -> list[tuple[int, int, str, str]]:
    """(start, end, stage, verb) of projects named outside a verb's run: before an approval paper,
    and in the heading of a section about a request."""
    out = []
    for m in _APPROVAL_PAPER.finditer(view):
        seg_start = max((view.rfind(c, 0, m.start()) for c in _SEGMENT_SEPARATORS), default=-1) + 1
        lead = _PAPER_LEAD.match(view, seg_start, m.start())
        start = lead.end() if lead else seg_start
        if _named_project(view[start : m.start()]):
            out.append((start, m.start(), "preliminary", m.group().lstrip("的")))
    if is_heading and (h := _ISSUE_HEADING.match(view)):
        a, b = h.span("what")
        _, _, closings = _stage_verbs()
        closing = next((c for c in closings if view.endswith(c.text, a, b) and b - len(c.text) - a >= 2), None)
        if closing is not None:
            b -= len(closing.text)
        if _named_project(view[a:b]) and not any(s <= a < e for s, e, _, _ in out):
            out.append((a, b, closing.stage if closing and closing.stage else "planning", "关于…问题"))
    return out


def extract_projects(source_id: str, paragraphs: list[Paragraph], clauses: pl.DataFrame) -> pl.DataFrame:
    """One row per project mention in a notice (see the module docstring).

    ``clauses`` is the notice's clause frame (pipelines.clauses.clause_frame); offsets point into
    ``"\\n".join(p.text for p in paragraphs)``. Clauses that repeat earlier text of the same
    source (``is_repeat``) are skipped, so a scraped page that repeats a passage counts it once.
    """
    del paragraphs  # the clause frame carries text, offsets and pages
    rows: list[dict] = []
    topics: dict[int, str] = {}
    ordered = list(clauses.sort("seq").iter_rows(named=True))
    for i, clause in enumerate(ordered):
        view = TextView.of(clause["text"])
        para = clause["paragraph_seq"]
        if para not in topics:
            m = _TOPIC.match(view.text)
            topics[para] = m.group(1) if m else ""
        if clause["is_repeat"]:
            continue
        found: list[tuple[int, int, str, str, str | None]] = []  # (start, end, stage, verb, list noun)
        for run in _runs_in_clause(view.text, _continuation(view.text, ordered[i + 1 : i + 2])):
            stage = _stage(run)
            if stage is None:
                continue
            verb = view.original_of(run.verb_start, run.verb_end)
            if run.closing is not None:
                verb += "…" + run.closing.text
            found += [(a, b, stage, verb, run.list_noun) for a, b in run.items]
        for a, b, stage, verb in _unrun_mentions(view.text, bool(clause["is_heading"])):
            if not any(s < b and a < e for s, e, *_ in found):
                found.append((a, b, stage, verb, None))
        for a, b, stage, verb, list_noun in found:
            name_view, note_view = _split_note(view.text[a:b])
            name = view.original_of(a, a + len(name_view))
            start, end = view.span(a, b)
            rows.append(
                {
                    "mention_id": f"{source_id}/prj{clause['char_start'] + start:06d}",
                    "source_id": source_id,
                    "clause_id": clause["clause_id"],
                    "name": name,
                    "name_normalized": normalize_project_name(name),
                    "note": view.original_of(b - 1 - len(note_view), b - 1) if note_view else None,
                    "stage": stage,
                    "verb": verb,
                    "list_noun": list_noun,
                    "topic": topics[para] or None,
                    "char_start": clause["char_start"] + start,
                    "char_end": clause["char_start"] + end,
                    "page": clause["page"],
                }
            )
    return pl.DataFrame(rows, schema=PROJECT_SCHEMA)


def _continuation(view: str, following: list[dict]) -> str:
    """The next paragraph's first phrase, if this clause ends without punctuation: the layout broke
    the sentence (PDF paragraphs can end mid-sentence at a page or column break)."""
    if not view or view[-1] in _SEGMENT_SEPARATORS + ";" or not following:
        return ""
    nxt = following[0]
    text = TextView.of(nxt["text"]).text
    cut = min((text.find(c) for c in _SEGMENT_SEPARATORS if c in text), default=len(text))
    return text[:cut]
