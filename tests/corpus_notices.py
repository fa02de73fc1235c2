"""The bundled corpus files parsed with the real parsers, once per test process."""
from __future__ import annotations

import functools
from pathlib import Path

from pipelines.model import ParsedNotice

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@functools.lru_cache(maxsize=None)
def corpus_notice(name: str) -> ParsedNotice:
    """``corpus/<name>`` parsed as PDF or HTML by its extension."""
    data = (CORPUS / name).read_bytes()
    if name.endswith(".pdf"):
        from pipelines.parse.pdf import parse_pdf

        return parse_pdf(data, f"file://{name}")
    from pipelines.parse.html import parse_html

    return parse_html(data, "text/html", f"file://{name}")
