"""The evaluation corpus, scored: every headline figure stays at or above its committed floor.

Runs the whole pipeline (fetch, parse, extraction, dbt) on eval/corpus, as `make eval` does,
and compares the marts with the gold in eval/gold. The floors in eval/floors.json are raised as
the extractors improve and never lowered to let a change through.
"""
from __future__ import annotations

import json

import pytest

from pipelines.evaluation.gold import EVAL_DIR, load_gold
from pipelines.evaluation.run import HEADLINE, below_floors, evaluate, run_pipeline, write_catalog


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    notices = load_gold()
    work = tmp_path_factory.mktemp("eval")
    warehouse = run_pipeline(write_catalog(notices, work), work)
    totals, _ = evaluate(warehouse, notices)
    return totals


def test_the_gold_is_well_formed_and_large_enough():
    notices = load_gold()
    assert len(notices) >= 30
    assert sum(len(n.tasks) for n in notices) >= 100
    for n in notices:
        text = n.reference_text.read_text(encoding="utf-8") if n.reference_text else ""
        for t in n.tasks:
            if " | " not in t.note:  # table rows join their cells; other notes are quoted
                assert t.note in text, (n.id, t.note)


def test_every_figure_is_at_or_above_its_floor(scores):
    floors = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
    assert set(HEADLINE) <= set(floors)  # every headline figure has a floor (deadlines have one too)
    assert below_floors(scores, floors) == []
