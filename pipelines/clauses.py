"""Clause-level Polars frames: one row per sentence-level clause of a notice."""
from __future__ import annotations

import re

import polars as pl

from pipelines.model import ParsedNotice
from pipelines.outline import HEADING_SEPARATOR, outline, sentence_spans
from pipelines.textnorm import normalize_text

# A repeat shorter than this is a phrase ("（一）总体要求"), not a repeated passage worth flagging.
_MIN_REPEAT_CHARS = 8
_PUNCT = re.compile(r"[\s\W_]+")

CLAUSE_SCHEMA: dict[str, pl.DataType] = {
    "clause_id": pl.String,
    "source_id": pl.String,
    "seq": pl.Int32,
    "paragraph_seq": pl.Int32,
    "heading_path": pl.String,
    "heading_titles": pl.List(pl.String),
    "heading_level": pl.Int32,
    "is_heading": pl.Boolean,
    "text": pl.String,
    "text_normalized": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "page": pl.Int32,
    "is_repeat": pl.Boolean,
    # Set when the clause's page was read by OCR (no text layer): the page's mean recogniser
    # confidence; readers should check such text against the page.
    "ocr_confidence": pl.Float64,
}


def clause_id(source_id: str, seq: int) -> str:
    """Stable clause id: the source and the clause's position (same input → same id)."""
    return f"{source_id}/c{seq:04d}"


def clause_frame(source_id: str, notice: ParsedNotice) -> pl.DataFrame:
    """Split a parsed notice into clauses.

    Each paragraph is placed in the outline (its heading path), then split on 。；！？ outside
    brackets and quotes. A numbered paragraph's first sentence is its title and gets
    ``is_heading``. Offsets point into ``notice.full_text``. ``is_repeat`` marks a clause whose
    normalised text already occurred earlier in the same document (scraped pages repeat passages).
    """
    rows: list[dict] = []
    seen: set[str] = set()
    for block in outline(notice.paragraphs):
        for start, end in sentence_spans(block.text):
            text = block.text[start:end]
            normalized = normalize_text(text)
            key = _PUNCT.sub("", normalized)
            is_repeat = len(key) >= _MIN_REPEAT_CHARS and key in seen
            seen.add(key)
            seq = len(rows)
            rows.append(
                {
                    "clause_id": clause_id(source_id, seq),
                    "source_id": source_id,
                    "seq": seq,
                    "paragraph_seq": block.seq,
                    "heading_path": HEADING_SEPARATOR.join(block.heading_path),
                    "heading_titles": list(block.heading_path),
                    "heading_level": block.level,
                    "is_heading": block.title_end is not None and end <= block.title_end,
                    "text": text,
                    "text_normalized": normalized,
                    "char_start": block.char_start + start,
                    "char_end": block.char_start + end,
                    "page": block.page_at(start),  # the clause's own page, not its paragraph's
                    "is_repeat": is_repeat,
                    "ocr_confidence": notice.ocr_pages.get(block.page_at(start)),
                }
            )
    return pl.DataFrame(rows, schema=CLAUSE_SCHEMA)
