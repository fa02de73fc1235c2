"""Place each paragraph of a notice in its outline (一、 → （一） → 1. → （1）) and split sentences.

Chinese official documents number their items with a fixed hierarchy (GB/T 9704 §7.3.3):
一、 at the first level, （一） at the second, 1. at the third, （1） at the fourth. Regulations use
第一章 above that. A heading's title is the marker plus the paragraph's first sentence
("（三）推进重大基础设施一体化建设。…" → "（三）推进重大基础设施一体化建设").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.model import Paragraph

_CN_NUM = "一二三四五六七八九十百零〇两"
# (level, pattern); the pattern's match is the marker. Order matters: 第X章 before 一、.
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第[{_CN_NUM}\d]+[章部篇](?:分)?[\s\u3000]*")),
    (1, re.compile(rf"^[{_CN_NUM}]+(?:、|[，,．.](?!\d))")),  # 一、2023年… is a heading; 一.5 is no marker
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)][、，,．.]?")),
    (3, re.compile(r"^[0-9０-９]{1,3}[.．、](?![0-9０-９])")),
    (4, re.compile(r"^[（(][0-9０-９]{1,3}[）)][、，,．.]?")),
    (5, re.compile(r"^[\u2460-\u2473\u2474-\u2487]")),  # ① … ⑳, ⑴ … ⒇
]
# 附件说明 (GB/T 9704): "附件：1.××××" and, on the lines after it, "2.××××", "3.××××" are the
# attachments' names, not items of the outline. A single attachment is "附件：××××"; a list may
# also start on the line after a bare "附件：".
_ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[:：]\s*(?:([0-9０-９]{1,2})\s*[.．、])?")
_ATTACHMENT_ITEM = re.compile(r"^([0-9０-９]{1,2})\s*[.．、]")
_NAME_MAX = 60  # an attachment's name (or the wrapped rest of one) is a short line without a full stop
HEADING_SEPARATOR = " › "
# A title longer than this is a sentence, not a title: it is cut with an ellipsis.
_MAX_TITLE = 40

_TERMINATORS = set("。；！？;!?")
_OPEN_TO_CLOSE = {
    "（": "）", "(": ")", "《": "》", "〈": "〉", "“": "”", "‘": "’", "「": "」", "『": "』",
    "【": "】", "〔": "〕", "[": "]", "{": "}",
}
_CLOSERS = set(_OPEN_TO_CLOSE.values()) | {'"', "'"}


@dataclass(frozen=True)
class Block:
    """A paragraph placed in the document: where it is, which item it belongs to."""

    seq: int  # 0-based paragraph index in the document
    text: str
    char_start: int  # offsets into ParsedNotice.full_text
    char_end: int
    page: int | None
    level: int | None  # heading level of the paragraph's own marker, None if unnumbered
    marker: str | None  # "一、", "（三）", "7.", …
    title: str | None  # "（三）推进重大基础设施一体化建设" for a numbered paragraph
    title_end: int | None  # end of the title sentence (offset into text, incl. its terminator)
    heading_path: tuple[str, ...]  # titles of the enclosing items, this one included
    page_breaks: tuple[int, ...] = ()  # offsets into text where the next PDF page begins

    def page_at(self, offset: int) -> int | None:
        """PDF page of the character at ``offset`` within this block's text."""
        return Paragraph(self.text, self.page, self.page_breaks).page_at(offset)

    @property
    def heading_path_text(self) -> str:
        return HEADING_SEPARATOR.join(self.heading_path)


def heading_marker(text: str) -> tuple[int, str] | None:
    """The outline level and marker a paragraph starts with, e.g. (2, "（三）"), or None."""
    for level, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            return level, m.group()
    return None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence-level clauses: (start, end) offsets, whitespace trimmed.

    A clause ends at 。；！？ (or ; ! ?) outside brackets and quotes, together with any closing
    quotes or brackets that follow. Only bracket pairs that actually close protect their inside,
    so one stray "（" cannot swallow the rest of a paragraph.
    """
    protected = _protected_mask(text)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        if text[i] in _TERMINATORS and not protected[i]:
            end = i + 1
            while end < n and (text[end] in _CLOSERS or text[end] in _TERMINATORS):
                end += 1
            spans.append((start, end))
            start = end
            i = end
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[0] < s[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _protected_mask(text: str) -> list[bool]:
    """True for characters inside a bracket or quote pair that closes within the text."""
    mask = [False] * len(text)
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPEN_TO_CLOSE and not (ch in "\"'"):
            stack.append((_OPEN_TO_CLOSE[ch], i))
        elif ch in _CLOSERS:
            # Close the nearest matching opener; openers above it never closed and stay unprotected.
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    for j in range(stack[k][1] + 1, i):
                        mask[j] = True
                    del stack[k:]
                    break
    return mask


def _title(text: str, marker: str) -> tuple[str, int]:
    """Heading title (marker + first sentence, terminator dropped) and where that sentence ends."""
    spans = sentence_spans(text)
    end = spans[0][1] if spans else len(text)
    sentence = text[:end].rstrip("。；;！!？? ")
    if len(sentence) > _MAX_TITLE + len(marker):
        sentence = sentence[: _MAX_TITLE + len(marker)] + "…"
    return sentence, end


def outline(paragraphs: list[Paragraph]) -> list[Block]:
    """Blocks for the paragraphs of a notice, with offsets into ``"\\n".join(texts)``."""
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []  # (level, title) of the open headings
    offset = 0
    next_attachment: int | None = None  # the number the next line of a 附件说明 list would have
    for seq, para in enumerate(paragraphs):
        found = heading_marker(para.text)
        note = _ATTACHMENT_NOTE.match(para.text)
        if note:
            rest = para.text[note.end():].strip()
            next_attachment = int(note.group(1)) + 1 if note.group(1) else (1 if not rest else None)
        elif next_attachment is not None:
            item = _ATTACHMENT_ITEM.match(para.text)
            if len(para.text) > _NAME_MAX or "。" in para.text or (found and not item):
                next_attachment = None  # the list is over
            elif item and int(item.group(1)) == next_attachment:
                found, next_attachment = None, next_attachment + 1
            elif item:
                next_attachment = None
        level = marker = title = title_end = None
        if found:
            level, marker = found
            title, title_end = _title(para.text, marker)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
        blocks.append(
            Block(
                seq=seq,
                text=para.text,
                char_start=offset,
                char_end=offset + len(para.text),
                page=para.page,
                level=level,
                marker=marker,
                title=title,
                title_end=title_end,
                heading_path=tuple(t for _, t in stack),
                page_breaks=para.page_breaks,
            )
        )
        offset += len(para.text) + 1  # the "\n" that joins paragraphs
    return blocks
