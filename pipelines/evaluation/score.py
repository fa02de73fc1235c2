"""Scoring what the pipeline extracted against gold: matching, then precision / recall / F1.

Every comparison is on the pipeline's own matching form of a string (``norm``: NFKC where safe,
Traditional → Simplified, whitespace removed), so a Traditional mirror and its gold, written as
found, compare equal character for character. Matching is one-to-one and greedy, best pairs first.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TypeVar

from pipelines.evaluation.gold import GoldNotice, GoldTask
from pipelines.parse.metadata import normalize_doc_number
from pipelines.textnorm import normalize_text

G = TypeVar("G")
P = TypeVar("P")
_PUNCT = re.compile(r"[\s\W_]+")


def norm(text: str | None) -> str:
    """The matching form of a string (None → "")."""
    return re.sub(r"\s+", "", normalize_text(text)) if text else ""


def bare(text: str | None) -> str:
    """``norm`` without punctuation and brackets (for notes and titles)."""
    return _PUNCT.sub("", norm(text))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


# --- what the pipeline extracted, per notice ----------------------------------------------------


@dataclass(frozen=True)
class PredAgency:
    mention: str
    role: str
    name: str


@dataclass(frozen=True)
class PredTask:
    note: str | None
    text: str
    agencies: tuple[PredAgency, ...]


@dataclass(frozen=True)
class PredTarget:
    kind: str
    year: int | None
    value: float | None
    value_high: float | None
    char_start: int
    char_end: int
    clause_start: int
    clause_end: int


@dataclass(frozen=True)
class PredProject:
    name: str
    stage: str | None


@dataclass(frozen=True)
class PredReference:
    doc_number: str | None
    title: str | None
    relation: str


@dataclass
class Predicted:
    paragraphs: list[str] = field(default_factory=list)
    metadata: dict[str, str | None] = field(default_factory=dict)
    full_text: str = ""
    tasks: list[PredTask] = field(default_factory=list)
    targets: list[PredTarget] = field(default_factory=list)
    projects: list[PredProject] = field(default_factory=list)
    references: list[PredReference] = field(default_factory=list)


# --- matching ---------------------------------------------------------------------------------


def match(gold: Sequence[G], pred: Sequence[P], similarity: Callable[[G, P], float], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of similarity ≥ ``threshold``, best first; ties go to
    the earlier items, so items in document order pair up in order."""
    pairs = sorted(
        ((s, -i, -j) for i, g in enumerate(gold) for j, p in enumerate(pred) if (s := similarity(g, p)) >= threshold),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, i, j in pairs:
        i, j = -i, -j
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return sorted(out)


def _counted(tp: int, n_gold: int, n_pred: int) -> Score:
    return Score(tp, n_pred - tp, n_gold - tp)


def score_paragraphs(reference: Iterable[str], extracted: Iterable[str]) -> Score:
    """A reference paragraph is intact when an extracted paragraph has exactly its text
    (whitespace aside)."""
    ref = Counter(k for k in (re.sub(r"\s+", "", line) for line in reference) if k)
    got = Counter(k for k in (re.sub(r"\s+", "", p) for p in extracted) if k)
    tp = sum((ref & got).values())
    return _counted(tp, sum(ref.values()), sum(got.values()))


def score_metadata(gold: dict[str, str | None], pred: dict[str, str | None]) -> dict[str, Score]:
    """Per field: right when equal (after ``norm``; a 文号 in its canonical form, so 31號(hào) as
    a mirror glosses it is 31号); a value where gold has none is a false positive."""
    out = {}
    for name, expected in gold.items():
        got = pred.get(name)
        s = Score()
        same = normalize_doc_number if name == "doc_number" else norm
        if expected is not None and got is not None and same(str(expected)) == same(str(got)):
            s.tp = 1
        else:
            s.fn = int(expected is not None)
            s.fp = int(got is not None)
        out[name] = s
    return out


def _note_similarity(g: GoldTask, p: PredTask) -> float:
    if p.note is None:
        return 0.0
    if " | " in g.note:  # a task-table row: its cells, against the extracted task and note
        cells = [bare(c) for c in g.note.split(" | ") if bare(c)]
        hay = bare(p.text) + bare(p.note)
        return sum(1 for c in cells if c in hay) / len(cells) if cells else 0.0
    gn, pn = bare(g.note), bare(p.note)
    if not gn or not pn:
        return 0.0
    ratio = SequenceMatcher(None, gn, pn, autojunk=False).ratio()
    if gn in pn or pn in gn:
        ratio = max(ratio, 0.9 * min(len(gn), len(pn)) / max(len(gn), len(pn)) + 0.1)
    if g.text_start and bare(g.text_start)[:8] in bare(p.text):
        ratio += 0.5  # the same note may close several tasks: the task's text decides
    return ratio


def _role_sets(agencies: Iterable[PredAgency]) -> dict[str, Counter]:
    sets: dict[str, Counter] = {}
    for a in agencies:
        sets.setdefault(a.role, Counter())[norm(a.mention)] += 1
    return sets


def score_tasks(gold: GoldNotice, pred: Predicted) -> dict[str, Score]:
    noted = [t for t in pred.tasks if t.note is not None]
    pairs = match(gold.tasks, noted, _note_similarity, threshold=0.6)
    found = _counted(len(pairs), len(gold.tasks), len(noted))
    mentions, resolved, exact = Score(), Score(), Score()
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    for i, j in pairs:
        g, p = gold.tasks[i], noted[j]
        g_agencies = [PredAgency(a.mention, a.role, a.name) for a in g.agencies]
        m = match(g_agencies, list(p.agencies), lambda a, b: float(norm(a.mention) == norm(b.mention)), 1.0)
        mentions.add(_counted(len(m), len(g_agencies), len(p.agencies)))
        right = sum(1 for a, b in m if norm(g_agencies[a].name) == norm(p.agencies[b].name))
        resolved.add(_counted(right, len(g_agencies), len(p.agencies)))
        exact.tp += int(_role_sets(g_agencies) == _role_sets(p.agencies))
    exact.fn = len(gold.tasks) - exact.tp
    exact.fp = len(noted) - exact.tp
    # Agencies of unmatched tasks count as missed (gold) or spurious (extracted).
    for i, t in enumerate(gold.tasks):
        if i not in matched_g:
            mentions.fn += len(t.agencies)
            resolved.fn += len(t.agencies)
    for j, t in enumerate(noted):
        if j not in matched_p:
            mentions.fp += len(t.agencies)
            resolved.fp += len(t.agencies)
    return {"tasks found": found, "agency mentions exact": mentions, "role-exact tasks": exact,
            "agencies resolved": resolved}


def locate(statement: str, full_text: str) -> tuple[int, int] | None:
    """Offsets of a gold statement in the source's text: exactly, else ignoring whitespace."""
    at = full_text.find(statement)
    if at >= 0:
        return at, at + len(statement)
    squeezed = re.sub(r"\s+", "", statement)
    index = [i for i, ch in enumerate(full_text) if not ch.isspace()]
    flat = "".join(full_text[i] for i in index)
    at = flat.find(squeezed)
    if at < 0 or not squeezed:
        return None
    return index[at], index[at + len(squeezed) - 1] + 1


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)


def score_targets(gold: GoldNotice, pred: Predicted) -> dict[str, Score]:
    """A target is found when an extracted one stands in the gold statement (its clause overlaps
    it) with the same year and value (and upper value, for a range). Deadlines apart."""
    out = {}
    for label, kinds in (("targets (year and value)", ("quantitative", "milestone")), ("deadlines (year)", ("deadline",))):
        g_items = []
        for t in gold.targets:
            if t.kind in kinds:
                g_items.append((t, locate(t.statement, pred.full_text)))
        p_items = [t for t in pred.targets if t.kind in kinds]

        def similarity(g: tuple, p: PredTarget) -> float:
            target, span = g
            if span is None:
                return 0.0
            inside = p.char_start < span[1] and p.char_end > span[0]
            overlaps = p.clause_start < span[1] and p.clause_end > span[0]
            if not overlaps or p.year != target.year:
                return 0.0
            if label.startswith("targets") and not (_same(p.value, target.value) and
                                                    (target.value_high is None or _same(p.value_high, target.value_high))):
                return 0.0
            return 1.0 + 0.5 * inside

        out[label] = _counted(len(match(g_items, p_items, similarity, 1.0)), len(g_items), len(p_items))
    return out


def score_projects(gold: GoldNotice, pred: Predicted) -> dict[str, Score]:
    from pipelines.extract.projects import normalize_project_name

    def key(name: str) -> str:
        return normalize_project_name(name)

    # A project named twice (a reply's heading, then its body) is one project: its first mention.
    seen: set[str] = set()
    projects = [p for p in pred.projects if not (key(p.name) in seen or seen.add(key(p.name)))]
    pairs = match(list(gold.projects), projects, lambda g, p: float(key(g.name) == key(p.name)), 1.0)
    stage_right = sum(1 for i, j in pairs if gold.projects[i].stage == projects[j].stage)
    return {
        "projects found": _counted(len(pairs), len(gold.projects), len(projects)),
        "project stage right": _counted(stage_right, len(gold.projects), len(projects)),
    }


def _reference_similarity(g, p: PredReference) -> float:
    if g.doc_number and p.doc_number:
        return float(normalize_doc_number(norm(g.doc_number)) == normalize_doc_number(norm(p.doc_number)))
    if g.title and p.title:
        a, b = bare(g.title).replace("的", ""), bare(p.title).replace("的", "")
        return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()
    return 0.0


def score_references(gold: GoldNotice, pred: Predicted) -> dict[str, Score]:
    pairs = match(list(gold.references), pred.references, _reference_similarity, 0.9)
    right = sum(1 for i, j in pairs if gold.references[i].relation == pred.references[j].relation)
    return {
        "references found": _counted(len(pairs), len(gold.references), len(pred.references)),
        "reference relation right": _counted(right, len(gold.references), len(pred.references)),
    }


def score_notice(gold: GoldNotice, pred: Predicted) -> dict[str, Score]:
    """Every figure for one notice (``metadata: <field>`` per field)."""
    out: dict[str, Score] = {}
    if gold.reference_text is not None:
        lines = gold.reference_text.read_text(encoding="utf-8").splitlines()
        out["body paragraphs intact"] = score_paragraphs(lines, pred.paragraphs)
    for name, s in score_metadata(gold.metadata, pred.metadata).items():
        out[f"metadata: {name}"] = s
    out.update(score_tasks(gold, pred))
    out.update(score_targets(gold, pred))
    out.update(score_projects(gold, pred))
    out.update(score_references(gold, pred))
    return out
