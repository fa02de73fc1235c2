"""``make eval``: run the pipeline on the evaluation corpus and score it against the gold.

    python -m pipelines.evaluation [--check] [--report eval/REPORT.md]

The real pipeline runs (every Dagster asset: fetch, parse, extraction, dbt) on a catalogue of the
evaluation notices, into a warehouse under ``eval/.work`` (kept between runs: only what changed
is processed again). What the marts say about each notice is then compared with its gold.
``--check`` exits non-zero when a figure is below its floor in ``eval/floors.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from pipelines.evaluation.gold import EVAL_DIR, GoldNotice, load_gold
from pipelines.evaluation.score import (
    PredAgency, PredProject, PredReference, Predicted, PredTarget, PredTask, Score, score_notice,
)

# The figures the issue asks for, in the order of the report; "overall" is their mean F1.
HEADLINE = [
    "body paragraphs intact", "metadata (all fields)", "tasks found", "agency mentions exact",
    "role-exact tasks", "agencies resolved", "targets (year and value)", "projects found",
    "project stage right", "references found", "reference relation right",
]


def write_catalog(notices: list[GoldNotice], work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    catalog = work / "catalog.yaml"
    lines = [f"# The evaluation corpus (written by `make eval`; see {EVAL_DIR / 'README.md'})",
             f"roots: [{EVAL_DIR / 'corpus'}]", "notices:"]
    lines += [f"  - {{id: {n.id}, url: {n.source.as_uri()}}}" for n in notices]
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalog


def run_pipeline(catalog: Path, work: Path) -> Path:
    """Materialise every asset on ``catalog``; returns the warehouse path."""
    import dagster as dg

    from pipelines.definitions import ASSETS, CHECKS, make_resources
    from pipelines.defs.resources import NoticesConfig

    warehouse = work / "warehouse" / "eval.duckdb"
    notices = NoticesConfig(catalog_path=str(catalog), warehouse_path=str(warehouse), raw_dir=str(work / "raw"))
    # Without the asset checks: the score reads the marts, and dbt's data tests would double the build.
    result = dg.materialize([*ASSETS, *CHECKS], resources=make_resources(notices), raise_on_error=False,
                            selection=dg.AssetSelection.all().without_checks())
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        raise SystemExit(f"the pipeline failed on the evaluation corpus (steps {failed}); see the log above")
    return warehouse


def predictions(conn: duckdb.DuckDBPyConnection, source_id: str) -> Predicted:
    """What the warehouse says about one source's document (marts, as analysts see them)."""
    pred = Predicted()
    doc = conn.execute(
        "select document_id from intermediate.int_document_sources where source_id = ?", [source_id]
    ).fetchall()
    meta = conn.execute(
        """select title, doc_number, issuer, cast(signed_date as varchar), cast(publish_date as varchar), province
           from staging.stg_sources where source_id = ?""", [source_id],
    ).fetchall()
    pred.paragraphs = [t for (t,) in conn.execute(
        "select text from raw.paragraphs where source_id = ? order by paragraph_seq", [source_id]).fetchall()]
    if meta:
        pred.metadata = dict(zip(["title", "doc_number", "issuer", "signed_date", "publish_date", "province"], meta[0]))
    if not doc:
        return pred
    document_id = doc[0][0]
    (pred.full_text,) = conn.execute(
        """select s.full_text from intermediate.int_document_sources d join staging.stg_sources s using (source_id)
           where d.document_id = ? and d.is_canonical""", [document_id],
    ).fetchall()[0]
    agencies: dict[str, list[PredAgency]] = defaultdict(list)
    for task_id, mention, role, name in conn.execute(
        """select b.task_id, b.mention, b.role, a.name_zh
           from marts.bridge_task_agencies b join marts.dim_agencies a using (agency_id)
           where b.document_id = ? order by b.task_id, b.position""", [document_id],
    ).fetchall():
        agencies[task_id].append(PredAgency(mention, role, name))
    pred.tasks = [
        PredTask(note, text, tuple(agencies[task_id]))
        for task_id, note, text in conn.execute(
            "select task_id, note_text, text from marts.fct_tasks where document_id = ? order by seq", [document_id]
        ).fetchall()
    ]
    pred.targets = [
        PredTarget(kind, year, value, high, start, end, c_start if c_start is not None else start,
                   c_end if c_end is not None else end)
        for kind, year, value, high, start, end, c_start, c_end in conn.execute(
            """select t.kind, t.target_year, t.value, t.value_high, t.char_start, t.char_end, c.char_start, c.char_end
               from marts.fct_targets t left join staging.stg_clauses c using (clause_id)
               where t.document_id = ?""", [document_id],
        ).fetchall()
    ]
    pred.projects = [PredProject(name, stage) for name, stage in conn.execute(
        "select name_as_written, stage from marts.fct_project_mentions where document_id = ? order by char_start",
        [document_id]).fetchall()]
    pred.references = [PredReference(number, title, relation) for number, title, relation in conn.execute(
        """select cited_doc_number, cited_title, relation from marts.fct_document_references
           where citing_document_id = ? order by first_char_start""", [document_id]).fetchall()]
    return pred


def evaluate(warehouse: Path, notices: list[GoldNotice]) -> tuple[dict[str, Score], dict[str, dict[str, Score]]]:
    """(totals per figure, totals per figure per corpus part)."""
    totals: dict[str, Score] = defaultdict(Score)
    parts: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for notice in notices:
            for name, s in score_notice(notice, predictions(conn, notice.id)).items():
                for key in ([name, "metadata (all fields)"] if name.startswith("metadata: ") else [name]):
                    totals[key].add(s)
                    parts[notice.corpus][key].add(s)
    return dict(totals), {k: dict(v) for k, v in parts.items()}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def report(totals: dict[str, Score], parts: dict[str, dict[str, Score]], notices: list[GoldNotice]) -> str:
    names = HEADLINE + sorted(k for k in totals if k not in HEADLINE)
    part_names = sorted(parts)
    f1s = [totals[n].f1 for n in HEADLINE if n in totals and totals[n].f1 is not None]
    lines = [
        f"Evaluation corpus: {len(notices)} notices with gold ({', '.join(f'{p}: {sum(1 for n in notices if n.corpus == p)}' for p in part_names)}).",
        "",
        "| figure | gold | extracted | matched | precision % | recall % | F1 % | " + " | ".join(f"{p} F1 %" for p in part_names) + " |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(part_names),
    ]
    for name in names:
        if name not in totals:
            continue
        s = totals[name]
        cells = [name, str(s.tp + s.fn), str(s.tp + s.fp), str(s.tp), _pct(s.precision), _pct(s.recall), _pct(s.f1)]
        cells += [_pct(parts[p][name].f1) if name in parts[p] else "—" for p in part_names]
        lines.append("| " + " | ".join(cells) + " |")
    overall = sum(f1s) / len(f1s) if f1s else None
    lines += ["", f"Overall (mean F1 of the headline figures): {_pct(overall)} %"]
    return "\n".join(lines)


def below_floors(totals: dict[str, Score], floors: dict[str, dict[str, float]]) -> list[str]:
    """Figures below their committed floor, one readable line each."""
    low = []
    for name, floor in floors.items():
        s = totals.get(name)
        if s is None:
            low.append(f"{name}: no longer measured")
            continue
        for what, minimum in floor.items():
            value = getattr(s, what)
            if value is None or value + 1e-9 < minimum:
                low.append(f"{name}: {what} {_pct(value)}% is below its floor {100 * minimum:.1f}%")
    return low


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.evaluation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=EVAL_DIR / ".work", help="where the evaluation warehouse lives")
    parser.add_argument("--report", type=Path, default=EVAL_DIR / "REPORT.md", help="the markdown report to write")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below eval/floors.json")
    args = parser.parse_args(argv)
    notices = load_gold()
    started = time.monotonic()
    warehouse = run_pipeline(write_catalog(notices, args.work), args.work)
    totals, parts = evaluate(warehouse, notices)
    text = report(totals, parts, notices)
    print(text)
    print(f"\n({time.monotonic() - started:.0f}s)")
    args.report.write_text(
        "# Evaluation report\n\nWritten by `make eval` (pipelines/evaluation); conventions in eval/README.md.\n\n" + text + "\n",
        encoding="utf-8",
    )
    if args.check:
        floors = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
        low = below_floors(totals, floors)
        for line in low:
            print(f"below floor: {line}", file=sys.stderr)
        return 1 if low else 0
    return 0
