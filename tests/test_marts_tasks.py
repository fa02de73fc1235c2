"""The task and agency marts on the bundled corpus: counts, alias merging, provinces kept apart,
and the README's question "which tasks does the Guangdong DRC lead, and with whom?"."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# The README's query (keep the two in step).
TASKS_LED_BY_GD_DRC = """
select
    t.task_id,
    t.heading_path,
    t.text,
    coalesce(list(co.name_zh order by cb.position) filter (where co.agency_id is not null), []) as co_agencies
from marts.dim_agencies as drc
join marts.bridge_task_agencies as lb on lb.agency_id = drc.agency_id and lb.role = 'lead'
join marts.fct_tasks as t on t.task_id = lb.task_id
left join marts.bridge_task_agencies as cb on cb.task_id = t.task_id and cb.role = 'co'
left join marts.dim_agencies as co on co.agency_id = cb.agency_id
where drc.name_zh = '广东省发展和改革委员会'
group by t.task_id, t.document_id, t.seq, t.heading_path, t.text
order by t.document_id, t.seq
"""


@pytest.fixture(scope="module")
def db(bundled_warehouse: Path):
    conn = duckdb.connect(str(bundled_warehouse), read_only=True)
    yield conn
    conn.close()


def one(conn, sql: str, params=None):
    (row,) = conn.execute(sql, params or []).fetchall()
    return row


def test_task_counts_per_document(db):
    counts = dict(
        db.execute(
            """select coalesce(d.doc_number, d.title), count(*) from marts.fct_tasks t
               join marts.dim_documents d using (document_id) group by 1"""
        ).fetchall()
    )
    assert counts["粤府〔2017〕8号"] == 51
    assert counts["闽政〔2016〕52号"] == 29
    assert counts["中共广东省委 广东省人民政府关于贯彻落实《粤港澳大湾区发展规划纲要》的实施意见"] == 62
    # One set of tasks per document: the canonical source's.
    assert one(db, "select count(distinct source_id) from marts.fct_tasks") == (3,)


def test_first_task_counts_its_agencies(db):
    lead, co, responsible, groups = one(
        db,
        """select lead_count, co_count, responsible_count, group_count from marts.fct_tasks t
           join marts.dim_documents d using (document_id)
           where d.doc_number = '粤府〔2017〕8号' and t.seq = 0""",
    )
    assert (lead, co, responsible, groups) == (1, 8, 0, 1)


def test_aliases_merge_within_a_province_and_provinces_stay_apart(db):
    agencies = {
        name: (agency_id, province, level, name_en, aliases)
        for agency_id, name, province, level, name_en, aliases in db.execute(
            "select agency_id, name_zh, province, level, unit_en, aliases from marts.dim_agencies"
        ).fetchall()
    }
    gd, fj = agencies["广东省发展和改革委员会"], agencies["福建省发展和改革委员会"]
    assert gd[0] != fj[0] and (gd[1], fj[1]) == ("广东省", "福建省")
    assert "广东省发展改革委" in gd[4] and "福建省发改委" in fj[4]
    assert gd[2] == fj[2] == "provincial_department" and gd[3] == "Development and Reform Commission"
    # No agency survives under an alias.
    assert not [n for n in agencies if n.endswith(("发改委", "发展改革委", "经信委", "环保厅", "住建厅"))]
    # Two spellings of one department in one notice are one agency.
    assert set(agencies["广东省住房和城乡建设厅"][4]) == {"广东省住房城乡建设厅", "广东省城乡住房建设厅"}
    assert agencies["福建省环境保护厅"][4] == ["福建省环保厅"]
    assert agencies["广东省交通运输厅"][3] == "Department of Transport"


def test_levels(db):
    levels = dict(db.execute("select name_zh, level from marts.dim_agencies").fetchall())
    assert levels["海关广东分署"] == "central_local_office"
    assert levels["交通运输部珠江航务管理局"] == "central_local_office"
    assert levels["民航中南管理局"] == "central_local_office"
    assert levels["广铁集团"] == "enterprise"
    assert levels["深圳市人民政府"] == "prefecture_government"
    assert levels["广东省有关地级以上市政府"] == "group"
    assert one(db, "select bool_and(is_group) from marts.dim_agencies where level = 'group'") == (True,)


def test_bridge_mentions_point_into_the_source_text(db):
    bad = db.execute(
        """select b.task_id, b.mention from marts.bridge_task_agencies b
           join marts.fct_tasks t using (task_id) join staging.stg_sources s on s.source_id = t.source_id
           where substring(s.full_text, b.char_start + 1, b.char_end - b.char_start) <> b.mention"""
    ).fetchall()
    assert bad == []
    bad = db.execute(
        """select t.task_id from marts.fct_tasks t join staging.stg_sources s using (source_id)
           where t.has_note and substring(s.full_text, t.note_char_start + 1, t.note_char_end - t.note_char_start) <> t.note_text"""
    ).fetchall()
    assert bad == []


def test_tasks_led_by_the_guangdong_drc_with_their_co_agencies(db):
    rows = db.execute(TASKS_LED_BY_GD_DRC).fetchall()
    assert len(rows) == 16
    first = rows[0]
    assert first[2].startswith("1.优化区域经济发展格局")
    assert first[3] == [
        "广东省经济和信息化委员会",
        "广东省国土资源厅",
        "广东省住房和城乡建设厅",
        "广东省商务厅",
        "广东省海洋与渔业厅",
        "广东省交通运输厅",
        "广东省港澳事务办公室",
        "广东省有关地级以上市政府",
    ]
    workload = one(
        db,
        """select tasks_led, tasks_co, tasks_responsible, tasks_total from marts.agency_workload
           where name_zh = '广东省发展和改革委员会'""",
    )
    assert workload == (16, 18, 6, 40)


def test_agencies_carry_full_english_names_and_division_codes(db):
    """Provincial and city agencies are named with their division, as the Chinese names are, and
    carry GB/T 2260 codes; seven city governments are seven different names."""
    rows = dict(
        (name, (en, division, province))
        for name, en, division, province in db.execute(
            "select name_zh, name_en, division_code, province_code from marts.dim_agencies"
        ).fetchall()
    )
    assert rows["广东省发展和改革委员会"] == ("Guangdong Provincial Development and Reform Commission", "440000", "440000")
    assert rows["福建省发展和改革委员会"][0] == "Fujian Provincial Development and Reform Commission"
    assert rows["深圳市人民政府"] == ("Shenzhen Municipal People's Government", "440300", "440000")
    assert rows["广东省委组织部"][0] == "Guangdong Provincial Party Committee Organization Department"
    governments = [en for name, (en, _, _) in rows.items() if name.endswith("市人民政府")]
    assert len(governments) >= 7 and len(set(governments)) == len(governments)
    # no agency is named by its kind alone where its division is known
    vague = db.execute(
        """select name_zh, name_en from marts.dim_agencies
           where division_code is not null and not is_group
             and not regexp_matches(name_en, '(Provincial|Municipal|District|County|Banner|Prefecture|League|Autonomous Region) ')"""
    ).fetchall()
    assert vague == []


def test_workload_tables_have_one_grain_each(db):
    """Summing the per-document table gives the overall one: no table mixes two grains."""
    mismatched = db.execute(
        """select w.agency_id from marts.agency_workload w
           join (select agency_id, sum(tasks_led) as led, sum(tasks_total) as total, count(*) as docs
                 from marts.agency_document_workload group by agency_id) d using (agency_id)
           where w.tasks_led <> d.led or w.document_count <> d.docs"""
    ).fetchall()
    assert mismatched == []
    assert one(db, "select count(*) = count(distinct agency_id) from marts.agency_workload") == (True,)
