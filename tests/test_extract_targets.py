"""Target extraction: each pattern of issue 4, then the Done-when facts on whole notices."""
from __future__ import annotations

import functools
from datetime import date

import polars as pl
import pytest

from pipelines.clauses import clause_frame
from pipelines.extract.targets import TARGET_SCHEMA, extract_targets
from pipelines.model import Paragraph, ParsedNotice
from pipelines.seeds import load_seed
from corpus_notices import corpus_notice

DATES = {  # the notices' own dates (manifest.json); the Bay Area opinions carry none
    "gd-2016-34.html": date(2016, 5, 4),
    "gd-2017-8.html": date(2017, 1, 20),
    "gd-2017-8.pdf": date(2017, 1, 20),
    "gd-gba-2019.pdf": None,
    "fj-2016-52.html": date(2016, 11, 14),
}


def targets_of(text: str, document_date: date | None = date(2017, 1, 20)) -> pl.DataFrame:
    paragraphs = [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]
    return extract_targets("t", paragraphs, clause_frame("t", ParsedNotice("html", paragraphs)), document_date)


def one(df: pl.DataFrame, **where) -> dict:
    for k, v in where.items():
        df = df.filter(pl.col(k) == v)
    assert df.height == 1, df
    return df.row(0, named=True)


@functools.lru_cache(maxsize=None)
def notice_targets(name: str) -> pl.DataFrame:
    n = corpus_notice(name)
    return extract_targets(name, n.paragraphs, clause_frame(name, n), DATES[name])


def metric_of(phrase: str) -> str | None:
    """What dbt's int_target_metrics does: the longest dictionary phrase contained in the phrase."""
    hits = [r for r in load_seed("metric_dictionary") if r["phrase_zh"] in phrase]
    return max(hits, key=lambda r: len(r["phrase_zh"]))["metric_id"] if hits else None


# --- quantitative ----------------------------------------------------------------------------------

SEAWALL = "加强沿海各省区标准海堤建设与相互衔接，争取到2020年海堤标准化率提高至80%以上。"


@pytest.mark.parametrize(
    "sentence",
    [
        SEAWALL,
        "争取到2020年海堤标准化率提高至百分之八十以上。",
        "争取到二〇二〇年海堤标准化率提高至８０％以上。",
        "爭取到2020年海堤標準化率提高至80%以上。",
    ],
)
def test_seawall_target(sentence):
    row = one(targets_of(sentence), kind="quantitative")
    assert row["metric_phrase_normalized"] == "海堤标准化率"
    assert (row["target_year"], row["value"], row["unit"], row["comparator"], row["hedge"]) == (2020, 80.0, "%", "≥", "争取")
    assert row["statement"] == sentence  # the whole sentence, up to its 。
    assert metric_of(row["metric_phrase_normalized"]) == "seawall_standard_rate"


def test_seawall_offsets():
    df = targets_of(SEAWALL)
    row = one(df, kind="quantitative")
    assert SEAWALL[row["char_start"] : row["char_end"]] == "海堤标准化率提高至80%以上"
    assert df.schema == pl.Schema(TARGET_SCHEMA)


@pytest.mark.parametrize(
    ("sentence", "metric", "value", "high", "unit", "comparator"),
    [
        ("到2020年，全省森林覆盖率达到58%—60%。", "全省森林覆盖率", 58.0, 60.0, "%", "between"),
        ("到2020年，PM2.5年均浓度控制在35微克/立方米以下。", "PM2.5年均浓度", 35.0, None, "微克/立方米", "≤"),
        ("到2020年，可再生能源占比不低于20%。", "可再生能源占比", 20.0, None, "%", "≥"),
        ("到2018年，审批时限不超过3个工作日。", "审批时限", 3.0, None, "工作日", "≤"),
        ("到2020年，单位GDP能耗下降15%。", "单位GDP能耗", 15.0, None, "%", "-"),
        ("力争到2025年投资超过1000亿元。", "投资", 1000.0, None, "亿元", ">"),
        ("到2025年，新建5G基站2万个。", "5G基站", 2.0, None, "万个", "="),
        ("到2025年，培育100家以上龙头企业。", "龙头企业", 100.0, None, "家", "≥"),
        ("到2020年，城镇化率达到百分之六十五点五。", "城镇化率", 65.5, None, "%", "="),
    ],
)
def test_quantities(sentence, metric, value, high, unit, comparator):
    row = one(targets_of(sentence), kind="quantitative")
    assert (row["metric_phrase"], row["value"], row["value_high"], row["unit"], row["comparator"]) == (
        metric, value, high, unit, comparator,
    )


def test_doubling_with_base_year():
    row = one(targets_of("到2020年，地区生产总值比2010年翻一番。"), kind="quantitative")
    assert (row["metric_phrase"], row["target_year"], row["base_year"], row["comparator"]) == ("地区生产总值", 2020, 2010, "×2")


def test_approximate_value():
    row = one(targets_of("到2020年，单位GDP能耗下降15%左右。"), kind="quantitative")
    assert row["is_approximate"] and row["comparator"] == "-"


def test_several_targets_share_the_year():
    df = targets_of("到2020年，森林覆盖率达到58%，城镇化率达到60%。")
    assert df.select("metric_phrase", "target_year", "value").rows() == [("森林覆盖率", 2020, 58.0), ("城镇化率", 2020, 60.0)]


def test_one_hour_travel_without_year():
    row = one(targets_of("实现大湾区主要城市间1小时通达。", None), kind="quantitative")
    assert (row["metric_phrase"], row["value"], row["unit"], row["comparator"], row["target_year"]) == (
        "大湾区主要城市间通达", 1.0, "小时", "≤", None,
    )
    assert metric_of(row["metric_phrase"]) == "gba_one_hour_access"


def test_numbers_that_are_not_targets():
    df = targets_of("广东省人民政府\n2017年1月20日\n在我省19个原中央苏区县行政村开展试点。\n统筹抓好广州南沙、深圳前海蛇口、珠海横琴3个片区。")
    assert df.is_empty()


# --- milestones --------------------------------------------------------------------------------------

HSR = "规划建设服务和辐射泛珠合作各方的高快速铁路网和高速公路网,实现到2020年内地九省区省会城市高速铁路互联互通。"


def test_high_speed_rail_linkage_milestone():
    row = one(targets_of(HSR), kind="milestone")
    assert (row["metric_phrase"], row["target_year"], row["is_approximate"], row["value"]) == (
        "内地九省区省会城市高速铁路互联互通", 2020, False, None,
    )
    assert metric_of(row["metric_phrase"]) == "hsr_capital_linkage"


GBA_STEPS = """按照“三步走”的安排，携手港澳有力有序推进粤港澳大湾区建设。
第一步，到 2020 年，粤港澳大湾区建设打下坚实基础。构建起协调联动、运作高效的大湾区建设工作机制。
第二步，到 2022 年，粤港澳大湾区基本形成发展活力充沛、创新能力突出、产业结构优化、要素流动顺畅、生态环境优美的国际一流湾区和世界级城市群框架。
第三步，到 2035 年，粤港澳大湾区全面建成宜居宜业宜游的国际一流湾区。"""


def test_staged_goals_are_three_milestones():
    df = targets_of(GBA_STEPS, None).filter(pl.col("kind") == "milestone")
    assert df.select("step", "target_year").rows() == [(1, 2020), (2, 2022), (3, 2035)]
    assert df["metric_phrase"][0] == "粤港澳大湾区建设打下坚实基础"
    assert df["hedge"].to_list() == [None, "基本", None]
    assert [metric_of(p) for p in df["metric_phrase"]] == ["gba_foundation", "gba_framework", "gba_world_class_bay"]


def test_approximate_goal_year_and_its_listed_goals():
    text = """(三)合作目标。
到2020年左右,实现以下合作目标:
——紧密合作格局基本形成。粤港澳大湾区、珠江-西江经济带…跨区域合作建设目标初步实现;
——经济发展深度融合。我省与泛珠内地八省区间统一、开放的市场体系初步建立;
二、主要任务"""
    df = targets_of(text)
    assert df["kind"].to_list() == ["milestone"] * 3
    assert df["metric_phrase"].to_list() == ["合作目标", "紧密合作格局基本形成", "经济发展深度融合"]
    assert df["target_year"].to_list() == [2020] * 3
    assert df["is_approximate"].to_list() == [True] * 3
    assert metric_of(df["metric_phrase"][0]) == "pprd_cooperation_goals"


def test_years_relative_to_the_notice_date():
    assert one(targets_of("用三年时间基本建成综合交通网络。", date(2017, 3, 1)), kind="milestone")["target_year"] == 2020
    assert one(targets_of("用三年时间基本建成综合交通网络。", None), kind="milestone")["target_year"] is None
    assert one(targets_of("五年内完成改造。", date(2016, 5, 4)), kind="milestone")["target_year"] == 2021
    assert one(targets_of("到明年，实现全覆盖。", date(2016, 5, 4)), kind="milestone")["target_year"] == 2017


def test_middle_of_the_century():
    row = one(targets_of("到本世纪中叶全面建成社会主义现代化强国。"), kind="milestone")
    assert (row["target_year"], row["is_approximate"]) == (2050, True)


# --- plan periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("完善珠江水运发展协调机制,推进实施《珠江水运科学发展行动计划(2016-2020)》。", "珠江水运科学发展行动计划"),
        ("实施《珠江水运科学发展行动计划（2016-2020）》。", "珠江水运科学发展行动计划"),
        ("落实《云电送粤“十三五”框架协议》。", "云电送粤“十三五”框架协议"),
        ("积极争取福建与广东电网联网工程列入国家“十三五”电力发展规划并开工建设。", "国家“十三五”电力发展规划"),
    ],
)
def test_plan_periods(sentence, name):
    row = one(targets_of(sentence), kind="plan_period")
    assert (row["metric_phrase"], row["target_year"], row["target_year_end"]) == (name, 2016, 2020)


def test_other_five_year_plans():
    assert one(targets_of("编制“十四五”规划。"), kind="plan_period")["target_year"] == 2021
    assert one(targets_of("“十二五”期间成效显著。"), kind="plan_period")["target_year_end"] == 2015


def test_n_year_action_plan():
    row = one(targets_of("制定实施大湾区建设三年行动计划和年度工作要点。", date(2019, 7, 5)), kind="plan_period")
    assert (row["metric_phrase"], row["value"], row["unit"], row["target_year"], row["target_year_end"]) == (
        "大湾区建设三年行动计划", 3.0, "年", 2019, 2021,
    )


# --- deadlines ---------------------------------------------------------------------------------------


def test_recurring_deadline():
    sentence = "各地、各部门要及时梳理与泛珠各方相关的合作事项,于每年6月底和12月底前报送省泛珠办;"
    row = one(targets_of(sentence), kind="deadline")
    assert (row["recurrence"], row["deadline"], row["metric_phrase"]) == ("yearly", "--06-30;--12-31", "报送省泛珠办")


def test_one_off_deadlines():
    row = one(targets_of("各单位于2018年底前完成清理工作。"), kind="deadline")
    assert (row["target_year"], row["deadline"], row["metric_phrase"]) == (2018, "2018-12-31", "清理工作")
    row = one(targets_of("各地要在今年6月底前报送实施方案。", date(2017, 1, 20)), kind="deadline")
    assert row["deadline"] == "2017-06-30"
    row = one(targets_of("请于每季度末前报送进展情况。"), kind="deadline")
    assert row["recurrence"] == "quarterly"
    row = one(targets_of("在2020年前完成老旧小区改造。"), kind="deadline")
    assert (row["target_year"], row["deadline"], row["metric_phrase"]) == (2020, None, "老旧小区改造")


# --- whole notices: the Done-when facts --------------------------------------------------------------


def test_gd_2016_34_seawall():
    df = notice_targets("gd-2016-34.html").filter(pl.col("metric_phrase") == "海堤标准化率")
    row = one(df)  # the scraped page repeats passages: still one target
    assert (row["target_year"], row["value"], row["unit"], row["comparator"], row["hedge"]) == (2020, 80.0, "%", "≥", "争取")


@pytest.mark.parametrize("name", ["gd-2017-8.html", "gd-2017-8.pdf"])
def test_gd_2017_8(name):
    df = notice_targets(name)
    hsr = one(df, kind="milestone", metric_phrase="内地九省区省会城市高速铁路互联互通")
    assert hsr["target_year"] == 2020
    goal = one(df, kind="milestone", metric_phrase="合作目标")
    assert (goal["target_year"], goal["is_approximate"]) == (2020, True)
    listed = df.filter(pl.col("is_approximate") & (pl.col("kind") == "milestone"))
    assert listed["metric_phrase"].to_list() == ["合作目标", "紧密合作格局基本形成", "经济发展深度融合", "社会发展共享共治", "合作机制进一步完善"]
    assert one(df, kind="plan_period", metric_phrase="珠江水运科学发展行动计划")["target_year_end"] == 2020
    assert one(df, kind="deadline")["deadline"] == "--06-30;--12-31"
    # the signature date 2017年1月20日 is not a target
    assert df.filter(pl.col("target_year") == 2017).is_empty()


def test_gba_three_steps():
    df = notice_targets("gd-gba-2019.pdf").filter(pl.col("step").is_not_null())
    assert df.select("step", "target_year", "kind").rows() == [(1, 2020, "milestone"), (2, 2022, "milestone"), (3, 2035, "milestone")]
    assert df["page"].to_list()[0] is not None


def test_fujian_plan_periods():
    df = notice_targets("fj-2016-52.html")
    assert set(df["kind"]) == {"plan_period"}
    assert df["metric_phrase"].to_list() == ["国家“十三五”电力发展规划", "国家“十三五”口岸发展规划"]


# --- goal lists as annual plans and work reports write them -------------------------------------

def _quantitative(df: pl.DataFrame) -> list[tuple]:
    q = df.filter(pl.col("kind") == "quantitative")
    return list(zip(q["metric_phrase"], q["target_year"], q["value"], q["value_high"], q["unit"], q["comparator"]))


@pytest.mark.parametrize(
    ("text", "document_date", "expected"),
    [
        # A rate or share with its value and no verb (State Council 2019; Hunan 2019; Kaifeng 2020).
        ("2019年，城镇调查失业率5.5%左右，城镇登记失业率4.5%以内；居民消费价格涨幅3%左右。", date(2019, 3, 5),
         [("城镇调查失业率", 2019, 5.5, None, "%", "="), ("城镇登记失业率", 2019, 4.5, None, "%", "≤"),
          ("居民消费价格涨幅", 2019, 3.0, None, "%", "=")]),
        ("到2022年，全市制造业增加值占地区生产总值比重35%左右。", date(2020, 4, 1),
         [("全市制造业增加值占地区生产总值比重", 2022, 35.0, None, "%", "=")]),
        # A bare magnitude before its comparator (农村贫困人口减少60万以上), a 斤 of grain in Traditional.
        ("2019年，农村贫困人口减少60万以上。", date(2019, 2, 1), [("农村贫困人口", 2019, 60.0, None, "万", "≥")]),
        ("確保2020年糧食產量穩定在1.3萬億斤以上。", date(2020, 2, 1), [("糧食產量", 2020, 1.3, None, "万亿斤", "≥")]),
        # What an annual plan completes and arranges, a list under one verb (Songyang 2025; Zhejiang 2024).
        ("2025年全县固定资产投资目标为125.9亿元以上，年度计划完成固定资产投资98.5亿元，安排重点预备项目10个、重大前期项目17个。",
         date(2025, 2, 1),
         [("全县固定资产投资", 2025, 125.9, None, "亿元", "≥"), ("固定资产投资", 2025, 98.5, None, "亿元", "="),
          ("重点预备项目", 2025, 10.0, None, "个", "="), ("重大前期项目", 2025, 17.0, None, "个", "=")]),
        ("2024年，撬动社会资本1000亿元。", date(2024, 2, 1), [("社会资本", 2024, 1000.0, None, "亿元", "=")]),
        # A count with a range, after a chain of verbs (培育形成).
        ("到2025年，力争培育8—10个百亿企业，培育形成2个千亿级产业集群。", date(2020, 4, 1),
         [("百亿企业", 2025, 8.0, 10.0, "个", "between"), ("千亿级产业集群", 2025, 2.0, None, "个", "=")]),
        ("到2019年底，全流程审批时间压缩至90个工作日以内。", date(2019, 3, 1), [("全流程审批时间", 2019, 90.0, None, "工作日", "≤")]),
    ],
)
def test_goal_lists_of_annual_plans(text, document_date, expected):
    assert _quantitative(targets_of(text, document_date)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Without a governing year, a verbless rate is a statistic, not a goal.
        "去年全省城镇调查失业率5.1%，居民消费价格涨幅2.1%。",
        # 完成2025年… names a year, not an amount.
        "2025年，完成2025年度投资计划编制。",
    ],
)
def test_no_quantity_where_none_is_promised(text):
    assert _quantitative(targets_of(text, date(2025, 2, 1))) == []


def _rows(df: pl.DataFrame, kinds: tuple[str, ...], columns: tuple[str, ...]) -> list[tuple]:
    """The ``columns`` of the targets of ``kinds``, in document order."""
    return [tuple(r[c] for c in columns) for r in df.iter_rows(named=True) if r["kind"] in kinds]


def _goals(df: pl.DataFrame) -> list[tuple]:
    return _rows(df, ("quantitative", "milestone"), ("kind", "metric_phrase", "target_year", "value"))


def test_the_items_under_a_heading_of_goals_are_goals_with_or_without_a_number():
    # Numbered items of 主要预期目标 (咸安区 2023; 立山区 2023, whose heading names no year: the
    # report's does): a goal without a number counts too, and the item's number is not its metric.
    xianan = targets_of("\n".join([
        "一、2023年全区经济社会发展主要预期目标",
        "6.一般公共预算收入增长12%以上。(责任领导:杜新国;牵头单位:区财政局、区税务局)",
        "7.城乡居民收入增长与经济增长基本同步。(责任领导:杜新国、丁玲;牵头单位:区发改局、区农业农村局)",
    ]), date(2023, 2, 1))
    assert _goals(xianan) == [("quantitative", "一般公共预算收入", 2023, 12.0),
                              ("milestone", "城乡居民收入增长与经济增长基本同步", 2023, None)]
    lishan = targets_of("\n".join([
        "鞍山市立山区2023年政府工作报告重点工作任务分解",
        "一、经济社会发展的主要预期目标",
        "5.一般公共预算收入增长8%左右。", "牵头单位:区财政局",
        "6.居民收入增长与经济增长基本同步。", "牵头单位:区发改局",
    ]), date(2023, 2, 20))
    assert _goals(lishan) == [("quantitative", "一般公共预算收入", 2023, 8.0),
                              ("milestone", "居民收入增长与经济增长基本同步", 2023, None)]


def test_an_item_title_outside_a_heading_of_goals_names_work_not_a_goal():
    # (广东省 2017: a work section's item titles are actions and states of the work, not goals.)
    df = targets_of("\n".join([
        "2017年重点工作任务分解", "二、重点任务", "（三）基础设施互联互通更加完善。", "加快建设铁路。",
    ]), date(2017, 1, 20))
    assert [r for r in _goals(df) if r[0] == "milestone"] == []


def test_an_annual_plans_task_table_lists_its_growth_goals_under_the_plans_year():
    # 嘉兴市 2023: the task table's rows are "序号 goal"; the table title gives the year.
    df = targets_of("\n".join([
        "2023年政府工作报告重点工作责任分解", "序号 主要工作任务 责任单位",
        "1 地区生产总值增长6%左右。 市发展改革委", "2022年地区生产总值增长2.5%。",
    ]), date(2023, 3, 1))
    assert _goals(df) == [("quantitative", "地区生产总值", 2023, 6.0)]


@pytest.mark.parametrize(
    "text",
    [
        # An agency's own next step in a reply letter (国办函〔2004〕25号), not a goal for 2004.
        "（一）关于加大对荆南四河堤防建设投资比例问题。1999年以来，发展改革委已在国债中安排该项目2亿元，其中2003年安排了9000万元。2004年发展改革委将会同水利部根据全国水利建设任务情况，认真进行研究，给予适当支持。",
        # An exemption until a date (国办发〔2018〕124号), not a goal for 2020.
        "（二十七）经省级人民政府批准，2020年年底前省属重点文化企业可免缴国有资本收益。",
    ],
)
def test_an_agencys_next_step_and_an_exemption_are_not_goals(text):
    assert [r for r in _goals(targets_of(text, date(2004, 2, 1))) if r[0] == "milestone"] == []


def _deadlines(df: pl.DataFrame) -> list[tuple]:
    return _rows(df, ("deadline",), ("deadline", "recurrence"))


def test_deadlines_on_a_day_and_deadlines_without_their_year():
    # A day, with and without its year (盘锦市人民政府办公室 2021, a Traditional mirror; 蔡甸区 2023);
    # the monthly report stays a recurring time.
    panjin = targets_of("\n".join([
        "盤錦市人民政府辦公室關于印發《2021年市〈政府工作報告〉任務分解和責任分工方案》的通知",
        "各牽頭單位的具體推進實施方案務于2021年2月3日前報送各位分管市領導,經分管市領導審核把關后于2月7日前報送市政府。",
        "各牽頭單位要于每月28日前將各項工作任務進展情況報送市政府督考辦。",
    ]), date(2021, 1, 25))
    assert _deadlines(panjin) == [("2021-02-03", None), ("2021-02-07", None), ("---28", "monthly")]
    caidian = targets_of("各单位要于2023年1月15日前将工作方案报区人民政府办公室。", date(2023, 1, 5))
    assert _deadlines(caidian) == [("2023-01-15", None)]
    # A month without its year falls in the year of the annual measures (洛阳市 2022, whose
    # signature date the page does not carry), not in none.
    luoyang = targets_of("\n".join([
        "洛阳市人民政府关于印发洛阳平台城市建设2022年细化措施的通知",
        "12月底前,配合国铁集团推进呼南高铁焦作经洛阳至平顶山段前期工作,并争取早日开工。",
    ]), None)
    assert _deadlines(luoyang) == [("2022-12-31", None)]


def test_the_last_year_of_a_period_is_no_annual_plan():
    # 国务院办公厅 2018: a three-year action plan; its month-only limits take the notice's year.
    df = targets_of("\n".join([
        "国务院办公厅关于印发推进运输结构调整三年行动计划（2018—2020年）的通知",
        "2018—2020年重点任务", "6月底前完成方案编制。",
    ]), date(2018, 9, 17))
    assert [d for d, _ in _deadlines(df)] == ["2018-06-30"]


def _values(df: pl.DataFrame) -> list[tuple]:
    q = df.filter(pl.col("kind") == "quantitative")
    return list(zip(q["metric_phrase"], q["target_year"], q["value"], q["unit"]))


def test_an_annual_plans_work_items_count_for_its_year():
    # 大竹县 2016 (民生实事), 浙江省 2024 (政府工作报告 breakdown): items with no year of their own
    dazhu = targets_of("\n".join([
        "2016年民生实事目标任务分解表", "新建2座人行天桥。", "完成棚户区改造2836户。", "城区再新建1个农贸市场。",
    ]), date(2016, 2, 26))
    assert _values(dazhu) == [("人行天桥", 2016, 2.0, "座"), ("棚户区改造", 2016, 2836.0, "户"), ("农贸市场", 2016, 1.0, "个")]
    zhejiang = targets_of("\n".join([
        "2024年政府工作报告重点工作责任分解",
        "4.发挥“4+1”专项基金撬动作用。坚持市场化专业化运作，完成专项基金组建，年度计划投资200亿元，撬动社会资本1000亿元。",
    ]), date(2024, 2, 1))
    assert [(v, y) for _, y, v, _ in _values(zhejiang)] == [(200.0, 2024), (1000.0, 2024)]
    # a year of its own states a statistic; a campaign's name (三年行动) is no duration target;
    # work already done (了) is no target
    stats = targets_of("\n".join([
        "2023年重点工作分工方案", "2022年全区地区生产总值增长2.5%。", "聚焦辽宁省全面振兴新突破三年行动。",
        "去年新建了3座公园。",
    ]), date(2023, 3, 1))
    assert _values(stats) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one verb, two counts (开封 2020)
        ("到2025年,培育形成2个千亿级产业集群和6个五百亿级产业集群。",
         [("千亿级产业集群", 2025, 2.0, "个"), ("五百亿级产业集群", 2025, 6.0, "个")]),
        # a list after a comma under the same verb (松阳 2025)
        ("2025年,安排重点预备项目10个,重大前期项目17个。", [("重点预备项目", 2025, 10.0, "个"), ("重大前期项目", 2025, 17.0, "个")]),
        # counts of what is set up (国发〔2019〕4号)
        ("到2022年,建设100个“双师型”教师培养培训基地。", [("“双师型”教师培养培训基地", 2022, 100.0, "个")]),
        ("到2022年,遴选150个骨干专业(群)。", [("骨干专业(群)", 2022, 150.0, "个")]),
        # an index has no unit (潜江 2017)
        ("2017年全市经济社会发展主要预期目标是:居民消费价格指数控制在103.5以内。", [("居民消费价格指数", 2017, 103.5, None)]),
    ],
)
def test_counts_lists_and_indices(text, expected):
    assert _values(targets_of(text, date(2016, 1, 1))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one value each, in turn (a provincial forestry plan: 分别达到65%和55%)
        ("到2020年,森林覆盖率和森林蓄积量分别达到65%和55%。", [("森林覆盖率", 2020, 65.0, "%"), ("森林蓄积量", 2020, 55.0, "%")]),
        # one value for each (NDRC 2019 新型城镇化; a city's annual plan)
        ("2019年,实现常住人口和户籍人口城镇化率均提高1个百分点以上。",
         [("常住人口城镇化率", 2019, 1.0, "个百分点"), ("户籍人口城镇化率", 2019, 1.0, "个百分点")]),
        ("2023年,城镇和农村居民人均可支配收入均增长8%左右。",
         [("城镇居民人均可支配收入", 2023, 8.0, "%"), ("农村居民人均可支配收入", 2023, 8.0, "%")]),
        # values that do not pair with the metrics stay one target
        ("到2020年,各项指标分别达到65%。", [("各项指标", 2020, 65.0, "%")]),
    ],
)
def test_a_value_for_each_of_several_metrics(text, expected):
    assert _values(targets_of(text, date(2016, 1, 1))) == expected
