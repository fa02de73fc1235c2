"""References between notices: the 文号 (and 《titles》) a notice cites, and how.

``《国务院关于深化泛珠三角区域合作的指导意见》（国发〔2016〕18号）`` is one reference: the 文号 with
the title right before it. The relation comes from the verb that governs the reference:

* ``forwards``: the notice forwards it (``现将《…》（…）转发给你们``, or its title says 转发《that title》);
* ``implements``: ``为贯彻落实《…》``, ``贯彻实施``, ``落实``;
* ``implements`` too: ``根据《…》精神…制定本方案``, ``按照《…》要求``;
* ``repeals``: ``…同时废止``, ``停止执行``;
* ``cites``: anything else (``依照《…》第十条``).

A title without a 文号 is kept only when the notice forwards or implements it (the Bay Area
opinions implement 《粤港澳大湾区发展规划纲要》, which carries none); plain mentions of plans
are not references. The notice's own 文号 (its header, repeated in scraped pages) is excluded.
One row per occurrence; dbt reduces them to one row per citing and cited document.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import polars as pl

from pipelines.extract._textview import TextView
from pipelines.model import Paragraph
from pipelines.parse.metadata import find_doc_numbers, normalize_doc_number
from pipelines.textnorm import normalize_text

REFERENCE_SCHEMA: dict[str, pl.DataType] = {
    "reference_id": pl.String,
    "source_id": pl.String,  # the citing source
    "cited_doc_number": pl.String,  # as written: 国发〔2016〕18号; null for a title-only reference
    "cited_doc_number_normalized": pl.String,
    "cited_title": pl.String,  # the 《title》 right before the 文号, without the brackets
    "cited_title_normalized": pl.String,
    "relation": pl.String,  # forwards | implements | cites
    "verb": pl.String,  # the governing verb as written (转发, 贯彻落实, 根据), if any
    "char_start": pl.Int32,  # the 文号 (or the title) in the notice's full text
    "char_end": pl.Int32,
    "page": pl.Int32,
}

_FORWARD = "转发"
_IMPLEMENT = ("贯彻落实", "贯彻实施", "贯彻执行", "贯彻", "落实", "实施", "执行")
_VERBS = re.compile("转发|贯彻落实|贯彻实施|贯彻执行|贯彻|落实|实施|执行|根据|按照|依据|依照|参照|对照")
# What may stand between a title and its 文号: 》（ or 》( and spaces.
_TITLE_BEFORE = re.compile(r"《(?P<title>[^《》]{2,120})》\s*[（(]\s*$")
_TITLE = re.compile(r"《(?P<title>[^《》]{2,120})》")
# A phrase ends at these; a verb beyond them does not govern the reference.
# 法: a law (职业教育法); 建议: the Central Committee's proposal for a five-year plan
_DOCUMENT_GENRE = re.compile(r"(?:通知|意见|决定|办法|规定|纲要|条例|细则|方案|法|建议)$")
_DRAFTING = ("制定", "编制", "起草", "研究")
# 《政府工作报告》 in a notice that breaks the report down into tasks (分解, 分工, 督办) is the
# notice's own plan, not a notice it cites; a notice that implements the report's requirements cites it.
_WORK_REPORT = re.compile(r"政府工作报告$")
_BREAKDOWN = re.compile(r"分解|分工|督办")
_PHRASE_END = "，,；;。：:！!？?\n"
_HEAD_LINES = 3  # the title and the lines right below it: where 转发《…》 is announced


def _same_title(a: str, b: str) -> bool:
    """Titles as the notice writes them vary (合作的指导意见 / 合作指导意见)."""
    a, b = (re.sub(r"[的\s]", "", normalize_text(t)) for t in (a, b))
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.9


def _governing_verb(text: str, start: int) -> str | None:
    """The verb before ``start`` in its phrase, skipping other listed references (、《…》（…）)."""
    i = start
    while i > 0 and text[i - 1] not in _PHRASE_END:
        i -= 1
    verbs = list(_VERBS.finditer(text, i, start))
    if not verbs:
        return None
    # 制定实施《…》: a document still to be written; 请结合实施《…》: plans named in passing
    if text[max(i, verbs[-1].start() - 2) : verbs[-1].start()] in (*_DRAFTING, "结合"):
        return None
    return verbs[-1].group()


def _rest(text: str, end: int) -> str:
    """The sentence's text after ``end``."""
    ends = [j for j in (text.find(c, end) for c in "。；;\n") if j >= 0]
    return text[end : min(ends) if ends else len(text)]


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。；;\n") + 1
    return text[a:end] + _rest(text, end)


# 根据《…》精神 / 按照《…》要求 / 依据《…》，结合我省实际，制定本方案: the notice implements it.
_BASIS = ("根据", "按照", "依据", "依照")
# 依据《…》，制定2022年细化措施如下 says it as 制定本方案 does.
_IMPLEMENTING = re.compile(r"精神|要求|部署|决策|制定本|制定[^。；;]{0,16}如下|结合[^。；;]{0,12}实际|为[^。；;]{0,10}贯彻")
# 近年来，各地区认真贯彻落实《…》 and 为贯彻落实《…》，工业和信息化部制定了《…指南》: others' work,
# which the notice only recalls.
_RECALLED = re.compile(r"近年来|以来|(?:制定|印发|出台|发布)了")
# 同时废止 / 停止执行 / 不再执行: the notice repeals it.
_REPEALING = re.compile(r"废止|停止执行|不再执行|同时失效|予以撤销")


def _relation(verb: str | None, sentence: str, title: str | None, forwarded_titles: list[str], after: str = "") -> str:
    """The relation an occurrence states; dbt keeps the strongest per pair of documents. ``after``
    is the rest of the sentence after the occurrence: 《…》已经省政府同意，现转发给你们 forwards it,
    现将该指南转发你们，请结合实施《…》 does not forward what follows 转发."""
    sentence = _TITLE.sub("《》", sentence)  # what the sentence says, not the titles it quotes (…转发…的通知)
    if verb == _FORWARD or _FORWARD in _TITLE.sub("《》", after):
        return "forwards"
    if verb in _IMPLEMENT:
        return "cites" if _RECALLED.search(sentence) else "implements"
    if verb in _BASIS and _IMPLEMENTING.search(sentence):
        return "implements"
    if _REPEALING.search(sentence):
        return "repeals"
    if verb is not None:  # 根据, 按照 …: the notice cites it here
        return "cites"
    if title and any(_same_title(title, t) for t in forwarded_titles):
        return "forwards"
    return "cites"


def _is_document_reference(verb: str | None, relation: str, title: str) -> bool:
    """Whether a 《title》 without 文号 is a reference to another notice.

    贯彻落实《纲要》 is; 实施《…行动计划》 or 落实《…框架协议》 names a plan or an agreement, and
    the documents behind 制定实施《…》 do not exist yet.
    """
    if relation in ("forwards", "repeals"):
        return True
    if relation != "implements":
        return False
    return verb.startswith("贯彻") or verb in _BASIS or bool(_DOCUMENT_GENRE.search(title))


def extract_references(
    source_id: str, paragraphs: list[Paragraph], own_doc_number: str | None, *, title: str | None = None
) -> pl.DataFrame:
    """One row per reference to another notice (see the module docstring).

    ``own_doc_number`` is excluded. ``title`` (the notice's own title, if the parser found it)
    is read together with the first lines for 转发《…》. A short title defined in the text
    (``《…》（国发〔2016〕18号，以下简称《指导意见》）``) stands for the full one wherever it is used.
    """
    original = "\n".join(p.text for p in paragraphs)
    # Matching runs on the view (Simplified, NFKC, no spaces, mirrors' pinyin out); offsets and
    # what is reported as written come from the original.
    view = TextView.of(original, keep="\n")
    text = view.text
    pages = _page_lookup(paragraphs)
    own = normalize_doc_number(own_doc_number) if own_doc_number else None
    head = TextView.of("\n".join([title or ""] + [p.text for p in paragraphs[:_HEAD_LINES]]), keep="\n").text
    # 转发《…》, 转发沧州市人力资源和社会保障局《…》: the forwarded document, its issuer between
    forwarded = [m.group("title") for m in re.finditer(r"转发[^《》，,。；;\n]{0,30}《(?P<title>[^《》]+)》", head)]
    # The plan the notice itself issues (its title's 关于印发《…》的通知, 《…》已经国务院同意，现印发给你们)
    # is its own content, not a notice it refers to.
    own_title = TextView.of(title).text if title else ""
    issued = [m.group("title").strip("《》") for m in re.finditer(r"关于印发(?P<title>.+?)的通知$", own_title)]
    issued += [m.group("title") for m in re.finditer(
        r"《(?P<title>[^《》]+)》(?:\((?:以下)?简称《[^《》]+》\))?[^《》。；;\n]{0,40}?现(?:予)?(?:印发|发布)", text)]
    issued += [m.group("title") for m in re.finditer(r"现将《(?P<title>[^《》]+)》(?:[^《》。；;\n]{0,10}?)印发", text)]
    # 现将该指南转发你们: the 《…指南》 named last before it
    for m in re.finditer(r"将该(?P<kind>[\u4e00-\u9fff]{1,4}?)(?:转发|印发)", text):
        named = [t.group("title") for t in _TITLE.finditer(text, 0, m.start()) if t.group("title").endswith(m.group("kind"))]
        if named:
            forwarded.append(named[-1])
    rows: list[dict] = []
    titled: set[int] = set()  # 《》 already read as the title of a 文号
    known: list[tuple[str, str, str]] = []  # (title, 文号 as written, normalized) seen together
    for written, start, end in find_doc_numbers(text):
        normalized = normalize_doc_number(written)
        if normalized == own:
            continue
        m = _TITLE_BEFORE.search(text, max(0, start - 130), start)
        cited_title = m.group("title") if m else None
        anchor = m.start() if m else start
        if m:
            titled.add(m.start())
            known.append((cited_title, written, normalized))
        if _standalone(text, start, end) and anchor == start:
            continue  # a 文号 alone on its line: a header (this notice's own, or an attached one's)
        verb = _governing_verb(text, anchor)
        relation = _relation(verb, _sentence(text, anchor, end), cited_title, forwarded, _rest(text, end))
        a, b = view.span(start, end)
        title_as_written = view.original_of(m.start("title"), m.end("title")) if m else None
        rows.append(_row(source_id, original[a:b], normalized, title_as_written, verb, relation, a, b, pages))
    aliases = _aliases(text)
    for m in _TITLE.finditer(text):
        if m.start() in titled or text[max(0, m.start() - 2) : m.start()] in ("简称", "下称"):
            continue
        cited_title = aliases.get(m.group("title"), m.group("title"))
        verb = _governing_verb(text, m.start())
        sentence = _sentence(text, m.start(), m.end())
        relation = _relation(verb, sentence, cited_title, forwarded, _rest(text, m.end()))
        if not _is_document_reference(verb, relation, cited_title):
            continue  # a plan named in passing is not a reference between notices
        if relation != "forwards" and any(_same_title(cited_title, t) for t in issued):
            continue  # the notice's own plan
        if _WORK_REPORT.search(cited_title) and (_BREAKDOWN.search(head) or _BREAKDOWN.search(sentence)):
            continue  # the work report this notice breaks down
        written = next((w for t, w, _ in known if _same_title(t, cited_title)), None)
        normalized = normalize_doc_number(written) if written else None
        if normalized is not None and normalized == own:
            continue
        a, b = view.span(m.start(), m.end())
        as_written = view.original_of(m.start("title"), m.end("title")) if cited_title == m.group("title") else cited_title
        rows.append(_row(source_id, written, normalized, as_written, verb, relation, a, b, pages))
    rows.sort(key=lambda r: r["char_start"])
    return pl.DataFrame(rows, schema=REFERENCE_SCHEMA)


def _standalone(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a line of its own (a 文号 line under a title)."""
    before = text.rfind("\n", 0, start)
    after = text.find("\n", end)
    return not text[before + 1 : start].strip() and not text[end : after if after >= 0 else len(text)].strip("。 ")


def _aliases(text: str) -> dict[str, str]:
    """Short titles defined in the text: {"指导意见": "国务院关于深化泛珠三角区域合作的指导意见"}."""
    return {
        m.group("short"): m.group("full")
        for m in re.finditer(r"《(?P<full>[^《》]{2,120})》[^《》。]{0,40}?以下(?:简称|称)《(?P<short>[^《》]{1,30})》", text)
    }


def _row(source_id: str, written: str | None, normalized: str | None, cited_title: str | None,
         verb: str | None, relation: str, start: int, end: int, pages: list[tuple[int, Paragraph]]) -> dict:
    return {
        "reference_id": f"{source_id}/ref{start:06d}",
        "source_id": source_id,
        "cited_doc_number": written,
        "cited_doc_number_normalized": normalized,
        "cited_title": cited_title,
        "cited_title_normalized": normalize_text(cited_title) if cited_title else None,
        "relation": relation,
        "verb": verb,
        "char_start": start,
        "char_end": end,
        "page": _page_at(pages, start),
    }


def _page_lookup(paragraphs: list[Paragraph]) -> list[tuple[int, Paragraph]]:
    """(offset of the paragraph in the full text, paragraph), in order."""
    out: list[tuple[int, Paragraph]] = []
    offset = 0
    for p in paragraphs:
        out.append((offset, p))
        offset += len(p.text) + 1
    return out


def _page_at(pages: list[tuple[int, Paragraph]], at: int) -> int | None:
    page = None
    for start, p in pages:
        if start > at:
            break
        page = p.page_at(at - start)
    return page
