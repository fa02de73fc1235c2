"""Traditional → Simplified for matching: the shortcut for texts t2s would leave alone gives
exactly OpenCC's answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.textnorm import _t2s, _t2s_triggers, to_simplified

REPO = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    """Every line of the bundled reference texts and the evaluation corpus' texts."""
    lines: list[str] = []
    for folder in (REPO / "corpus", REPO / "eval" / "corpus"):
        for path in sorted(folder.rglob("*.txt")):
            lines += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines


def test_the_dictionaries_were_read():
    triggers = _t2s_triggers()
    assert triggers is not None
    chars, phrases = triggers
    assert {"國", "發", "於", "乾"} <= chars and "国" not in chars and "发" not in chars
    assert phrases.search("請予回覆") and not phrases.search("请予回复")


@pytest.mark.parametrize("text", [
    "（省發展改革委牽頭，省交通運輸廳等按職責分工負責）",
    "國務院辦公廳關於印發新能源汽車產業發展規劃的通知　國辦發〔2020〕39號",
    "請各地於12月31日前將落實情況報送國家發展改革委。",
    "乾隆年間的記載與現行標準不一致",  # a phrase t2s keeps (乾隆) beside characters it changes
    "据了解，反反覆覆的问题要答覆",  # phrase-level rewrites (反覆 → 反复, 答覆 → 答复) in a Simplified sentence
    "彷彿看到了希望",  # 彷彿 → 仿佛: a phrase whose characters alone stay
    "到2025年，全省城镇老旧小区改造完成率达到90%以上",  # nothing to convert
])
def test_sentences_convert_as_opencc_does(text):
    assert to_simplified(text) == _t2s().convert(text)


def test_every_line_of_the_corpora_converts_as_opencc_does():
    lines = _texts()
    assert len(lines) > 1000
    wrong = [line for line in lines if to_simplified(line) != _t2s().convert(line)]
    assert wrong == []
