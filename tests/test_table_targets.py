"""Indicator tables become targets of the promises stage: the latest year column is the target,
an earlier one its base; the same frame (and marts) as the targets sentences state."""
from __future__ import annotations

import office_synth as office
from test_table_tasks import _stage_input

from pipelines.extract_stages import PROMISES


def test_an_indicator_table_gives_one_target_per_metric_row():
    src, full_text = _stage_input(office.indicator_docx(), "https://x.gov.cn/fj2.docx")
    every = PROMISES.extract(src)["targets"]
    # The title line's 十四五 is a plan period the sentence grammar reads; the table's rows are quantities.
    assert every.filter(every["kind"] == "plan_period")["metric_phrase"].to_list() == ["“十四五"]
    targets = every.filter(every["kind"] == "quantitative")
    got = [(t["metric_phrase"], t["target_year"], t["value"], t["unit"], t["comparator"], t["base_year"]) for t in targets.to_dicts()]
    assert got == office.EXPECTED_TARGETS
    for t in targets.to_dicts():  # each points at its value cell, in a clause of its row
        assert full_text[t["char_start"] : t["char_end"]] in ("3500", "1700以上", "8000")
        assert t["kind"] == "quantitative" and t["clause_id"] and t["metric_phrase"] in t["statement"]
