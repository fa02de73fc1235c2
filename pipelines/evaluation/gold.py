"""The evaluation corpus (eval/corpus) and its gold annotations (eval/gold), as plain values.

Gold is written by people reading the notices (conventions in eval/README.md); this module only
reads it and checks that it is well formed, so a typo in a gold file is an error, not a score.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "eval"
ROLES = ("lead", "co", "responsible", "guide", "supervise")
TARGET_KINDS = ("quantitative", "milestone", "deadline")
RELATIONS = ("forwards", "implements", "repeals", "cites")
METADATA_FIELDS = ("title", "doc_number", "issuer", "signed_date", "publish_date", "province")


class GoldError(ValueError):
    """A gold file that does not follow eval/README.md."""


@dataclass(frozen=True)
class GoldAgency:
    mention: str
    role: str
    name: str
    is_group: bool = False


@dataclass(frozen=True)
class GoldTask:
    note: str
    text_start: str | None
    agencies: tuple[GoldAgency, ...]
    deadline: str | None


@dataclass(frozen=True)
class GoldTarget:
    statement: str
    kind: str
    metric: str | None
    year: int | None
    value: float | None
    value_high: float | None
    unit: str | None
    comparator: str | None


@dataclass(frozen=True)
class GoldProject:
    name: str
    category: str | None
    stage: str | None


@dataclass(frozen=True)
class GoldReference:
    doc_number: str | None
    title: str | None
    relation: str


@dataclass(frozen=True)
class GoldNotice:
    id: str
    source: Path  # the file the pipeline reads
    reference_text: Path | None  # one paragraph a line
    metadata: dict[str, str | None]
    tasks: tuple[GoldTask, ...]
    targets: tuple[GoldTarget, ...]
    projects: tuple[GoldProject, ...]
    references: tuple[GoldReference, ...]

    @property
    def corpus(self) -> str:
        """"govcn" or "gathered": which part of the corpus the notice is in."""
        return self.source.parent.name


def _number(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GoldError(f"{where}: {value!r} is not a number")
    return float(value)


def load_notice(path: Path, eval_dir: Path = EVAL_DIR) -> GoldNotice:
    where = str(path)
    try:
        g = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise GoldError(f"{where}: not JSON: {e}") from e
    source = eval_dir / g["source"]
    if not source.exists():
        raise GoldError(f"{where}: source {source} does not exist")
    txt = source.with_suffix(".txt")
    tasks = []
    for k, t in enumerate(g["tasks"]):
        agencies = []
        for a in t["agencies"]:
            if a["role"] not in ROLES:
                raise GoldError(f"{where}: task {k}: role {a['role']!r} is not one of {ROLES}")
            agencies.append(GoldAgency(a["mention"], a["role"], a["name"], bool(a.get("is_group", False))))
        tasks.append(GoldTask(t["note"], t.get("text_start"), tuple(agencies), t.get("deadline")))
    targets = []
    for k, t in enumerate(g["targets"]):
        if t["kind"] not in TARGET_KINDS:
            raise GoldError(f"{where}: target {k}: kind {t['kind']!r} is not one of {TARGET_KINDS}")
        year = t.get("year")
        if year is not None and not isinstance(year, int):
            raise GoldError(f"{where}: target {k}: year {year!r} is not an integer")
        targets.append(GoldTarget(
            t["statement"], t["kind"], t.get("metric"), year, _number(t.get("value"), f"{where}: target {k}"),
            _number(t.get("value_high"), f"{where}: target {k}"), t.get("unit"), t.get("comparator"),
        ))
    projects = tuple(GoldProject(p["name"], p.get("category"), p.get("stage")) for p in g["projects"])
    references = []
    for k, r in enumerate(g["references"]):
        if r["relation"] not in RELATIONS:
            raise GoldError(f"{where}: reference {k}: relation {r['relation']!r} is not one of {RELATIONS}")
        references.append(GoldReference(r.get("doc_number"), r.get("title"), r["relation"]))
    metadata = {f: g["metadata"].get(f) for f in METADATA_FIELDS}
    return GoldNotice(
        g["id"], source, txt if txt.exists() else None, metadata,
        tuple(tasks), tuple(targets), projects, tuple(references),
    )


def load_gold(eval_dir: Path = EVAL_DIR) -> list[GoldNotice]:
    """Every gold notice, sorted by id."""
    notices = [load_notice(p, eval_dir) for p in sorted((eval_dir / "gold").glob("*.json"))]
    ids = [n.id for n in notices]
    if len(set(ids)) != len(ids):
        raise GoldError("two gold files share an id")
    return notices
