"""A matching view of a text that remembers where each character came from.

The extractors match patterns on a normalised form (half-width punctuation, Simplified
characters, no whitespace: "到 2020 年" and "到2020年" look alike) but report offsets into the
original text. ``TextView`` keeps, for every character of the view, its index in the original.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from pipelines.textnorm import MIRROR_PINYIN, nfkc_safe, to_simplified

# Brackets and quotes whose inside is one unit (a list separator inside them separates nothing).
_OPEN_TO_CLOSE = {"(": ")", "《": "》", "〈": "〉", "“": "”", "‘": "’", "「": "」", "『": "』", "【": "】", "〔": "〕", "[": "]"}


@dataclass(frozen=True)
class TextView:
    original: str
    text: str  # the view: per-character NFKC (where safe) and Simplified, whitespace dropped
    index: tuple[int, ...]  # index[i] = position in ``original`` of ``text[i]``

    @classmethod
    def of(cls, original: str, keep: str = "") -> TextView:
        """The view of ``original``; whitespace is dropped except the characters in ``keep``
        (``"\n"`` keeps paragraph breaks), and so is the pinyin a converting mirror inserts after a
        character (發(fā)改委 → 發改委)."""
        return _view(original, keep)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the view slice [start, end)."""
        if start >= end:
            pos = self.index[start] if start < len(self.index) else len(self.original)
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    def original_of(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


# Every extractor views the same clauses: one view per text (views are immutable), and one
# normal form per character (NFKC and OpenCC were most of the extractors' time).
@functools.lru_cache(maxsize=8192)
def _view(original: str, keep: str) -> TextView:
    skip = {i for m in MIRROR_PINYIN.finditer(original) for i in range(m.start(), m.end())}
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(original):
        if (ch.isspace() and ch not in keep) or i in skip:
            continue
        chars.append(_folded(ch))
        index.append(i)
    folded = "".join(chars)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):  # a phrase-level conversion changed the length
        simplified = "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in folded)
    return TextView(original, simplified, tuple(index))


@functools.lru_cache(maxsize=None)
def _folded(ch: str) -> str:
    n = nfkc_safe(ch)
    return n if len(n) == 1 else ch


def depth_mask(text: str) -> list[int]:
    """Bracket/quote nesting depth of each character (the brackets themselves count as inside).

    Only pairs that close are counted, so a stray opener does not swallow the rest of the text.
    """
    depth = [0] * len(text)
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPEN_TO_CLOSE:
            stack.append((_OPEN_TO_CLOSE[ch], i))
        elif stack and ch in _OPEN_TO_CLOSE.values():
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    for a, b in pairs:
        for j in range(a, b + 1):
            depth[j] += 1
    return depth


def split_top_level(text: str, separators: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text[start:end]`` cut at ``separators`` outside brackets and quotes."""
    end = len(text) if end is None else end
    depth = depth_mask(text)
    pieces: list[tuple[int, int]] = []
    a = start
    for i in range(start, end):
        if text[i] in separators and depth[i] == 0:
            pieces.append((a, i))
            a = i + 1
    pieces.append((a, end))
    return pieces
