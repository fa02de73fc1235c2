"""Project extraction: the run patterns of issue 4, then whole bundled notices."""
from __future__ import annotations

import functools
import re

import polars as pl
import pytest

from pipelines.clauses import clause_frame
from pipelines.extract.projects import PROJECT_SCHEMA, extract_projects, normalize_project_name
from pipelines.model import Paragraph, ParsedNotice
from pipelines.seeds import load_seed
from corpus_notices import corpus_notice



def projects_of(text: str) -> pl.DataFrame:
    paragraphs = [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]
    notice = ParsedNotice("html", paragraphs)
    return extract_projects("t", paragraphs, clause_frame("t", notice))


def notice(name: str) -> ParsedNotice:
    return corpus_notice(name)


@functools.lru_cache(maxsize=None)
def notice_projects(name: str) -> pl.DataFrame:
    n = notice(name)
    return extract_projects(name, n.paragraphs, clause_frame(name, n))


def category_of(row: dict) -> str | None:
    """What dbt's int_project_categories does: best pattern on the name, else list noun, else topic."""
    seed = sorted(load_seed("project_categories"), key=lambda r: -int(r["priority"]))
    for field in ("name_normalized", "list_noun", "topic"):
        value = row.get(field)
        for r in seed if value else ():
            if re.search(r["pattern"], value):
                return r["category"]
    return None


# --- runs as the issue writes them ---------------------------------------------------------------


def test_construction_run_with_endpoints():
    df = projects_of("推进合浦至湛江铁路、赣州至深圳客专、龙川至龙岩客专等项目建设。")
    assert df["name"].to_list() == ["合浦至湛江铁路", "赣州至深圳客专", "龙川至龙岩客专"]
    assert set(df["stage"]) == {"construction"}
    assert df["verb"].to_list() == ["推进…建设"] * 3
    assert df["list_noun"].to_list() == ["项目"] * 3


def test_planning_run_keeps_the_parenthetical_note_with_its_project():
    df = projects_of("规划研究张家界经湛江至海口旅游高铁、深圳至肇庆客专(衔接贵广、南广高速铁路)。")
    assert df["name"].to_list() == ["张家界经湛江至海口旅游高铁", "深圳至肇庆客专"]
    assert df["note"].to_list() == [None, "衔接贵广、南广高速铁路"]
    assert set(df["stage"]) == {"planning"}
    # the note is not a project of its own
    assert "南广高速铁路" not in df["name"].to_list()


def test_bridge_and_expressway_run():
    df = projects_of("加快推进港珠澳大桥、广佛肇至梧州高速、玉林至湛江高速等项目建设。")
    assert df["name"].to_list() == ["港珠澳大桥", "广佛肇至梧州高速", "玉林至湛江高速"]
    assert df["verb"][0] == "加快推进…建设"
    assert set(df["stage"]) == {"construction"}


def test_single_project_with_closing_verb():
    df = projects_of("加快推进韩江高陂水利枢纽工程建设，推进环北部湾水资源配置工程前期工作。")
    assert df.select("name", "stage").rows() == [
        ("韩江高陂水利枢纽工程", "construction"),
        ("环北部湾水资源配置工程", "preliminary"),
    ]
    assert df["name_normalized"][0] == "韩江高陂水利枢纽"


def test_energy_project_after_a_bare_verb():
    df = projects_of("建设滇西北至广东±800千伏特高压直流输电工程，加大配电网的建设与改造力度。")
    assert df["name"].to_list() == ["滇西北至广东±800千伏特高压直流输电工程"]
    assert df["stage"].to_list() == ["construction"]


@pytest.mark.parametrize(
    ("sentence", "name", "stage", "verb"),
    [
        ("研究谋划中珠澳沿江高速。", "中珠澳沿江高速", "planning", "研究谋划"),
        ("开工建设广湛高铁。", "广湛高铁", "construction", "开工建设"),
        ("加快建设广深港高速铁路等项目。", "广深港高速铁路", "construction", "加快建设"),
        ("实现港珠澳大桥贯通。", "港珠澳大桥", "completion", "实现…贯通"),
        ("建成深中通道。", "深中通道", "completion", "建成"),
        ("确保深中通道如期建成通车。", "深中通道", "completion", "确保…如期建成通车"),
        ("推进福建与江西电网联网工程项目前期工作。", "福建与江西电网联网工程项目", "preliminary", "推进…前期工作"),
        ("积极推进福州至广州铁路（龙岩至龙川段）、吉安经武夷山至温州等铁路项目规划和前期工作。",
         "福州至广州铁路", "preliminary", "积极推进…规划和前期工作"),
    ],
)
def test_stage_from_the_governing_verb(sentence, name, stage, verb):
    df = projects_of(sentence)
    row = df.filter(pl.col("name") == name).row(0, named=True)
    assert (row["stage"], row["verb"]) == (stage, verb)


def test_section_of_a_line_stays_in_the_name():
    df = projects_of("规划研究沿海高铁漳州至汕尾段等铁路项目。")
    assert df["name"].to_list() == ["沿海高铁漳州至汕尾段"]
    assert df["name_normalized"].to_list() == ["沿海高铁漳州-汕尾段"]


def test_name_normalization_unifies_dashes_to_and_traditional():
    keys = {normalize_project_name(n) for n in ["赣州至深圳客专", "赣州—深圳客专", "赣州-深圳客专", "贛州至深圳客專", "赣州－深圳客专"]}
    assert keys == {"赣州-深圳客专"}
    assert normalize_project_name("深（圳）中（山）通道") == normalize_project_name("深中通道") == "深中通道"
    assert normalize_project_name("珠江—西江经济带") == normalize_project_name("珠江-西江经济带")


def test_traditional_text():
    df = projects_of("推進港珠澳大橋、深中通道等項目建設。")
    assert df["name"].to_list() == ["港珠澳大橋", "深中通道"]
    assert df["name_normalized"].to_list() == ["港珠澳大桥", "深中通道"]
    assert set(df["stage"]) == {"construction"}


@pytest.mark.parametrize(
    "sentence",
    [
        "推进城市群内部城际铁路、公路等交通网络、信息网络的连接和产业分工协作。",
        "共同推进区域内列入国家《中长期铁路网规划》的项目建设。",
        "推动内陆口岸同沿海、沿边口岸通关协作。",
        "加快推进广州、深圳、珠海、惠州等机场改扩建。",  # names cities, not projects
        "有序推进沙角电厂、广州发电厂等老旧机组关停。",  # closes plants, builds nothing
        "支持福建、湖南、云南等地开展国家公园体制试点工作。",
        "建设统一开放、竞争有序的现代市场体系。",
    ],
)
def test_descriptions_are_not_projects(sentence):
    assert projects_of(sentence).is_empty()


def test_offsets_point_at_the_name_in_the_full_text():
    text = "一、总体要求\n铁路方面。推进合浦至湛江铁路、柳州至广州等项目建设。"
    df = projects_of(text)
    for row in df.iter_rows(named=True):
        assert text[row["char_start"] : row["char_end"]] == row["name"]
    assert df["topic"].to_list() == ["铁路方面", "铁路方面"]
    assert df.schema == pl.Schema(PROJECT_SCHEMA)


def test_categories_from_the_seed():
    df = projects_of(
        "推进合浦至湛江铁路、港珠澳大桥、韩江高陂水利枢纽、闽粤经济合作区、广州南沙港区、西气东输三线、"
        "粤港澳跨境通信网络、莲塘/香园围口岸、珠三角枢纽机场、甬莞高速等项目建设。"
    )
    assert [category_of(r) for r in df.iter_rows(named=True)] == [
        "railway", "crossing", "water", "platform", "port", "energy", "telecom", "border_port", "airport", "road",
    ]


# --- whole notices ----------------------------------------------------------------------------------

RAILWAY_BUILD = [
    "合浦至湛江铁路", "赣州至深圳客专", "龙川至龙岩客专", "瑞金至梅州铁路", "韶关至柳州铁路", "罗定至岑溪铁路",
    "柳州至广州", "琼州海峡跨海通道工程", "湛海铁路扩能工程", "黎湛铁路电气化改造工程", "洛湛铁路电气化",
]
RAILWAY_PLAN = ["张家界经湛江至海口旅游高铁", "深圳至肇庆客专", "沿海高铁漳州至汕尾段"]


@pytest.mark.parametrize("name", ["gd-2017-8.html", "gd-2017-8.pdf"])
def test_railway_paragraph_of_yuefu_2017_8_gives_14_projects(name):
    df = notice_projects(name).filter(pl.col("topic") == "铁路方面")
    assert df.height == 14
    build = df.filter(pl.col("stage") == "construction")
    plan = df.filter(pl.col("stage") == "planning")
    assert build["name"].to_list() == RAILWAY_BUILD
    assert plan["name"].to_list() == RAILWAY_PLAN
    assert plan.filter(pl.col("name") == "深圳至肇庆客专")["note"].to_list() == ["衔接贵广、南广高速铁路"]
    # 柳州至广州 carries no category word: the paragraph's topic makes it a railway
    assert {category_of(r) for r in df.iter_rows(named=True)} >= {"railway"}
    assert category_of(df.filter(pl.col("name") == "柳州至广州").row(0, named=True)) == "railway"
    text = notice(name).full_text
    for row in df.iter_rows(named=True):
        assert text[row["char_start"] : row["char_end"]].startswith(row["name"])


def test_same_project_across_notices():
    gd = set(notice_projects("gd-2017-8.html")["name_normalized"])
    gba = notice_projects("gd-gba-2019.pdf")
    fj = set(notice_projects("fj-2016-52.html")["name_normalized"])
    # 粤府〔2017〕8号 writes 深中通道, the Bay Area opinions 深（圳）中（山）通道
    assert "深中通道" in gd and "深中通道" in set(gba["name_normalized"])
    assert gba.filter(pl.col("name_normalized") == "深中通道")["name"].to_list() == ["深（圳）中（山）通道"]
    # 西气东输三线 in Guangdong; its Fujian section in Fujian is a project of its own
    assert "西气东输三线" in gd and "西气东输三线闽粤支干线福建段" in fj


def test_fujian_projects():
    df = notice_projects("fj-2016-52.html")
    rows = {r["name"]: r for r in df.iter_rows(named=True)}
    assert rows["浦梅铁路建宁至冠豸山段"]["stage"] == "construction"
    assert rows["福州至广州铁路"]["note"] == "龙岩至龙川段"
    assert rows["吉安经武夷山至温州"]["stage"] == "preliminary"
    assert rows["湄洲湾港罗屿大宗散货码头"]["stage"] == "construction"


def test_repeated_passages_are_counted_once():
    # the scraped page of 粤府〔2016〕34号 repeats passages of 国发〔2016〕18号
    df = notice_projects("gd-2016-34.html")
    assert df.filter(pl.col("name") == "港珠澳大桥").height == 1


def test_run_cut_by_a_paragraph_break():
    # In gd-gba-2019.pdf (and its reference text) a paragraph ends "…赣州至深圳、岑溪至罗定等" and
    # the next one starts "铁路项目建设。": the PDF layout breaks the sentence.
    df = notice_projects("gd-gba-2019.pdf")
    rows = {r["name"]: r for r in df.iter_rows(named=True)}
    for name in ["广州经湛江至海口", "广州经汕尾至汕头", "深茂铁路深圳至江门段", "赣州至深圳", "岑溪至罗定"]:
        assert (rows[name]["stage"], rows[name]["list_noun"]) == ("construction", "铁路项目")
    assert category_of(rows["岑溪至罗定"]) == "railway"


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # 抓好…等项目建设 (Hubei 2017 work report, in a Traditional mirror).
        ("重點抓好國家存儲器基地、國家航天產業基地、天馬第6代低溫多晶硅生產線等項目建設。",
         ["國家存儲器基地", "國家航天產業基地", "天馬第6代低溫多晶硅生產線"]),
        # Railways named by their two ends' abbreviations, under a list noun that says railways
        # (State Council 2009, western development).
        ("加快兰渝、南广、贵广、太中银等一批重点铁路建设。", ["兰渝", "南广", "贵广", "太中银"]),
        ("加快推进成兰、川藏等铁路项目建设。", ["成兰", "川藏"]),
        # River works: the long name keeps one character beside the wide 治理 pattern (Xian'an 2023).
        ("加快推进淦河二期系统治理、汀泗河系统治理项目。", ["淦河二期系统治理", "汀泗河系统治理项目"]),
    ],
)
def test_project_runs_as_work_reports_write_them(sentence, names):
    assert projects_of(sentence)["name"].to_list() == names


@pytest.mark.parametrize(
    "sentence",
    [
        "加快推进广州、深圳、珠海、惠州等机场改扩建。",  # places before 等机场: their airports, unnamed
        "加强西江、北江等内河航道建设。",  # rivers, not railways
    ],
)
def test_places_and_rivers_in_a_listed_run_are_not_project_names(sentence):
    assert projects_of(sentence).height == 0


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Roads named by their code, lower-case as the portal printed them; 做好…前期工作 is
        # preliminary work (咸安区 2023 work report).
        ("推进s356横沟至黄沙铺改扩建二期、s319咸赵线陈家沟段达标提质改造工程,做好g351双溪至横沟段改扩建项目前期工作。",
         [("s356横沟至黄沙铺改扩建二期", "construction"), ("s319咸赵线陈家沟段达标提质改造工程", "construction"),
          ("g351双溪至横沟段改扩建项目", "preliminary")]),
        # Two verbs in a row: 迁建 belongs to the verb, not to the airport's name (民航局综合司, 2023).
        ("下一步,我局将积极配合贵委,加快推进迁建龙岩机场项目前期工作,并在项目可行性研究阶段按照投资政策积极研究予以资金支持。",
         [("龙岩机场项目", "preliminary")]),
        # A 服务中心 is a building; 迁建 opens a run like 新建 (大竹县 2016 livelihood projects table).
        ("建成县残疾人综合服务中心。", [("县残疾人综合服务中心", "completion")]),
        ("迁建县政务服务中心。", [("县政务服务中心", "construction")]),
    ],
)
def test_road_codes_verb_chains_and_service_centres(sentence, expected):
    assert projects_of(sentence).select("name", "stage").rows() == expected


def test_a_road_code_is_a_road_and_a_service_is_still_no_project():
    assert category_of({"name_normalized": "G351双溪至横沟段改扩建"}) == "road"
    assert category_of({"name_normalized": "s356横沟至黄沙铺改扩建二期"}) == "road"
    assert projects_of("推进政务服务标准化建设。").height == 0
    assert projects_of("推进S型曲线优化。").height == 0  # a letter and no number is no road code


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A project's approval papers (项目建议书 → 可行性研究报告 → 初步设计) put it at its preliminary
        # stage: a State Council office's reply to Sichuan (2004), one to Hubei, NDRC approvals' titles.
        ("你省请求,国家尽快审核亭子口水利枢纽工程项目建议书。", [("亭子口水利枢纽工程", "preliminary")]),
        ("你省请求,国家尽快审核60万吨乙烯项目的可行性研究报告。", [("60万吨乙烯项目", "preliminary")]),
        ("目前,对你省提出的荆南四河堤防一期工程可研报告,水利部和中国国际工程咨询公司已分别进行了审查和评估。",
         [("荆南四河堤防一期工程", "preliminary")]),
        ("国家发展改革委关于新建福州至厦门铁路可行性研究报告的批复", [("福州至厦门铁路", "preliminary")]),
        ("国家发展改革委关于珠江三角洲水资源配置工程可行性研究报告的批复", [("珠江三角洲水资源配置工程", "preliminary")]),
        # …建设一期工程 describes work on the dikes; 项目可行性研究阶段 names no paper
        ("尽快批复荆南四河堤防建设一期工程可研报告并开工建设。", []),
        ("并在项目可行性研究阶段按照投资政策积极研究予以资金支持。", []),
    ],
)
def test_projects_before_their_approval_papers(sentence, expected):
    assert projects_of(sentence).select("name", "stage").rows() == expected


def test_the_heading_of_a_section_about_a_request_names_its_project():
    """Replies to a province's requests and meeting minutes give each request a section headed
    关于X问题; X is a project when it names a works (a named 项目/工程/基地 or a works by its kind)."""
    reply = "\n".join([
        "一、关于60万吨乙烯项目问题。", "你省请求,国家尽快审核60万吨乙烯项目的可行性研究报告。",
        "五、关于巴朗山隧道建设问题。", "你省请求,中央对巴朗山隧道建设予以支持。",
        "七、关于德阳重大技术装备基地建设问题。",
        "(二)关于荆南四河堤防一期工程可研报告批复和开工建设问题",
        # not works: a subsidy, a programme joined with another, an activity on a river, a description
        "三、关于水稻良种补贴问题。", "十、关于天然林资源保护和退耕还林工程问题。", "九、关于长江上游污染治理问题。",
        "一、关于支持荆南四河等连江支流的堤防建设问题",
    ])
    rows = projects_of(reply).select("name", "stage", "verb").rows()
    assert rows == [
        ("60万吨乙烯项目", "planning", "关于…问题"), ("60万吨乙烯项目", "preliminary", "可行性研究报告"),
        ("巴朗山隧道", "construction", "关于…问题"), ("德阳重大技术装备基地", "construction", "关于…问题"),
        ("荆南四河堤防一期工程", "preliminary", "可研报告"),
    ]
    # a body sentence shaped like a heading is no heading
    assert projects_of("关于德阳的中央企业实行主辅分业问题,国家有关部门正在研究。").is_empty()


@pytest.mark.parametrize(
    "sentence",
    [
        "新建2座人行天桥。",  # a count of things (大竹县 2016), not a name
        "城区再新建1个农贸市场。",
        "加快干线公路网建设。",  # a network of a kind
        "规划研究市域(城际)铁路。",  # a kind of line (洛阳 2022)
        "建立健全现代医院管理制度。",  # an institution, not a works
        "推进工程建设项目(主要是房屋建筑和城市基础设施)全流程审批时间压缩至90个工作日以内。",
    ],
)
def test_counts_kinds_and_institutions_are_not_projects(sentence):
    assert projects_of(sentence).is_empty()
