"""Read a Word (.docx) notice or attachment: paragraphs and tables in reading order (python-docx).

Tables become ``Table``s (pipelines.tables) and one paragraph per row. python-docx gives a merged
cell at every grid position it covers (the same ``<w:tc>``, for gridSpan and vMerge alike), so a
position whose cell is the one above or to the left is marked carried: a 牵头单位 cell merged over
five rows leads all five, and is written once in the text.
"""
from __future__ import annotations

import io

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse.plain import add_table, notice_from_paragraphs
from pipelines.tables import Table, make_table


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface: a DOCX file's bytes → ParsedNotice (format "docx")."""
    return parse_docx(data, url=url)


def parse_docx(data: bytes, url: str | None = None, source: str | None = None) -> ParsedNotice:
    import docx  # heavy, and only needed for Word files
    from docx.table import Table as DocxTable

    where = f" ({url})" if url else ""
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                table = docx_table(item, index=len(tables), source=source or url)
                tables.append(add_table(paragraphs, table))
            else:
                text = item.text.strip()
                if text:
                    paragraphs.append(Paragraph(text))
        props = document.core_properties
    except Exception as exc:  # python-docx and lxml raise many unrelated types for damaged parts
        raise ParseError(f"not a readable Word (.docx) file{where}: {type(exc).__name__}: {exc}") from None
    return notice_from_paragraphs("docx", paragraphs, tables=tables, title_hint=props.title, issuer_hint=None)


def docx_table(table, *, index: int, source: str | None) -> Table:
    """A python-docx table as a ``Table``, merged cells carried."""
    # Keep the cell proxies alive while comparing them: lxml reuses the proxy of a live element,
    # so ``is`` tells one merged <w:tc> from two cells.
    cells = [[c._tc for c in row.cells] for row in table.rows]
    texts = [[c.text for c in row.cells] for row in table.rows]
    carried = set()
    for r, row in enumerate(cells):
        for c, tc in enumerate(row):
            if (c and row[c - 1] is tc) or (r and c < len(cells[r - 1]) and cells[r - 1][c] is tc):
                carried.add((r, c))
    return make_table(texts, index=index, source=source, carried=frozenset(carried))
