"""How much of a reference text an extraction reproduces, in order."""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

REFERENCE_DIR = Path(__file__).parent / "fixtures" / "reference"
_WS = re.compile(r"\s+")


def reference_text(seed: str) -> str:
    return (REFERENCE_DIR / f"seed-{seed}.txt").read_text(encoding="utf-8")


def coverage(extracted: str, reference: str) -> float:
    """Share of the reference's non-whitespace characters found, in order, in ``extracted``.

    Whitespace is removed from both sides first (extractions differ in line breaks and indents,
    not in what they say). Extra text in the extraction does not lower the score; missing or
    garbled text does.
    """
    ref = _WS.sub("", reference)
    ext = _WS.sub("", extracted)
    matcher = SequenceMatcher(None, ref, ext, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(ref) if ref else 1.0
