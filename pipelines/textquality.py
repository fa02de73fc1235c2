"""Is this text readable Chinese? The gate between a parser's output and the warehouse.

A parser can succeed and still return garbage: a PDF whose fonts have no ToUnicode map gives
``(cid:1)(cid:2)…``; Big5 bytes labelled gb2312 decode to Private Use Area code points and rare
characters; a page decoded with the wrong codec gives ``æ\x9c\x8d…``. Loading that as clauses
would put noise in every mart. ``assess`` measures a text; ``readable_problem`` says, in one
line, why a text should not be loaded, or None.

The measure of "ordinary Chinese" is GB 2312's character set (its 6,763 hanzi cover more than
99.9% of the characters of modern official writing), read from Python's own codec: a Traditional
text is compared after conversion to Simplified.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.textnorm import to_simplified

_CID = re.compile(r"\(cid:\d+\)")
# Shares above which a text is not loaded.
MAX_UNDECODABLE = 0.05  # (cid:…), U+FFFD, Private Use Area, control characters
MIN_HAN = 0.25  # Han characters among the visible characters of a Chinese notice
MIN_COMMON = 0.90  # Han characters (in Simplified) inside GB 2312
_MIN_CHARS = 40  # too little text to judge


@functools.lru_cache(maxsize=1)
def _gb2312_hanzi() -> frozenset[str]:
    """The 6,763 hanzi of GB 2312 (rows 0xB0–0xF7), decoded by Python's own gb2312 codec."""
    chars = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def _is_private(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or o >= 0xF0000


@dataclass(frozen=True)
class TextQuality:
    chars: int  # visible characters, a (cid:N) glyph counted as one
    cid: int
    replacement: int  # U+FFFD
    private_use: int
    control: int
    han: int
    common_han: int  # Han characters whose Simplified form is in GB 2312

    @property
    def undecodable_share(self) -> float:
        return (self.cid + self.replacement + self.private_use + self.control) / self.chars if self.chars else 0.0

    @property
    def han_share(self) -> float:
        return self.han / self.chars if self.chars else 0.0

    @property
    def common_share(self) -> float:
        return self.common_han / self.han if self.han else 1.0


def assess(text: str) -> TextQuality:
    cid = len(_CID.findall(text))
    rest = _CID.sub("", text)
    visible = [ch for ch in rest if not ch.isspace()]
    han = [ch for ch in visible if _is_han(ch)]
    common = _gb2312_hanzi()
    return TextQuality(
        chars=len(visible) + cid,
        cid=cid,
        replacement=sum(1 for ch in visible if ch == "\ufffd"),
        private_use=sum(1 for ch in visible if _is_private(ch)),
        control=sum(1 for ch in visible if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0),
        han=len(han),
        common_han=sum(1 for ch in han if ch in common or _simplified_is_common(ch)),
    )


@functools.lru_cache(maxsize=65536)
def _simplified_is_common(ch: str) -> bool:
    """A Traditional character whose Simplified form is an ordinary one (專 → 专)."""
    return to_simplified(ch)[:1] in _gb2312_hanzi()


def readable_problem(text: str) -> str | None:
    """Why ``text`` is not readable Chinese (one line, with the shares), or None if it is."""
    q = assess(text)
    if q.chars < _MIN_CHARS:
        return None
    if q.undecodable_share > MAX_UNDECODABLE:
        parts = [f"{n} {what}" for n, what in [
            (q.cid, "(cid:…) glyphs"), (q.replacement, "U+FFFD"), (q.private_use, "private-use"),
            (q.control, "control characters")] if n]
        return (f"{q.undecodable_share:.0%} of {q.chars} characters are undecodable ({', '.join(parts)}): "
                "the bytes are in another encoding, or the PDF's fonts have no usable character map")
    if q.han_share < MIN_HAN:
        return f"only {q.han_share:.0%} of {q.chars} characters are Chinese: wrong encoding, or not a notice's text"
    if q.han >= _MIN_CHARS and q.common_share < MIN_COMMON:
        return (f"only {q.common_share:.0%} of {q.han} Chinese characters are ordinary ones (GB 2312): "
                "looks like text decoded with the wrong encoding (mojibake)")
    return None
