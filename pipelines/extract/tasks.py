"""Tasks: the work items a notice assigns, and the agencies each one makes responsible.

A task is closed by a responsibility note (``（省发展改革委牵头，…按职责分工负责）`` at the end of a
paragraph, several in one paragraph, or a ``责任单位：…`` line). It runs from the previous note, or
from the start of its numbered item, up to and including its note. A notice without notes has one
task per numbered item of its work sections; the framing sections (总体要求, 指导思想, …) are not
tasks. The note grammar lives in ``pipelines.extract.agencies``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

import polars as pl

from pipelines.extract.agencies import (
    AGENCY_LABEL, DEADLINE_LABEL, FIRST_LEADS_ONWARD, FIRST_LEADS, defined_names, expand_defined, is_deadline_note,
    looks_like_note, read_note, top_level_brackets,
)
from pipelines.extract._textview import TextView
from pipelines.extract.prose_notes import find_prose_notes
from pipelines.model import Paragraph
from pipelines.outline import HEADING_SEPARATOR, Block, outline, sentence_spans

TASK_SCHEMA: dict[str, pl.DataType] = {
    "task_id": pl.String,
    "source_id": pl.String,
    "seq": pl.Int32,
    "heading_path": pl.String,
    "heading_titles": pl.List(pl.String),
    "text": pl.String,
    "note_text": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "note_char_start": pl.Int32,
    "note_char_end": pl.Int32,
    "page": pl.Int32,
    "clause_ids": pl.List(pl.String),
    "deadline": pl.String,
    # A task read from a task table (pipelines.extract.table_tasks): which table of the source,
    # and which of its rows; null for tasks of the body text.
    "table_index": pl.Int32,
    "table_row": pl.Int32,
}

TASK_AGENCY_SCHEMA: dict[str, pl.DataType] = {
    "task_id": pl.String,
    "source_id": pl.String,
    "position": pl.Int32,
    "role": pl.String,
    "mention": pl.String,
    "name": pl.String,
    "jurisdiction": pl.String,
    "unit": pl.String,
    "province": pl.String,
    "is_group": pl.Boolean,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
}

# Sections that frame a notice rather than assign work (matched against heading titles).
_FRAMING = re.compile(r"总体要求|指导思想|基本原则|实施原则|战略定位|发展目标|合作目标|主要目标|总体目标|重大意义|总体思路")
_NOTE_LINE = re.compile(rf"^\s*{AGENCY_LABEL}\s*[:：]")
# A label inside a paragraph, after its last sentence: "…加快建设。牵头单位：省发展改革委；配合单位：…".
_INLINE_LABEL = re.compile(rf"(?<=[。；;])\s*(?={AGENCY_LABEL}\s*[:：])")
_DEADLINE_LINE = re.compile(rf"^\s*{DEADLINE_LABEL}\s*[:：]")
# Where a notice's body ends: the signature date or the attachments.
_BODY_END = re.compile(r"^\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|附件\s*[:：\d])")
# Brackets a note may stand in (the view has half-width ( ) [ ] for （） ［］): 〔责任单位：…〕, 【…】.
_OPEN, _CLOSE = "（(〔[【", "）)〕]】"


def task_id(source_id: str, seq: int) -> str:
    """Stable task id: the source and the task's position (same input → same id)."""
    return f"{source_id}/t{seq:03d}"


@dataclass(frozen=True)
class Note:
    """A responsibility note: it starts at ``start`` in paragraph ``block`` and ends at ``end`` in
    paragraph ``last_block`` (a note split over lines: 牵头单位：… / 配合单位：…)."""

    block: int
    start: int
    end: int
    last_block: int


@dataclass(frozen=True)
class TaskSpan:
    """Where a task is: its start block and offsets into the full text; note offsets if any."""

    block: int
    start: int
    end: int
    note_start: int | None = None
    note_end: int | None = None
    reading: str | None = None  # a prose note: its text as the grammar reads it (see prose_notes)


def find_notes(block: Block) -> list[tuple[int, int]]:
    """Responsibility notes in one paragraph, as (start, end) offsets into its text.

    A whole paragraph labelled ``责任单位：`` (牵头单位：, 配合单位：, …) is one note, and so is a
    labelled tail after the paragraph's last sentence (``…加快建设。牵头单位：省发展改革委``); a short
    ``完成时限：…`` line is a note candidate too (kept only next to a labelled line, see
    ``_join_note_lines``). Otherwise every top-level bracket pair whose content reads as a note is one
    (a paragraph may hold several); a bracket that only states a deadline (（2018年底前完成）) right
    after a note belongs to it. Adjacent notes are merged.
    """
    text = block.text
    if _NOTE_LINE.match(text) or (_DEADLINE_LINE.match(text) and is_deadline_note(text)):
        start = len(text) - len(text.lstrip())
        return [(start, len(text.rstrip()))]
    found: list[tuple[int, int]] = []
    for opened, i in top_level_brackets(text, _OPEN, _CLOSE):
        content = text[opened + 1 : i]
        adjacent = bool(found) and not text[found[-1][1] : opened].strip()
        if looks_like_note(content) or (adjacent and is_deadline_note(content)):
            if adjacent:
                found[-1] = (found[-1][0], i + 1)
            else:
                found.append((opened, i + 1))
    if not found:
        tail = _unclosed_tail(text)  # a note cut short, its bracket never closed: to the paragraph's end
        if tail is not None and looks_like_note(text[tail + 1 :]):
            return [(tail, len(text.rstrip()))]
        for m in _INLINE_LABEL.finditer(text):
            tail = text[m.end() :].rstrip()
            if tail and _depth_zero(text, m.end()) and looks_like_note(tail):
                return [(m.end(), len(text.rstrip()))]
    return found


def _unclosed_tail(text: str) -> int | None:
    """Where the last top-level bracket that never closes opens, if text follows it."""
    depth, opened = 0, None
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                opened = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                opened = None
    return opened if depth and opened is not None and opened + 1 < len(text) else None


def _depth_zero(text: str, at: int) -> bool:
    depth = 0
    for ch in text[:at]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return depth == 0


def _heading_only(block: Block) -> bool:
    return block.marker is not None and block.title_end is not None and not block.text[block.title_end :].strip()


def _is_prefix(path: tuple[str, ...], of: tuple[str, ...]) -> bool:
    return of[: len(path)] == path


def _deadline_only(blocks: list[Block], note: Note) -> bool:
    return note.block == note.last_block and bool(_DEADLINE_LINE.match(blocks[note.block].text[note.start : note.end]))


def _join_note_lines(blocks: list[Block], notes: list[Note]) -> list[Note]:
    """Notes on consecutive lines with nothing between them are one note (牵头单位：… / 配合单位：… /
    完成时限：…). A deadline line joined to no note is no note."""
    return [n for n in _join_adjacent(blocks, notes) if not _deadline_only(blocks, n)]


def _join_adjacent(blocks: list[Block], notes: list[Note]) -> list[Note]:
    out: list[Note] = []
    for note in notes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and note.block == prev.last_block + 1
            and not blocks[prev.last_block].text[prev.end :].strip()
            and not blocks[note.block].text[: note.start].strip()
        ):
            out[-1] = Note(prev.block, prev.start, note.end, note.last_block)
        else:
            out.append(note)
    return out


def _task_start(blocks: list[Block], prev: Note | None, note: Note) -> tuple[int, int]:
    """(paragraph, offset) where the task closed by ``note`` starts.

    Text left after the previous note in its paragraph starts it, if it belongs to the same item.
    Otherwise it is the first paragraph after the previous note that belongs to the note's item: a
    numbered paragraph on the note's heading path, or an unnumbered one under the same heading.
    Heading-only paragraphs, section introductions and earlier sections are skipped.
    """
    target = blocks[note.block].heading_path
    first = 0
    if prev is not None:
        b = blocks[prev.last_block]
        rest = b.text[prev.end :]
        if rest.strip() and (prev.last_block == note.block or b.heading_path == target):
            return prev.last_block, prev.end + len(rest) - len(rest.lstrip())
        first = prev.last_block + 1
    for k in range(first, note.block):
        b = blocks[k]
        if _heading_only(b) or not b.text.strip():
            continue
        if (b.marker is not None and _is_prefix(b.heading_path, target)) or b.heading_path == target:
            return k, 0
    if not blocks[note.block].text[: note.start].strip() and note.block > first:
        return note.block - 1, 0  # a note line right under a heading: the heading is the task
    return note.block, 0


def _note_tasks(blocks: list[Block], notes: list[Note]) -> list[TaskSpan]:
    """One task per note: from the start of its item (or the text after the previous note) to the note."""
    spans: list[TaskSpan] = []
    prev: Note | None = None
    for note in notes:
        k, offset = _task_start(blocks, prev, note)
        spans.append(
            TaskSpan(
                block=k,
                start=blocks[k].char_start + offset,
                end=blocks[note.last_block].char_start + note.end,
                note_start=blocks[note.block].char_start + note.start,
                note_end=blocks[note.last_block].char_start + note.end,
            )
        )
        prev = note
    return spans


def _item_tasks(blocks: list[Block]) -> list[TaskSpan]:
    """Tasks of a notice without notes: each numbered item of a work section, up to the next item."""
    levels = [b.level for b in blocks if b.level is not None]
    if not levels:
        return []
    top = min(levels)
    # The body ends at the signature date or the attachments after the last numbered paragraph (a
    # forwarding notice has its own signature and date above the attached text).
    last_numbered = max(k for k, b in enumerate(blocks) if b.level is not None)
    body_end = next((k for k in range(last_numbered + 1, len(blocks)) if _BODY_END.match(blocks[k].text)), len(blocks))
    if last_numbered < body_end - 1 < len(blocks) - 1 and len(blocks[body_end - 1].text) <= 20:
        body_end -= 1  # the issuer's signature above the date
    # The level of the items in each top section: the shallowest numbered level below the top.
    item_level: dict[int, int] = {}
    section = -1
    for k, b in enumerate(blocks[:body_end]):
        if b.level == top:
            section = k
        elif b.level is not None and section >= 0:
            item_level[section] = min(item_level.get(section, b.level), b.level)
    tops = [k for k, b in enumerate(blocks[:body_end]) if b.level == top]
    if not item_level and len(tops) < 2:
        return []  # one stray numbered paragraph is not a list of work items
    spans: list[TaskSpan] = []
    section = -1
    for k, b in enumerate(blocks[:body_end]):
        if b.level == top:
            section = k
        if b.level is None:
            continue
        # Items sit below a top section; a notice numbered at one level only has its top items.
        wanted = item_level.get(section) if item_level else top
        if b.level != wanted or any(_FRAMING.search(t) for t in b.heading_path):
            continue
        end = k + 1
        while end < body_end and (blocks[end].level is None or blocks[end].level > wanted):
            end += 1
        last = blocks[end - 1]
        spans.append(TaskSpan(block=k, start=b.char_start, end=last.char_end))
    return spans


@dataclass(frozen=True)
class _Views:
    """The notice's paragraphs as matching views (``TextView``: NFKC where safe, Simplified, no
    whitespace), with the map from offsets into the views' joined text back to the original's.

    The note grammar runs on the views, so Traditional notes (（市發改委牽頭，…按職責分工負責）) and
    full- or half-width punctuation read alike; every offset the extractor reports is mapped back
    to the source's own text.
    """

    views: list[TextView]
    view_starts: list[int]  # offset of each paragraph in the views' joined text
    starts: list[int]  # offset of each paragraph in the original full text

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> _Views:
        views = [TextView.of(p.text) for p in paragraphs]
        view_starts, starts, v, o = [], [], 0, 0
        for view, p in zip(views, paragraphs):
            view_starts.append(v)
            starts.append(o)
            v += len(view.text) + 1
            o += len(p.text) + 1
        return cls(views, view_starts, starts)

    def paragraphs(self, originals: list[Paragraph]) -> list[Paragraph]:
        """View paragraphs with their page turns moved to view offsets."""
        out = []
        for view, p in zip(self.views, originals):
            breaks = tuple(bisect.bisect_left(view.index, b) for b in p.page_breaks)
            out.append(Paragraph(view.text, p.page, breaks))
        return out

    def original(self, offset: int, end: bool = False) -> int:
        """The original full-text offset of a view offset (as a span start, or as a span end)."""
        k = max(0, bisect.bisect_right(self.view_starts, offset) - 1)
        view, local = self.views[k], offset - self.view_starts[k]
        if end:
            return self.starts[k] + (view.index[local - 1] + 1 if 0 < local <= len(view.index) else 0)
        return self.starts[k] + (view.index[local] if local < len(view.index) else len(view.original))


def _prose_tasks(blocks: list[Block], noted: list[TaskSpan]) -> list[TaskSpan]:
    """Tasks whose responsibility the sentence itself states (由市发改委牵头负责, A要会同B…), outside
    the tasks that bracketed or labelled notes already close. The task is the sentence."""
    out: list[TaskSpan] = []
    for k, block in enumerate(blocks):
        sentences = sentence_spans(block.text)
        for note in find_prose_notes(block.text):
            start, end = block.char_start + note.start, block.char_start + note.end
            if any(s.start < end and start < s.end for s in noted):
                continue
            s_start, s_end = next(((a, b) for a, b in sentences if a <= note.start < b), (note.start, note.end))
            out.append(TaskSpan(k, block.char_start + s_start, block.char_start + s_end, start, end, note.reading))
    return out


def _first_leads_declared(view_text: str, spans: list[TaskSpan]) -> list[int]:
    """Where the notice declares that the first agency of a list leads ("各项任务中排在第一位的为牵头
    单位"): in its text, or in a note with "下同". Each applies to the notes that end after it (a
    declaration inside one note without 下同 is that note's own, read by ``read_note``)."""
    notes = [(s.note_start, s.note_end) for s in spans if s.note_start is not None]
    at = [m.start() for m in FIRST_LEADS_ONWARD.finditer(view_text)]
    at += [m.start() for m in FIRST_LEADS.finditer(view_text) if not any(a <= m.start() < b for a, b in notes)]
    return sorted(at)


def extract_tasks(
    source_id: str,
    paragraphs: list[Paragraph],
    clauses: pl.DataFrame,
    province: str | None,
    *,
    issuer: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tasks, task_agencies) frames for one source.

    ``clauses`` is the source's clause frame (``clause_frame``); each task lists the clauses that
    overlap its span. ``province`` is the issuing province ("广东省" or "广东"): ``省`` / ``自治区`` in a
    note means it. ``issuer`` is the issuing body (长沙市人民政府, 北京市朝阳区人民政府): ``市`` / ``州`` /
    ``县`` / ``区`` in a note mean its city, prefecture or county; without it they stay unresolved
    (kept as written, a group), except 市 in a municipality's notice (北京市, 重庆市: the province).
    Offsets point into ``"\n".join(p.text for p in paragraphs)``. A task's ``deadline`` is what its
    note states (2018年底前; several joined by "；"), else null. Notes are read on the Simplified,
    NFKC view of the text (see ``_Views``); texts, notes and mentions are reported as written.
    """
    views = _Views.of(paragraphs)
    blocks = outline(views.paragraphs(paragraphs))
    headings = outline(paragraphs)  # heading paths in the source's own characters
    full_text = "\n".join(p.text for p in paragraphs)
    notes = _join_note_lines(blocks, [Note(k, s, e, k) for k, b in enumerate(blocks) for s, e in find_notes(b)])
    spans = _note_tasks(blocks, notes) if notes else _item_tasks(blocks)
    spans = sorted(spans + _prose_tasks(blocks, [s for s in spans if s.note_start is not None]), key=lambda s: s.start)
    view_text = "\n".join(b.text for b in blocks)
    declared = _first_leads_declared(view_text, spans)

    clause_spans = (
        list(zip(clauses["clause_id"].to_list(), clauses["char_start"].to_list(), clauses["char_end"].to_list()))
        if clauses.height
        else []
    )
    task_rows: list[dict] = []
    agency_rows: list[dict] = []
    defined = defined_names(view_text)
    for seq, span in enumerate(spans):
        tid = task_id(source_id, seq)
        block = blocks[span.block]
        start, end = views.original(span.start), views.original(span.end, end=True)
        text_end = views.original(span.note_start) if span.note_start is not None else end
        note_start = views.original(span.note_start) if span.note_start is not None else None
        note_end = views.original(span.note_end, end=True) if span.note_end is not None else None
        note_view = view_text[span.note_start : span.note_end] if span.note_start is not None else None
        if span.reading is not None:  # a prose note: read as the grammar knows it; the task is its sentence
            note_view, text_end = span.reading, end
        first_leads = any(at < span.note_end for at in declared) if span.note_end is not None else False
        reading = read_note(note_view, province, issuer=issuer, first_leads=first_leads) if note_view is not None else None
        task_rows.append(
            {
                "task_id": tid,
                "source_id": source_id,
                "seq": seq,
                "heading_path": HEADING_SEPARATOR.join(headings[span.block].heading_path),
                "heading_titles": list(headings[span.block].heading_path),
                "text": full_text[start:text_end].strip(),
                "note_text": full_text[note_start:note_end] if note_start is not None else None,
                "char_start": start,
                "char_end": end,
                "note_char_start": note_start,
                "note_char_end": note_end,
                "page": block.page_at(max(0, span.start - block.char_start)),  # where the task starts
                "clause_ids": [c for c, s, e in clause_spans if s < end and e > start],
                "deadline": "；".join(reading.deadlines) if reading and reading.deadlines else None,
            }
        )
        if reading is None:
            continue
        for m in reading.mentions:
            m_start = views.original(span.note_start + m.start)
            m_end = views.original(span.note_start + m.end, end=True)
            if full := expand_defined(m.unit, defined):  # a body the notice defined (以下简称协调委)
                m = replace(m, name=full, unit=full, jurisdiction=None, is_group=False)
            agency_rows.append(
                {
                    "task_id": tid,
                    "source_id": source_id,
                    "position": m.position,
                    "role": m.role,
                    "mention": full_text[m_start:m_end],
                    "name": m.name,
                    "jurisdiction": m.jurisdiction,
                    "unit": m.unit,
                    "province": m.province,
                    "is_group": m.is_group,
                    "char_start": m_start,
                    "char_end": m_end,
                }
            )
    return pl.DataFrame(task_rows, schema=TASK_SCHEMA), pl.DataFrame(agency_rows, schema=TASK_AGENCY_SCHEMA)
