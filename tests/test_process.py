"""Per-source parsing: format detection and catalogue overrides."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.catalog import CatalogEntry
from pipelines.model import ParseError
from pipelines.process import detect_format, parse_source, source_frames

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_format_comes_from_the_bytes_before_labels():
    pdf = (CORPUS / "gd-2017-8.pdf").read_bytes()
    assert detect_format(pdf, "text/html", "https://x.cn/a.html") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>", "application/pdf", "https://x.cn/a.pdf") == "html"
    assert detect_format(b"\x00\x01garbage", "application/pdf", "https://x.cn/a") == "pdf"  # the PDF parser will say why
    with pytest.raises(ParseError, match="unsupported format"):
        detect_format(b"PK\x03\x04 a zip", "application/zip", "https://x.cn/a.zip")


def test_catalogue_overrides_win_over_parsed_metadata():
    entry = CatalogEntry(
        "fj", (CORPUS / "fj-2016-52.html").as_uri(),
        {"title": "覆盖的标题", "doc_number": "闽政〔2016〕99号", "publish_date": date(2016, 12, 1), "province": "福建"},
    )
    data = (CORPUS / "fj-2016-52.html").read_bytes()
    notice = parse_source(data, "text/html", entry)
    assert (notice.title, notice.doc_number, notice.publish_date) == ("覆盖的标题", "闽政〔2016〕99号", date(2016, 12, 1))
    assert notice.signed_date == date(2016, 11, 14)  # not overridden: as parsed
    (source,) = source_frames(entry, notice, "sha", len(data), None, parse_key="k")["sources"].to_dicts()
    assert source["province"] == "福建" and source["doc_number_normalized"] == "闽政〔2016〕99号"
    assert source["overridden_fields"] == ["doc_number", "province", "publish_date", "title"]
