"""Read the 97-2003 binary formats (OLE2): .xls with xlrd; .doc and .wps through LibreOffice.

No maintained Python library reads Word 97-2003 text, so .doc and .wps are converted to .docx by
LibreOffice headless (``soffice``) when it is installed, and then read as DOCX. Without it they fail
with a readable "format not supported here" error naming what to install; never a crash.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.model import ParsedNotice, ParseError
from pipelines.parse import registry
from pipelines.parse.plain import add_table, notice_from_paragraphs
from pipelines.tables import make_table

CONVERT_TIMEOUT = 120  # seconds LibreOffice may take for one file
_SOFFICE = ("soffice", "libreoffice")


def parse(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedNotice:
    """The registry's interface for "doc", "xls" and "wps" (told apart again from the bytes)."""
    fmt = registry.ole2_format(data, url or "")
    if fmt == "xls":
        return parse_xls(data, url=url)
    return parse_word97(data, fmt, url=url)


def soffice() -> str | None:
    """The LibreOffice binary on PATH, if any (``NOTICES_SOFFICE`` names another)."""
    explicit = os.environ.get("NOTICES_SOFFICE")
    return explicit if explicit and Path(explicit).exists() else next(filter(None, map(shutil.which, _SOFFICE)), None)


def parse_word97(data: bytes, fmt: str, url: str | None = None) -> ParsedNotice:
    from pipelines.parse.docx import parse_docx

    where = f" ({url})" if url else ""
    binary = soffice()
    if binary is None:
        raise ParseError(
            f"format not supported here: {registry.LABELS[fmt]}{where} needs LibreOffice (soffice) to be read, "
            "and it is not installed on this machine (Debian: apt-get install libreoffice-writer-nogui)"
        )
    with tempfile.TemporaryDirectory(prefix="notices-soffice-") as tmp:
        src = Path(tmp) / f"in.{fmt}"
        src.write_bytes(data)
        try:
            subprocess.run(
                [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=CONVERT_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise ParseError(f"LibreOffice did not convert the {registry.LABELS[fmt]} file{where} in {CONVERT_TIMEOUT}s") from None
        except subprocess.CalledProcessError as exc:
            raise ParseError(f"LibreOffice could not convert the {registry.LABELS[fmt]} file{where}: "
                             f"{exc.stderr.decode(errors='replace').strip()[:200]}") from None
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise ParseError(f"LibreOffice wrote no .docx for the {registry.LABELS[fmt]} file{where}")
        notice = parse_docx(out.read_bytes(), url=url)
    notice.format = fmt
    return notice


def parse_xls(data: bytes, url: str | None = None) -> ParsedNotice:
    import xlrd

    where = f" ({url})" if url else ""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)  # merged cells need formatting_info
    except Exception as exc:  # xlrd raises its own and struct errors for damaged files
        raise ParseError(f"not a readable Excel 97-2003 (.xls) file{where}: {exc}") from None
    tables, paragraphs = [], []
    for sheet in book.sheets():
        grid = [[_xls_text(book, sheet.cell(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
        carried = set()
        for r0, r1, c0, c1 in sheet.merged_cells:  # half-open ranges
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if (r, c) != (r0, c0):
                        grid[r][c] = grid[r0][c0]
                        carried.add((r, c))
        if any(any(row) for row in grid):
            table = make_table(grid, index=len(tables), source=url, carried=frozenset(carried))
            tables.append(add_table(paragraphs, table))
    notice = notice_from_paragraphs("xls", paragraphs, tables=tables)
    return notice


def _xls_text(book, cell) -> str:
    import xlrd

    from pipelines.parse.xlsx import cell_text

    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return cell_text(cell.value)
