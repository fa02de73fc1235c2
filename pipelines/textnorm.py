"""Chinese text normalisation: one normalised form for matching, the original kept elsewhere."""
from __future__ import annotations

import functools
import re
import unicodedata

from opencc import OpenCC

# NFKC is "safe" for Chinese text except where a compatibility mapping throws meaning away:
# superscripts/subscripts (m², PM₂.₅), circled and parenthesised numbers used as item markers
# (①, ⑴), and squared unit symbols (㎡). Those characters are kept as written.
_NFKC_UNSAFE = re.compile(
    "[\u00b2\u00b3\u00b9\u2070-\u209f"  # super/subscripts
    "\u2460-\u24ff"  # circled / parenthesised numbers and letters
    "\u3280-\u33ff]"  # circled ideographs, squared units (㎡ ㎞)
)
_WS = re.compile(r"\s+")

# Pinyin a Simplified→Traditional mirror inserts after characters with several readings: 發(fā),
# 號(hào), 關(guān). It is the mirror's gloss, not the notice's text: matching reads past it.
MIRROR_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


def without_mirror_pinyin(text: str) -> tuple[str, list[int]]:
    """``text`` without a mirror's pinyin glosses, and for every kept character its index in ``text``."""
    if "(" not in text:
        return text, list(range(len(text)))
    kept: list[int] = []
    last = 0
    for m in MIRROR_PINYIN.finditer(text):
        kept.extend(range(last, m.start()))
        last = m.end()
    kept.extend(range(last, len(text)))
    return "".join(text[i] for i in kept), kept


@functools.lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def nfkc_safe(text: str) -> str:
    """NFKC-normalise ``text`` except for characters whose compatibility form loses meaning."""
    out: list[str] = []
    last = 0
    for m in _NFKC_UNSAFE.finditer(text):
        out.append(unicodedata.normalize("NFKC", text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(out)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s), for matching only."""
    triggers = _t2s_triggers()
    if triggers is not None and triggers[0].isdisjoint(text) and not triggers[1].search(text):
        return text  # nothing in it that t2s rewrites: most clauses of Simplified notices
    return _t2s().convert(text)


@functools.lru_cache(maxsize=1)
def _t2s_triggers() -> tuple[frozenset[str], re.Pattern[str]] | None:
    """What can make t2s change a text: the characters its dictionaries map to others and the
    phrases they rewrite. OpenCC (a pure-Python port here) was most of the extractors' time, and
    it leaves a text alone unless one of these occurs in it. Read from the loaded dictionaries;
    None (convert every text) if their layout is not the one this knows."""
    cc = _t2s()
    try:
        cc.convert("")  # loads the dictionaries
        groups = [g if isinstance(g, list) else [g] for g in cc._dict_chain_data]
        dictionaries = [d for group in groups for (_, _, d) in group]
    except (AttributeError, TypeError, ValueError):
        return None
    chars: set[str] = set()
    phrases: list[str] = []
    for d in dictionaries:
        if not isinstance(d, dict):
            return None
        for key, value in d.items():
            if value == key:
                continue
            if len(key) == 1:
                chars.add(key)
            else:
                phrases.append(key)
    pattern = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return frozenset(chars), re.compile(pattern)


def normalize_text(text: str) -> str:
    """The matching form of a text: safe NFKC, Simplified characters, whitespace collapsed.

    Full-width ASCII becomes half-width (（ → (, ， → ,, ２０２０ → 2020); CJK punctuation that has no
    half-width twin (。、〔〕《》) stays. Whitespace between two CJK characters, or between a CJK
    character and a number, is removed: Chinese does not use it and PDF extraction inserts it.
    """
    t = to_simplified(nfkc_safe(text))
    t = _WS.sub(" ", t).strip()
    t = _CJK_GAP.sub("", t)
    return _CJK_DIGIT_GAP.sub("", t)


def is_cjk(ch: str) -> bool:
    """True for Han characters and CJK/full-width punctuation (the characters Chinese sets solid)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FFFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x303F  # CJK punctuation 。、〔〕《》
        or 0xFF00 <= o <= 0xFFEF  # full-width forms （），：；
        or o in (0x2014, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0x00B7)  # —— … “” ‘’ ·
    )


_CJK_CLASS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2026\u201c\u201d"
_CJK_GAP = re.compile(f"(?<=[{_CJK_CLASS}])[ \t]+(?=[{_CJK_CLASS}])")
# "到 2020 年", "80 %": PDF extraction puts spaces between Chinese and numbers; Chinese has none.
_CJK_DIGIT_GAP = re.compile(f"(?<=[{_CJK_CLASS}])[ \t]+(?=[0-9%])|(?<=[0-9%])[ \t]+(?=[{_CJK_CLASS}%])")


def join_wrapped_lines(lines: list[str]) -> str:
    """Rejoin the visual lines of one paragraph.

    No space is inserted where the line break falls between CJK characters or full-width
    punctuation (Chinese text is set solid; clreq #293); a single space is kept between two Latin
    words so "Hong Kong" survives a wrap.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not is_cjk(out[-1]) and not is_cjk(line[0]) and out[-1].isalnum() and line[0].isalnum():
            out += " "
        out += line
    return out
