"""Read a ZIP of attachments (附件.zip: a PDF, a Word file and a spreadsheet): every member in name
order, each by the parser of its own format, as one notice.

Each member starts with a paragraph naming it (附件1：重点任务分工表.docx): the member name is
what the archive says of it. Its paragraphs keep their pages, counted within that member; its
tables keep the member's name as their source. Members that are not notices (images, a file that
fails) are skipped with a warning; an archive with none readable fails with every member's
reason. Bounded: a member bigger than ``MAX_MEMBER_BYTES`` uncompressed, archives nested deeper
than ``MAX_DEPTH`` and more than ``MAX_MEMBERS`` members are not read.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from pipelines.model import Paragraph, ParsedNotice, ParseError
from pipelines.parse import registry
from pipelines.parse.plain import notice_from_paragraphs

MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 200
MAX_DEPTH = 2
_UTF8_NAMES = 0x800  # ZIP flag bit 11: names are UTF-8; otherwise Chinese Windows writes GBK


def parse(data: bytes, content_type: str | None = None, url: str | None = None, depth: int = 0) -> ParsedNotice:
    """The registry's interface: a ZIP archive's bytes → ParsedNotice (format "zip")."""
    where = f" ({url})" if url else ""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a readable ZIP archive{where}: {exc}") from None
    members = sorted((i for i in archive.infolist() if not i.is_dir() and not _is_junk(i.filename)), key=member_name)
    paragraphs: list[Paragraph] = []
    tables = []
    titles: list[str] = []
    warnings: list[str] = []
    problems: list[str] = []
    for info in members[:MAX_MEMBERS]:
        name = member_name(info)
        try:
            notice = _parse_member(archive, info, name, depth)
        except ParseError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if notice.title:
            titles.append(notice.title)
        paragraphs.append(Paragraph(name))
        base = len(paragraphs)
        paragraphs += notice.paragraphs
        tables += [
            replace(t, index=len(tables) + k, source=name, paragraphs=tuple(None if p is None else base + p for p in t.paragraphs))
            for k, t in enumerate(notice.tables)
        ]
        warnings += [f"{name}: {w}" for w in notice.warnings]
    if len(members) > MAX_MEMBERS:
        warnings.append(f"only the first {MAX_MEMBERS} of {len(members)} members were read")
    if not tables and not any(p.text.strip() for p in paragraphs):
        raise ParseError(f"no readable document in the ZIP archive{where}: " + ("; ".join(problems) or "it is empty"))
    warnings += [f"skipped {p}" for p in problems]
    notice = notice_from_paragraphs("zip", paragraphs, tables=tables, warnings=warnings)
    if titles:  # the first member's own title, not its file name (which reads as a title too)
        notice.title = titles[0]
    return notice


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it (GBK when the UTF-8 flag is not set)."""
    if info.flag_bits & _UTF8_NAMES:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _is_junk(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith(("._", "~$")) or base in ("Thumbs.db", ".DS_Store")


def _parse_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, depth: int) -> ParsedNotice:
    if info.file_size > MAX_MEMBER_BYTES:
        raise ParseError(f"{info.file_size} bytes uncompressed, more than {MAX_MEMBER_BYTES} read from one member")
    data = archive.read(info)
    fmt = registry.detect_format(data, None, name)
    if fmt == "zip":
        if depth + 1 >= MAX_DEPTH:
            raise ParseError(f"an archive nested more than {MAX_DEPTH} deep")
        return parse(data, url=name, depth=depth + 1)
    return registry.parser_for(fmt)(data, content_type=None, url=name)
