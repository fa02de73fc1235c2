"""Targets: the dated or quantified commitments of a notice, one row per commitment.

Four kinds:

* ``quantitative``: a metric, a value and a unit, usually with a year:
  ``争取到2020年海堤标准化率提高至80%以上`` → 海堤标准化率, 2020, 80, %, ≥, hedge 争取.
* ``milestone``: a dated goal without a number: ``实现到2020年内地九省区省会城市高速铁路互联互通``;
  staged goals ``第一步，到 2020 年，…`` carry their step; ``到2020年左右,实现以下合作目标:`` and the
  ``——…`` goals listed under it share the (approximate) year.
* ``plan_period``: ``(2016-2020)``, ``“十三五”`` (2016–2020), ``三年行动计划``.
* ``deadline``: ``于每年6月底和12月底前报送`` (recurring), ``2018年底前完成``.

Years written relative to the notice (今年, 明年, 用三年时间, 三年内) are resolved against
``document_date``; without one they stay null. Metric names are not decided here: the metric
words are kept as written (``metric_phrase``) and dbt maps them through ``metric_dictionary.csv``.
Matching runs on a normalised view (half-width punctuation, Simplified, no spaces, so
"到 2020 年" is "到2020年"); offsets point into the original full text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import cn2an
import polars as pl

from pipelines.extract._textview import TextView
from pipelines.model import Paragraph
from pipelines.outline import heading_marker
from pipelines.textnorm import normalize_text

TARGET_SCHEMA: dict[str, pl.DataType] = {
    "target_id": pl.String,
    "source_id": pl.String,
    "clause_id": pl.String,
    "kind": pl.String,  # quantitative | milestone | plan_period | deadline
    "metric_phrase": pl.String,  # the metric or goal words as written: 海堤标准化率
    "metric_phrase_normalized": pl.String,  # Simplified/NFKC form, for the metric dictionary
    "target_year": pl.Int32,  # the year the target is due (first year of a plan period)
    "target_year_end": pl.Int32,  # last year of a plan period
    "is_approximate": pl.Boolean,  # the year or the value is approximate: 到2020年左右, 15%左右
    "value": pl.Float64,
    "value_high": pl.Float64,  # upper end of a range (58%—60%)
    "unit": pl.String,  # as written, magnitude included: %, 亿元, 万个, 小时
    "comparator": pl.String,  # = ≥ ≤ > < between, + / - (change by), ×2 ×4 (翻一番, 翻两番)
    "hedge": pl.String,  # 争取 力争 努力 确保 基本 初步 …
    "step": pl.Int32,  # 第一步 → 1 in staged goals
    "base_year": pl.Int32,  # 比2010年翻一番 → 2010
    "recurrence": pl.String,  # yearly | half-yearly | quarterly | monthly
    "deadline": pl.String,  # ISO date (2018-12-31) or recurring month-days (--06-30;--12-31) or days (---28)
    "statement": pl.String,  # the sentence (clause) the target is in
    "char_start": pl.Int32,  # offsets of the target expression into the notice's full text
    "char_end": pl.Int32,
    "page": pl.Int32,
}

# --- grammar ------------------------------------------------------------------------------------
# Small closed word classes of the language of targets; reference data (metric names) is in seeds.

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_NUM = f"[{_CN_DIGIT}十百千]+(?:点[{_CN_DIGIT}]+)?"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|{_CN_NUM})"
_YEAR = rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})"
_HEDGES = "力争|争取|努力|确保|力求|预计|基本|初步"
_SEP = ",;:。!?"  # ends a phrase in the view (full-width punctuation is half-width there)
_UNITS = sorted(
    [
        "%", "‰", "个百分点", "个工作日", "工作日", "微克/立方米", "平方公里", "平方米", "公里", "千米", "米",
        "元", "美元", "吨", "千瓦时", "千瓦", "兆瓦", "人次", "人", "个", "家", "所", "项", "座", "条", "套",
        "辆", "户", "亩", "标箱", "张", "台", "艘", "架次", "次", "倍", "小时", "分钟", "天", "年", "公斤", "斤",
    ],
    key=len,
    reverse=True,
)
_UNIT = (
    "(?:(?:万亿|千亿|百亿|亿|万|千)?(?:" + "|".join(map(re.escape, _UNITS)) + ")"
    # a bare magnitude when a comparator follows: 农村贫困人口减少60万以上
    "|(?:万亿|亿|万)(?=及以上|以上|以下|以内|左右))"
)

# Verb → comparator. "to" verbs state the value reached; "by" verbs a change.
_VERB_COMPARATOR = {
    "提高到": "=", "提高至": "=", "提升到": "=", "提升至": "=", "增加到": "=", "增加至": "=",
    "增长到": "=", "增长至": "=", "达到": "=", "保持在": "=", "稳定在": "=", "缩短到": "≤", "缩短至": "≤", "压缩到": "≤", "压缩至": "≤",
    "降低到": "≤", "降低至": "≤", "降到": "≤", "降至": "≤", "下降到": "≤", "下降至": "≤", "减少到": "≤",
    "减少至": "≤", "控制在": "≤", "不超过": "≤", "不高于": "≤", "不低于": "≥", "不少于": "≥",
    "目标为": "=", "超过": ">", "突破": ">", "高于": ">", "低于": "<", "少于": "<",
    "年均增长": "+", "增长": "+", "提高": "+", "提升": "+", "下降": "-", "降低": "-", "减少": "-",
}
_SUFFIX_COMPARATOR = {"以上": "≥", "及以上": "≥", "以下": "≤", "及以下": "≤", "以内": "≤"}
_CHANGE_VERB = "|".join(sorted(_VERB_COMPARATOR, key=len, reverse=True))
# Verbs strong enough to make a number a target even in an undated sentence (not 增长/提高).
_STRONG_VERBS = {v for v, c in _VERB_COMPARATOR.items() if c not in "+-" or v == "年均增长"} - {"保持在"}

_QUANTITY = re.compile(
    rf"(?P<verb>{_CHANGE_VERB})(?P<approx>约|近)?"
    rf"(?:百分之(?P<pct>{_CN_NUM})(?:[-—~至到](?:百分之)?(?P<pct_high>{_CN_NUM}))?"
    rf"|(?P<num>{_NUM})(?:{_UNIT})?(?:[-—~至到](?P<high>{_NUM}))?(?P<unit>{_UNIT}))"
    rf"(?P<suffix>及以上|及以下|以上|以下|以内|左右)?"
)
# A rate or share stated with its value and no verb, as goal lists write them: 城镇调查失业率5%左右,
# 居民消费价格涨幅3%左右, 制造业增加值占地区生产总值比重35%左右. Only where a target year governs.
_RATE_NOUN = "率|比重|占比|涨幅|增幅|增速|比例"
_NOMINAL_RATE = re.compile(
    rf"(?:{_RATE_NOUN})(?P<approx>约|近)?(?P<num>{_NUM})(?P<unit>%|‰|个百分点)"
    rf"(?:[-—~至到](?P<high>{_NUM})(?:%|‰|个百分点)?)?(?P<suffix>及以上|及以下|以上|以下|以内|左右)?"
)
# What an annual plan completes or arranges, metric then amount: 完成固定资产投资98.5亿元,
# 安排重点预备项目10个, 撬动社会资本1000亿元. Only where a target year governs.
_AMOUNT_VERB = "完成|安排|撬动|计划投资|投资"
_AMOUNT = re.compile(
    rf"(?P<verb>{_AMOUNT_VERB})(?P<metric>[^{_SEP}、\d]{{0,15}}?)(?P<num>{_NUM})(?P<unit>{_UNIT})(?P<suffix>及以上|以上|左右)?"
)
_AMOUNT_MORE = re.compile(
    rf"、(?P<verb>)(?P<metric>[^{_SEP}、\d]{{1,15}}?)(?P<num>{_NUM})(?P<unit>{_UNIT})(?P<suffix>及以上|以上|左右)?"
)
_DOUBLING = re.compile(r"(?:比(?P<base>\d{4})年)?翻(?P<n>一|两|二|三)番")
_COUNT_VERB = "新增|新建|建成|累计建成|培育|引进|打造|创建|建设|建立|设立|组建|遴选|布局"
_COUNT_UNIT = "(?:万|千)?(?:个|家|所|项|座|条|套|辆|户|人|张|台|艘)"
# 新建5G基站2万个 (metric, then number) and 培育100家以上龙头企业 (number, then metric).
_COUNT = re.compile(
    rf"(?P<verb>(?:{_COUNT_VERB})(?:形成|建成|打造|培育)?)(?:(?P<num1>{_NUM})(?:[-—~至到](?P<high1>{_NUM}))?(?P<unit1>{_COUNT_UNIT})(?P<suffix1>以上|左右)?"
    rf"(?P<metric1>[^{_SEP}、\d]{{2,15}})"
    rf"|(?P<metric2>[^{_SEP}、]{{0,19}}[^{_SEP}、\d])(?P<num2>{_NUM})(?P<unit2>{_COUNT_UNIT})(?P<suffix2>以上|左右)?)"
)
# A second count the same verb governs: 培育形成2个千亿级产业集群和6个五百亿级产业集群.
_COUNT_MORE = re.compile(
    rf"(?:和|及|以及|、)(?P<num>{_NUM})(?:[-—~至到](?P<high>{_NUM}))?(?P<unit>{_COUNT_UNIT})(?P<suffix>以上|左右)?"
    rf"(?P<metric>[^{_SEP}、\d和及]{{2,15}})"
)
# An amount listed after a comma under the same verb, nothing else in its phrase: 安排重点预备项目10个,
# 重大前期项目17个.
_AMOUNT_LISTED = re.compile(
    rf",(?P<verb>)(?P<metric>(?:(?!{_AMOUNT_VERB}|{_CHANGE_VERB})[^{_SEP}、\d]){{1,15}}?)(?P<num>{_NUM})(?P<unit>{_UNIT})"
    rf"(?P<suffix>及以上|以上|左右)?(?=[{_SEP}]|$)"
)
# An index, which has no unit: 居民消费价格指数控制在103.5以内 (CPI, last year = 100).
_INDEX = re.compile(r"(?P<metric>价格指数|指数)(?P<verb>控制在|保持在|为)(?P<num>\d{2,3}(?:\.\d+)?)(?P<suffix>以内|左右|以下)?(?![\d%])")
_TRAVEL_TIME = re.compile(rf"(?P<num>{_NUM})(?P<unit>小时|分钟)(?P<what>通达|交通圈|生活圈)")

_TARGET_YEAR = re.compile(
    rf"(?P<hedge>{_HEDGES})?(?P<prep>到|至|截至|截止到|在|于)(?P<year>{_YEAR}|今年|明年|后年)"
    rf"(?:年)?(?P<tail>底前|末前|底|末|前后|左右|以前|之前|前)?"
)
_SMALL_NUM = rf"(?:\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})"
_RELATIVE_YEARS = re.compile(
    rf"(?:用|经过)(?P<n>{_SMALL_NUM})年(?P<approx>左右)?(?:的)?时间|(?<![\d{_CN_DIGIT}])(?P<n2>{_SMALL_NUM})年内"
)
_CENTURY = re.compile(r"(?P<prep>到|至)本世纪(?P<when>中叶|中期|末)")
_STEP = re.compile(r"^第(?P<n>[一二三四五六七八九十]+)(?:步|阶段)")
_FIVE_YEAR = re.compile(r"十(?P<n>[一二三四五])五")
_PERIOD = re.compile(rf"(?P<a>\d{{4}})年?[-—–~至到](?P<b>\d{{4}})年?")
_N_YEAR_PLAN = re.compile(rf"(?<![\d{_CN_DIGIT}])(?P<n>{_SMALL_NUM})年(?P<what>行动计划|行动方案|攻坚计划|工作方案)")
_PLAN_HEAD = re.compile(r"”?[^《》“”、,;:。()]{0,16}?(?:规划|计划|纲要|协议|方案|期间|时期|末)")
_RECURRING = re.compile(
    r"(?:于|在)?每(?P<period>年|半年|季度|月)(?P<when>(?:年底|年末|季末|月底|月末|底|末|\d{1,2}月(?:底|末|\d{1,2}日)?|\d{1,2}日|[和及、或])*)"
    r"(?P<before>前|之前|以前)"
)
_ONE_OFF_DEADLINE = re.compile(
    rf"(?:于|在)?(?:(?P<year>{_YEAR})年|(?P<rel>今年|明年))?(?P<month>\d{{1,2}})?(?:月)?(?P<end>底|末)(?P<before>前|之前|以前)"
)
_DATED_DEADLINE = re.compile(
    rf"(?:于|在)(?:(?P<year>{_YEAR})年)?(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日(?P<before>前|之前|以前)"
)
_GOAL_LEAD = re.compile(r"(?:实现|完成|达到|形成)?(?:以下|如下)?")
_PLAN_VERBS = re.compile(r"^(?:制定|实施|编制|落实|出台|执行|印发|推进|推动|争取|纳入|列入)+")
_BULLET = re.compile(r"^——(?P<goal>[^。;]+)")


@dataclass
class _Row:
    kind: str
    start: int  # view offsets within the clause
    end: int
    metric: str | None = None
    target_year: int | None = None
    target_year_end: int | None = None
    is_approximate: bool = False
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    comparator: str | None = None
    hedge: str | None = None
    step: int | None = None
    base_year: int | None = None
    recurrence: str | None = None
    deadline: str | None = None
    opens_list: bool = False  # 到2020年左右,实现以下合作目标: (the —— items below share its year)


def _number(s: str | None) -> float | None:
    if not s:
        return None
    s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        try:
            return float(cn2an.cn2an(s, "smart"))
        except (ValueError, KeyError):
            return None


def _cn_year(s: str) -> int:
    """二〇二〇 → 2020 (digit by digit)."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    return int("".join(str(digits[c]) for c in s)) if not s.isdigit() else int(s)


def _resolve_year(s: str, ref_year: int | None) -> int | None:
    relative = {"今年": 0, "明年": 1, "后年": 2}
    if s in relative:
        return None if ref_year is None else ref_year + relative[s]
    return _cn_year(s)


def _phrase_start(view: str, end: int, floor: int) -> int:
    """Start of the phrase that ends at ``end``: after the last separator, 、 or ``floor``."""
    i = end
    while i > floor and view[i - 1] not in _SEP + "、":
        i -= 1
    return i


_ROW_SERIAL = re.compile(r"\d{1,3}(?=[\u4e00-\u9fff])(?![个家所项座条套辆户人张台艘万亿千百年月日号])")


def _clean_metric(view: str, start: int, end: int) -> tuple[int, int]:
    """Drop an item's outline marker (1. （一）) and leading hedges and function words (争取, 使, 将,
    实现 …) from a metric phrase."""
    if start == 0:  # an item's marker, or a task table row's 序号 cell ("1 地区生产总值增长6%左右")
        marker = heading_marker(view[start:end])
        serial = _ROW_SERIAL.match(view, start, end)
        start += len(marker[1]) if marker else serial.end() if serial else 0
    m = re.match(rf"(?:{_HEDGES}|使|让|将|把|实现|全面)*", view[start:end])
    start += m.end() if m else 0
    return start, end


def _hedge(view: str, start: int, end: int) -> str | None:
    m = re.search(_HEDGES, view[start:end])
    return m.group() if m else None


# 分别 / 均 / 都 right before the verb: the value is stated for each of several metrics.
_SHARED = re.compile(r"(?:分别|均|都)$")
_RESPECTIVE_MORE = re.compile(rf"(?:和|、|及)(?P<num>{_NUM})(?P<unit>{_UNIT})?(?:及以上|以上|以下|以内|左右)?")


def _split_metrics(text: str) -> list[str]:
    """常住人口和户籍人口城镇化率 → 常住人口城镇化率, 户籍人口城镇化率: the metrics of a joint phrase,
    a short first one taking the last one's head (城镇和农村居民人均可支配收入)."""
    parts = [p for p in re.split("和|、|及|与", text) if p]
    if len(parts) < 2:
        return [text]
    last = parts[-1]
    return [p + last[len(p):] if len(p) < len(last) else p for p in parts[:-1]] + [last]


def _count_row(start: int, end: int, metric: str, num: str, high: float | None, unit: str, suffix: str | None) -> _Row:
    """A count (2个千亿级产业集群, 8—10个百亿企业, 100家以上龙头企业)."""
    return _Row("quantitative", start, end, metric=metric, value=_number(num), value_high=high, unit=unit,
                comparator="between" if high is not None else "≥" if suffix == "以上" else "=",
                is_approximate=suffix == "左右")


def _quantities(view: str, start: int, end: int, strong_only: bool) -> list[_Row]:
    """Quantified targets in view[start:end]."""
    rows: list[_Row] = []
    for m in _QUANTITY.finditer(view, start, end):
        verb = m.group("verb")
        if strong_only and verb not in _STRONG_VERBS:
            continue
        if m.group("pct") is not None:
            value, high, unit = _number(m.group("pct")), _number(m.group("pct_high")), "%"
        else:
            value, high, unit = _number(m.group("num")), _number(m.group("high")), m.group("unit")
        if value is None:
            continue
        comparator = _SUFFIX_COMPARATOR.get(m.group("suffix") or "", _VERB_COMPARATOR[verb])
        if high is not None:
            comparator = "between"
        m_start, m_end = _clean_metric(view, _phrase_start(view, m.start(), start), m.start())
        metric = view[m_start:m_end] or None
        approx = bool(m.group("approx")) or m.group("suffix") == "左右"
        shared = _SHARED.search(metric or "")
        if shared is None:
            rows.append(_Row("quantitative", m_start, m.end(), metric=metric, value=value, value_high=high, unit=unit,
                             comparator=comparator, is_approximate=approx))
            continue
        # 森林覆盖率和森林蓄积量分别达到65%和55% (one value each, in turn); 常住人口和户籍人口城镇化率均
        # 提高1个百分点 (the same value for each): one target per metric.
        metrics = _split_metrics(metric[: shared.start()])
        values: list[tuple[float | None, str | None, int]] = [(value, unit, m.end())]
        if shared.group() == "分别":
            for more in _RESPECTIVE_MORE.finditer(view, m.end(), end):
                if more.start() != values[-1][2]:
                    break
                values.append((_number(more.group("num")), more.group("unit") or unit, more.end()))
            if len(values) != len(metrics):
                metrics, values = [metric[: shared.start()]], values[:1]
        else:
            values = values * len(metrics)
        for name, (v, u, v_end) in zip(metrics, values):
            rows.append(_Row("quantitative", m_start, v_end, metric=name, value=v, value_high=high, unit=u,
                             comparator=comparator, is_approximate=approx))
    for m in _DOUBLING.finditer(view, start, end):
        n = {"一": 1, "两": 2, "二": 2, "三": 3}[m.group("n")]
        m_start, m_end = _clean_metric(view, _phrase_start(view, m.start(), start), m.start())
        rows.append(
            _Row("quantitative", m_start, m.end(), metric=view[m_start:m_end] or None, value=float(2**n),
                 unit="倍", comparator=f"×{2**n}", base_year=int(m.group("base")) if m.group("base") else None)
        )
    if not strong_only:
        for m in _NOMINAL_RATE.finditer(view, start, end):
            noun_end = m.start("approx") if m.group("approx") else m.start("num")
            if any(r.start <= noun_end < r.end for r in rows):
                continue
            m_start, m_end = _clean_metric(view, _phrase_start(view, m.start(), start), noun_end)
            high = _number(m.group("high"))
            rows.append(
                _Row("quantitative", m_start, m.end(), metric=view[m_start:m_end] or None, value=_number(m.group("num")),
                     value_high=high, unit=m.group("unit"),
                     comparator="between" if high is not None else _SUFFIX_COMPARATOR.get(m.group("suffix") or "", "="),
                     is_approximate=bool(m.group("approx")) or m.group("suffix") == "左右")
            )
        for first in _AMOUNT.finditer(view, start, end):
            # 安排重点预备项目10个、重大前期项目17个: the verb governs the list.
            m = first
            while m is not None:
                if not any(r.start <= m.start("num") < r.end for r in rows) and m.group("unit") != "年":  # 完成2025年…
                    rows.append(
                        _Row("quantitative", m.start("metric") if m.group("metric") else m.start(), m.end(),
                             metric=m.group("metric") or m.group("verb"), value=_number(m.group("num")), unit=m.group("unit"),
                             comparator=_SUFFIX_COMPARATOR.get(m.group("suffix") or "", "="),
                             is_approximate=m.group("suffix") == "左右")
                    )
                m = _AMOUNT_MORE.match(view, m.end(), end) or _AMOUNT_LISTED.match(view, m.end(), end)
        for m in _COUNT.finditer(view, start, end):
            k = "1" if m.group("num1") else "2"
            if any(r.start <= m.start("num" + k) < r.end for r in rows):
                continue
            suffix = m.group("suffix" + k)
            high = _number(m.group("high1")) if k == "1" else None  # 培育8—10个百亿企业
            metric, row_end = m.group("metric" + k), m.end()
            if k == "1":  # …2个千亿级产业集群和6个…: the first metric ends before 和, a second count follows
                joiner = re.search("(?:以及|和|及)?$", metric).group()
                if joiner and _COUNT_MORE.match(view, m.end() - len(joiner), end):
                    metric, row_end = metric[: -len(joiner)], m.end() - len(joiner)
            rows.append(_count_row(m.end("verb"), row_end, metric, m.group("num" + k), high, m.group("unit" + k), suffix))
            at = row_end
            while k == "1" and (nxt := _COUNT_MORE.match(view, at, end)) is not None:
                rows.append(_count_row(nxt.start("num"), nxt.end(), nxt.group("metric"), nxt.group("num"),
                                       _number(nxt.group("high")), nxt.group("unit"), nxt.group("suffix")))
                at = nxt.end()
        for m in _INDEX.finditer(view, start, end):
            if any(r.start <= m.start("num") < r.end for r in rows):
                continue
            m_start, _ = _clean_metric(view, _phrase_start(view, m.start(), start), m.start())
            rows.append(
                _Row("quantitative", m_start, m.end(), metric=view[m_start : m.end("metric")], value=_number(m.group("num")),
                     unit=None, comparator=_SUFFIX_COMPARATOR.get(m.group("suffix") or "", _VERB_COMPARATOR.get(m.group("verb"), "=")),
                     is_approximate=m.group("suffix") == "左右")
            )
    for m in _TRAVEL_TIME.finditer(view, start, end):
        m_start = _phrase_start(view, m.start(), start)
        m_start, _ = _clean_metric(view, m_start, m.start())
        rows.append(
            _Row("quantitative", m_start, m.end(), metric=view[m_start : m.start()] + m.group("what"),
                 value=_number(m.group("num")), unit=m.group("unit"), comparator="≤")
        )
    return [r for r in rows if r.value is not None]


def _goal(view: str, start: int) -> tuple[int, int]:
    """The goal phrase that follows a target year: the rest of its phrase, or the next one."""
    while start < len(view) and view[start] in _SEP + "、":
        start += 1
    end = start
    while end < len(view) and view[end] not in _SEP:
        end += 1
    lead = _GOAL_LEAD.match(view, start)
    return (lead.end() if lead else start), end


Anchor = tuple[int, int, "int | None", bool, "str | None", bool]  # start, end, year, approx, hedge, before
# A year that opens its phrase (2022年，全市新建5G基站2600个以上; 2015年在…取得决定性进展): a target
# year when it is not before the notice's own (2018年增长6.6% in a 2019 notice is a statistic).
_BARE_YEAR = re.compile(rf"(?:^|(?<=[,;:。])|(?<=确保|力争|争取))(?P<year>\d{{4}})年(?![\d一二三四五六七八九十]+月|底|末|以来|前|度|是|为|起|开始)")


def _anchors(view: str, ref_year: int | None) -> list[Anchor]:
    anchors: list[Anchor] = []
    for m in _TARGET_YEAR.finditer(view):
        prep, tail = m.group("prep"), m.group("tail") or ""
        if prep in ("在", "于") and not tail.endswith("前"):
            continue  # 在2016年 is a date, not a target; 在2020年前 is one
        if prep in ("在", "于") and "底" in tail:
            continue  # 于2018年底前 is a deadline with a date (see _deadlines)
        if m.group("year").isdigit() and view[m.end("year") : m.end("year") + 1] != "年":
            continue  # 到2020 without 年 is a number, not a year
        year = _resolve_year(m.group("year"), ref_year)
        anchors.append((m.start(), m.end(), year, tail in ("左右", "前后"), m.group("hedge"), tail.endswith("前")))
    for m in _CENTURY.finditer(view):
        year = 2050 if m.group("when") in ("中叶", "中期") else 2100
        anchors.append((m.start(), m.end(), year, True, None, False))
    for m in _RELATIVE_YEARS.finditer(view):
        n = _number(m.group("n") or m.group("n2"))
        year = None if ref_year is None or n is None else ref_year + int(n)
        anchors.append((m.start(), m.end(), year, bool(m.group("approx")), None, False))
    taken = {a[0] for a in anchors} | {a[0] + 1 for a in anchors}
    for m in _BARE_YEAR.finditer(view):
        year = int(m.group("year"))
        if m.start() not in taken and 1949 <= year <= 2100 and (ref_year is None or year >= ref_year):
            anchors.append((m.start(), m.end(), year, False, None, False))
    anchors.sort()
    return anchors


def _dated_targets(view: str, ref_year: int | None, anchors: list[Anchor] | None = None) -> list[_Row]:
    """Targets governed by a target year (到2020年, 到本世纪中叶, 用三年时间) in one clause.

    A year governs what follows it up to the next year: the quantities there and the goals
    (milestones; a deadline when the year says 前: 在2020年前完成…).
    """
    rows: list[_Row] = []
    anchors = _anchors(view, ref_year) if anchors is None else anchors
    step = _STEP.match(view)
    for i, (a_start, a_end, year, approx, hedge, before) in enumerate(anchors):
        scope_end = anchors[i + 1][0] if i + 1 < len(anchors) else len(view)
        if _NOT_A_TARGET_SCOPE.match(view, a_end) or _REPORTED.search(view, a_end, scope_end):
            continue  # 至2023年12月31日止, 到2005年…连续四年组织…: a date or a report, not a target
        hedge = hedge or _hedge(view, _phrase_start(view, a_start, 0), a_start)
        g_start, g_end = _goal(view, a_end)
        if before:  # 在2020年前完成…: a deadline for what follows
            if g_end > g_start:
                rows.append(_Row("deadline", a_start, g_end, metric=view[g_start:g_end], target_year=year,
                                 is_approximate=approx, hedge=hedge or _hedge(view, g_start, g_end)))
            continue
        found = scoped_targets(view, a_end, scope_end, year, approx, hedge)
        if found and found[0].kind == "milestone" and found[0].start >= g_start:
            found[0].start = a_start  # the anchor's first goal carries the anchor
        for r in found:
            r.step = _cn_int(step.group("n")) if step else None
        if found and found[-1].kind == "milestone":
            last = found[-1]
            last.opens_list = bool(re.search("以下|如下", view[a_end:last.end])) and view[last.end : last.end + 1] == ":"
        rows += found
    return rows


# A phrase that states an outcome (形成, 基本建成, 明显优化, 同步, 达标 …), not an action to take.
_OUTCOME = re.compile(
    "形成|建成|建立|实现|完成|确立|达标|覆盖|转变|健全|完善|提升|提高|增强|改善|优化|减少|降低|下降|增长|增加|扩大|"
    "突破|进展|成效|同步|规范|落实|达到|消除|稳定|明显|显著|大幅|基本|初步|有效|更加|逐步|不断|稳步|成为|迈上|跻身"
)
# An action to take (加快推进…, 支持…): not a goal reached by the year.
_ACTION = re.compile(
    "(?:加快|推进|推动|加强|深化|开展|实施|支持|鼓励|引导|坚持|着力|持续|积极|大力|努力|围绕|聚焦|以|通过|按照|"
    "根据|为了|为|对|在|将|把|要|应|认真|统筹|强化|抓好|做好|制定|出台|组织|指导|培育|打造|新建|发挥|促进|"
    "做到|全面贯彻|贯彻|落实|研究|探索|建立|健全|完善|优化|提升|提高|增强|改善|扩大|降低|减少|严格|高质量)"
)
# An outcome reached, not an action ordered: a degree adverb before a verb (基本形成, 明显优化), a
# completive verb first (建成…, 形成…, 实现…), or a state verb last (…同步, …更加完善, …确立).
_OUTCOME_STATE = re.compile(
    "(?:基本|初步|全面|明显|显著|大幅|有效|更加|进一步|逐步|不断|稳步|较大幅度|有较大)"
    "(?:形成|建成|建立|确立|实现|完成|完善|提升|提高|增强|改善|优化|落实|规范|突破|转变|减少|增长|增加|扩大|下降|降低|稳定|消除|达标)"
    "|^(?:建成|形成|实现|完成|达到|确立|基本建成|初步建成|全面建成|基本形成|初步形成)"
    "|(?:形成|建成|确立|完善|提升|提高|增强|改善|优化|同步|达标|覆盖|规范|突破|转变|减少|增长|增加|扩大|下降|降低|稳定|消除|见效|成效|进展)$"
)
# Not a goal: the notice's own paperwork and exhortations (分解方案, 目标任务圆满完成, 进行督办), a date.
_NOT_A_GOAL = re.compile(
    r"分解|方案|通知|报告|计划表|分工|目标任务|任务目标|督办|督查|通报|报送|报经|进行|开局之年|\d{1,2}月\d{1,2}日|[是为]$|\d"
    r"|(?:委|部|局|厅|署|办)将"  # an agency's own next step (2004年发展改革委将会同水利部…), not a goal
)
_MIN_GOAL, _MAX_GOAL = 6, 90
# The anchor is a date (至2023年12月31日止) or an eligibility window, not a target year.
_NOT_A_TARGET_SCOPE = re.compile(r"\d{1,2}月\d{1,2}日|[^,;:。]{0,12}?(?:免征|减征|免缴|免税|减半|止)")
_REPORTED = re.compile(r"连续[一二三四五六七八九十\d]+年|(?<![a-z])了(?![解])|已经|随着")


def scoped_targets(
    view: str, start: int, end: int, year: int | None, approx: bool = False, hedge: str | None = None,
    first_is_goal: bool = True,
) -> list[_Row]:
    """Targets in view[start:end], all governed by one target ``year``: each quantity, and each
    phrase (cut at , ; ) without a quantity that states a goal as a milestone. The phrase right
    after the year is its goal (``first_is_goal``: 到2020年，粤港澳大湾区建设打下坚实基础); later ones
    count when they state an outcome (基本形成…, …明显优化), not an action (加快推进…)."""
    rows = _quantities(view, start, end, strong_only=False)
    for r in rows:
        r.target_year, r.is_approximate = year, r.is_approximate or approx
        r.hedge = hedge or _hedge(view, start, r.end)
    for k, (p_start, p_end) in enumerate(_phrases(view, start, end)):
        if any(r.start < p_end and p_start < r.end for r in rows):
            continue
        g_start, _ = _goal(view, p_start)
        g_start, _ = _clean_metric(view, max(g_start, p_start), p_end)
        phrase = view[g_start:p_end]
        if len(phrase) < 2 or len(phrase) > _MAX_GOAL or _ACTION.match(phrase):
            continue
        if _NOT_A_GOAL.search(phrase):
            continue
        if not (k == 0 and first_is_goal) and (len(phrase) < _MIN_GOAL or not _OUTCOME_STATE.search(phrase)):
            continue
        rows.append(_Row("milestone", g_start, p_end, metric=phrase, target_year=year, is_approximate=approx,
                         hedge=hedge or _hedge(view, g_start, p_end)))
    rows.sort(key=lambda r: r.start)
    return rows


def _phrases(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the phrases of view[start:end], cut at , ; : (outside brackets)."""
    out, a = [], start
    depth = 0
    for i in range(start, end):
        ch = view[i]
        if ch in "(《“":
            depth += 1
        elif ch in ")》”" and depth:
            depth -= 1
        elif depth == 0 and ch in ",;:。":
            if i > a:
                out.append((a, i))
            a = i + 1
    if end > a:
        out.append((a, end))
    return out


def _cn_int(s: str) -> int:
    return int(cn2an.cn2an(s, "smart"))


def _plan_periods(view: str, ref_year: int | None) -> list[_Row]:
    rows: list[_Row] = []
    spans: list[tuple[int, int]] = []
    for m in _PERIOD.finditer(view):
        a, b = int(m.group("a")), int(m.group("b"))
        if not (1949 <= a < b <= a + 30):
            continue
        rows.append(_Row("plan_period", m.start(), m.end(), metric=_plan_name(view, m.start(), m.end()),
                         target_year=a, target_year_end=b))
        spans.append((m.start(), m.end()))
    for m in _FIVE_YEAR.finditer(view):
        n = 10 + "一二三四五".index(m.group("n")) + 1  # 十三五 → the 13th five-year plan
        first = 1956 + 5 * (n - 1)  # the 6th plan is 1981–1985; plans are consecutive since
        rows.append(_Row("plan_period", m.start(), m.end(), metric=_plan_name(view, m.start(), m.end()),
                         target_year=first, target_year_end=first + 4))
    for m in _N_YEAR_PLAN.finditer(view):
        n = _number(m.group("n"))
        if n is None or not 1 <= n <= 10:
            continue
        first = ref_year
        rows.append(_Row("plan_period", m.start(), m.end(), metric=_plan_name(view, m.start(), m.end()),
                         target_year=first, target_year_end=None if first is None else first + int(n) - 1,
                         is_approximate=True, value=n, unit="年"))
    return rows


def _plan_name(view: str, start: int, end: int) -> str | None:
    """The plan a period belongs to: the 《title》 around it, else the words up to 规划/计划/…"""
    open_ = view.rfind("《", 0, start)
    close = view.find("》", end)
    if open_ >= 0 and close >= 0 and "》" not in view[open_:start]:
        title = view[open_ + 1 : close]
        return re.sub(r"\(\d{4}[-—–~至到]\d{4}年?\)", "", title) or title
    m = _PLAN_HEAD.match(view, end)
    lead = re.split("[》和及与、]", view[_phrase_start(view, start, 0) : start])[-1]
    if lead.endswith("“"):  # 列入国家“十三五”电力发展规划: keep the qualifier right before the quote
        q = re.search(r"(?:国家|全国|全省|省|市)?“$", lead)
        lead = q.group() if q else "“"
    lead = _PLAN_VERBS.sub("", lead)
    return lead + view[start : m.end() if m else end]


def _deadlines(view: str, ref_year: int | None, plan_year: int | None = None) -> list[_Row]:
    """Recurring and one-off time limits. A limit without its year (12月底前, 于2月7日前) falls in the
    year of the annual plan the notice is, else in the notice's own year."""
    rows: list[_Row] = []
    own_year = plan_year or ref_year
    for m in _RECURRING.finditer(view):
        period = {"年": "yearly", "半年": "half-yearly", "季度": "quarterly", "月": "monthly"}[m.group("period")]
        when = m.group("when")
        month_days = [f"--{int(mo):02d}-{_month_end(int(mo)):02d}" for mo in re.findall(r"(\d{1,2})月(?:底|末)", when)]
        month_days += [f"--{int(mo):02d}-{int(d):02d}" for mo, d in re.findall(r"(\d{1,2})月(\d{1,2})日", when)]
        month_days += [f"---{int(d):02d}" for d in re.findall(r"(?<![月\d])(\d{1,2})日", when)]  # 每月28日前: ISO day of month
        if re.search("年底|年末", when) or (period == "yearly" and when in ("底", "末")):
            month_days.append("--12-31")
        g_start, g_end = _goal(view, m.end())
        rows.append(_Row("deadline", m.start(), g_end, metric=view[g_start:g_end] or None, recurrence=period,
                         deadline=";".join(month_days) or None))
    for m in _ONE_OFF_DEADLINE.finditer(view):
        if any(r.start <= m.start() < r.end for r in rows) or view[max(0, m.start() - 1) : m.start()] == "每":
            continue
        year_text = m.group("year") or m.group("rel") or ""
        year = _resolve_year(year_text, ref_year) if year_text else own_year
        if not year_text and not m.group("month") and view[m.start() - 1 : m.start()] != "年":
            continue
        month = int(m.group("month")) if m.group("month") else 12
        if not 1 <= month <= 12:
            continue
        g_start, g_end = _goal(view, m.end())
        rows.append(_Row("deadline", m.start(), g_end, metric=view[g_start:g_end] or None, target_year=year,
                         deadline=None if year is None else f"{year}-{month:02d}-{_month_end(month, year):02d}"))
    for m in _DATED_DEADLINE.finditer(view):  # 务于2021年2月3日前报送, 于2月7日前报送市政府
        if any(r.start <= m.start() < r.end for r in rows) or view[max(0, m.start() - 1) : m.start()] == "每":
            continue
        year = _resolve_year(m.group("year"), ref_year) if m.group("year") else own_year
        month, day = int(m.group("month")), int(m.group("day"))
        if not (1 <= month <= 12 and 1 <= day <= _month_end(month, year or 2000)):
            continue
        g_start, g_end = _goal(view, m.end())
        rows.append(_Row("deadline", m.start(), g_end, metric=view[g_start:g_end] or None, target_year=year,
                         deadline=None if year is None else f"{year}-{month:02d}-{day:02d}"))
    return rows


def _month_end(month: int, year: int = 2001) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


# A rule with a number (担保费率原则上不超过1%, 比例不得低于20%) sets a limit, it is no target.
_RULE = re.compile(r"原则上|不得|不能|应当|最长|最多|最高|一般为|扣除|费率|利率|期限")


def _undated_quantities(view: str, taken: list[_Row]) -> list[_Row]:
    """Quantities with a strong verb in a clause no year governs: a commitment when hedged
    (确保…达到80%以上) or plain, not a rule (…原则上不超过1%)."""
    out = []
    for r in _quantities(view, 0, len(view), strong_only=True):
        if any(t.start <= r.start < t.end or r.start <= t.start < r.end for t in taken):
            continue
        phrase = view[_phrase_start(view, r.start, 0) : r.end]
        if _RULE.search(phrase) and not re.search(_HEDGES, phrase):
            continue
        out.append(r)
    return out


@dataclass(frozen=True)
class Scope:
    """A target year that governs more than its own phrase (a paragraph, a list, a section)."""

    year: int | None
    approx: bool = False
    hedge: str | None = None
    opens_list: bool = False


# How a list's items start: dashed (——), numbered 1. / (1) / （一） / ①.
_ITEM_KINDS = (
    ("dash", re.compile(r"——|-(?!\d)")),
    ("paren-number", re.compile(r"\(\d{1,3}\)")),
    ("paren-cn", re.compile(r"\([一二三四五六七八九十]{1,3}\)")),
    ("number", re.compile(r"\d{1,3}[.、](?!\d)")),
    ("circled", re.compile(r"[\u2460-\u2473]")),
)


def _item_kind(view: str) -> str | None:
    return next((kind for kind, pattern in _ITEM_KINDS if pattern.match(view)), None)
# Words of a section or sentence that states goals (主要目标, 预期目标, 发展目标, 指标).
_GOALS = re.compile(r"目标|指标")
# The year of an annual plan (2023年…政府工作报告, …2023年重点工作任务分解方案, 2024年工作要点, 2022年细化措施).
# A clause that is nothing but a growth goal, as an annual plan's task table lists them ("1 地区生产
# 总值增长6%左右。", "3.固定资产投资增长10%以上"): the plan's year governs it.
_LISTED_GOAL = re.compile(
    r"^(?:\d{1,3}[.、]?|[(（]?[一二三四五六七八九十]+[)）、])?[^\d,;:。()“”《》]{2,20}?(?:增长|增速|提高|下降|降低|达到|控制在)"
    r"\d+(?:\.\d+)?%(?:[-—~至]\d+(?:\.\d+)?%)?(?:左右|以上|以内|以下)?[。;]?$"
)
_PLAN_YEAR = re.compile(
    r"(?<![-—~至到\d])(\d{4})年[^。;]{0,30}?"  # not the end of a period (2018—2020年行动计划)
    r"(?:政府工作报告|重点工作|工作要点|工作计划|任务分解|责任分工|分工方案|年度计划|主要预期目标|细化措施|工作措施|工作安排|重点任务)"
)


def _plan_year(texts: list[str]) -> int | None:
    for text in texts:
        m = _PLAN_YEAR.search(normalize_text(text))
        if m and 1949 <= int(m.group(1)) <= 2100:
            return int(m.group(1))
    return None


def _heading_scope(titles: list[str] | None, ref_year: int | None) -> Scope | None:
    """The year a section's heading sets for the section (一、2023年全区经济社会发展的主要预期目标;
    （二）到2025年的目标), innermost heading first."""
    for title in reversed(titles or []):
        t = TextView.of(title).text
        m = _TARGET_YEAR.search(t) or (re.search(r"(\d{4})年", t) if _GOALS.search(t) else None)
        if m:
            year = _resolve_year(m.group("year"), ref_year) if "year" in m.groupdict() else int(m.group(1))
            return Scope(year)
    return None


def extract_targets(
    source_id: str, paragraphs: list[Paragraph], clauses: pl.DataFrame, document_date: date | None,
    title: str | None = None,
) -> pl.DataFrame:
    """One row per target in a notice (see the module docstring for the kinds).

    ``clauses`` is the notice's clause frame; offsets point into ``"\\n".join`` of the
    paragraphs. Clauses repeating earlier text (``is_repeat``) are skipped.
    """
    del paragraphs  # the clause frame carries text, offsets and pages
    ref_year = document_date.year if document_date else None
    ordered = list(clauses.sort("seq").iter_rows(named=True))
    plan_year = _plan_year([title or ""] + [c["text"] for c in ordered[:15]])
    out: list[dict] = []
    seen_ids: set[str] = set()
    open_list: _Row | None = None  # a "到2020年左右,实现以下合作目标:" whose —— items follow
    para_scope: Scope | None = None  # a year stated earlier in the paragraph governs the rest of it
    list_scope: Scope | None = None  # a paragraph ending in ":" with a year governs the list below
    list_kind: str | None = None  # how the list's items start (——, 1., （1）…)
    last_paragraph = -1
    for clause in ordered:
        view = TextView.of(clause["text"])
        v = view.text
        new_paragraph = clause["paragraph_seq"] != last_paragraph
        last_paragraph = clause["paragraph_seq"]
        first_of_item = False
        if new_paragraph:
            if para_scope is not None and para_scope.opens_list:
                list_scope, list_kind = para_scope, _item_kind(v)
            elif list_scope is not None and (list_kind is None or _item_kind(v) != list_kind):
                list_scope = None  # the list ended: another kind of paragraph, or a heading
            first_of_item = list_scope is not None
            para_scope = None
        if clause["is_repeat"]:
            continue
        rows: list[_Row] = []
        bullet = _BULLET.match(v) if new_paragraph else None
        if open_list is not None and new_paragraph and bullet is None:
            open_list = None
        if open_list is not None and bullet is not None:
            g_start, g_end = bullet.start("goal"), bullet.end("goal")
            rows.append(_Row("milestone", g_start, g_end, metric=v[g_start:g_end], target_year=open_list.target_year,
                             is_approximate=open_list.is_approximate,
                             hedge=open_list.hedge or _hedge(v, g_start, g_end)))
        anchors = _anchors(v, ref_year)
        dated = _dated_targets(v, ref_year, anchors)
        rows += dated
        rows += _plan_periods(v, ref_year)
        rows += _deadlines(v, ref_year, plan_year)
        # What comes before the clause's own year (or the whole clause) takes the year that governs
        # it: the paragraph's, the list's, its heading's, or, under a 目标 heading, the plan's.
        # (a list's year governs the first sentence of each item: its goal, not the elaboration)
        scope = para_scope or (list_scope if first_of_item else None) or _heading_scope(clause["heading_titles"], ref_year)
        if scope is None and plan_year and (_GOALS.search(" ".join(clause["heading_titles"] or []) + v) or _LISTED_GOAL.match(v)):
            scope = Scope(plan_year)
        pre_end = anchors[0][0] if anchors else len(v)
        if scope is not None and bullet is None and pre_end > 0:
            found = scoped_targets(v, 0, pre_end, scope.year, scope.approx, scope.hedge, first_is_goal=False)
            # A numbered item's title gives its quantity (（一）地区生产总值增长7%以上), not a goal: section
            # titles name work. Under a heading of goals (一、2023年主要预期目标) each item is one, and its
            # title may state it without a number (7.城乡居民收入增长与经济增长基本同步).
            if clause["is_heading"] and not _GOALS.search(" ".join((clause["heading_titles"] or [])[:-1])):
                found = [r for r in found if r.kind == "quantitative"]
            rows += [r for r in found if not any(t.start < r.end and r.start < t.end for t in rows)]
        elif not clause["is_heading"] and plan_year and not _REPORTED.search(v) and not re.search(r"\d{4}年", v):
            # An annual plan's work item that names no year: its counts and amounts are the plan
            # year's (新建2座人行天桥, 撬动社会资本1000亿元, 重大前期项目17个 in a 2016 / 2024 / 2025
            # task breakdown); one that names another year states a statistic.
            found = [r for r in _quantities(v, 0, len(v), strong_only=False) if r.unit != "年"]  # 三年行动: a name
            for r in found:
                r.target_year = plan_year
            rows += [r for r in found if not any(t.start < r.end and r.start < t.end for t in rows)]
        elif not clause["is_heading"]:
            rows += _undated_quantities(v, rows)
        for r in dated:
            if r.opens_list:
                open_list = r
        if anchors:
            a_start, a_end, year, approx, hedge, before = anchors[-1]
            if not before and not _NOT_A_TARGET_SCOPE.match(v, a_end):
                para_scope = Scope(year, approx, hedge or _hedge(v, _phrase_start(v, a_start, 0), a_start))
        if para_scope is not None and v.rstrip().endswith(":"):
            para_scope = Scope(para_scope.year, para_scope.approx, para_scope.hedge, opens_list=True)
        elif para_scope is None and v.rstrip().endswith(":") and _GOALS.search(v) and scope is not None:
            para_scope = Scope(scope.year, scope.approx, scope.hedge, opens_list=True)
        for r in rows:
            start, end = view.span(r.start, r.end)
            char_start = clause["char_start"] + start
            target_id = f"{source_id}/tgt{char_start:06d}"
            k = 1
            while target_id in seen_ids:
                k += 1
                target_id = f"{source_id}/tgt{char_start:06d}-{k}"
            seen_ids.add(target_id)
            metric = r.metric.strip() if r.metric else None
            out.append(
                {
                    "target_id": target_id,
                    "source_id": source_id,
                    "clause_id": clause["clause_id"],
                    "kind": r.kind,
                    "metric_phrase": _as_written(view, v, metric, r.start, r.end),
                    "metric_phrase_normalized": normalize_text(metric) if metric else None,
                    "target_year": r.target_year,
                    "target_year_end": r.target_year_end,
                    "is_approximate": r.is_approximate,
                    "value": r.value,
                    "value_high": r.value_high,
                    "unit": r.unit,
                    "comparator": r.comparator,
                    "hedge": r.hedge,
                    "step": r.step,
                    "base_year": r.base_year,
                    "recurrence": r.recurrence,
                    "deadline": r.deadline,
                    "statement": clause["text"],
                    "char_start": char_start,
                    "char_end": clause["char_start"] + end,
                    "page": clause["page"],
                }
            )
    return pl.DataFrame(out, schema=TARGET_SCHEMA)


def _as_written(view: TextView, v: str, phrase: str | None, start: int, end: int) -> str | None:
    """The metric phrase in the source's own characters (it was found in the view)."""
    if not phrase:
        return None
    at = v.find(phrase, start, end + len(phrase))
    if at < 0:
        at = v.find(phrase)
    return view.original_of(at, at + len(phrase)) if at >= 0 else phrase
