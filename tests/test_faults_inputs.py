"""Hostile and broken inputs never stop the warehouse: each is one source's readable error (or a
quarantined row), everything else is published.

The catalogue mixes real notices with every kind of bad document the issue names: a PDF whose
fonts no reader decodes, a scanned PDF, a truncated PDF, an empty page, a "notice removed" page,
Big5 bytes labelled gb2312, 100,000 nested <div>, a PDF compression bomb, a server that trickles
bytes and one that redirects in a loop.
"""
from __future__ import annotations

import re
import time
import zlib
from pathlib import Path

import duckdb
import pytest

import synth
from faults import CORPUS, Site, run
from pipelines.textnorm import to_simplified

NO_COLLECTION = synth.CIDFont("Identity-H", "Identity")  # no reader can tell what the CIDs are


def _bomb_pdf(decompressed_mb: int = 1536) -> bytes:
    """A small PDF whose one content stream inflates to ``decompressed_mb`` MB of spaces."""
    z = zlib.compressobj(9)
    chunk = b" " * 2**20
    data = b"".join(z.compress(chunk) for _ in range(decompressed_mb)) + z.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream,
    ]
    return synth.serialise_pdf(objects, root=1)


def _big5_labelled_gb2312() -> bytes:
    """A Traditional-Chinese mirror of a real notice, in Big5 bytes, whose <meta> says gb2312."""
    from opencc import OpenCC

    text = (Path(__file__).parent / "fixtures" / "reference" / "seed-003.txt").read_text(encoding="utf-8")
    traditional = OpenCC("s2t").convert(text)
    body = "".join(f"<p>{line}</p>" for line in traditional.splitlines() if line.strip())
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><div class="article">{body}</div></body></html>'
    return page.encode("big5", errors="ignore")


def _deeply_nested() -> bytes:
    html = (CORPUS / "gd-2016-34.html").read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.S).group(1)
    return ("<html><head><meta charset='utf-8'></head><body>" + "<div>" * 100_000 + body + "</div>" * 100_000 + "</body></html>").encode()


@pytest.fixture()
def hostile_site(tmp_path, http_server) -> Site:
    site = Site(tmp_path / "site")
    good = {name: (CORPUS / name).read_bytes() for name in ("gd-2017-8.html", "fj-2016-52.html")}
    site.write_catalog({
        **good,
        "no-unicode.pdf": synth.typeset_for(synth.GUANGXI, font=NO_COLLECTION).pdf(),
        "scanned.pdf": synth.scanned_pdf(),
        "truncated.pdf": (CORPUS / "gd-2017-8.pdf").read_bytes()[:150_000],
        "empty.html": synth.error_html("empty"),
        "removed.html": synth.error_html("soft404"),
        "big5-as-gb2312.html": _big5_labelled_gb2312(),
        "nested.html": _deeply_nested(),
        "bomb.pdf": _bomb_pdf(),
    })
    loop = http_server.serve("/loop", (302, {"Location": "/loop"}, b""))
    slow = http_server.serve("/slow.html", (200, {"Content-Type": "text/html"}, b"<p>" + "很慢".encode() * 50 + b"</p>"))
    http_server.routes["/slow.html"].delay_per_byte = 0.05  # trickles: 300 bytes take 15 s
    with open(site.catalog, "a", encoding="utf-8") as f:
        f.write(f"  - {{id: redirect-loop, url: '{loop}'}}\n  - {{id: trickle, url: '{slow}'}}\n")
    return site


def test_a_catalogue_of_bad_documents_runs_to_the_end_and_publishes(hostile_site):
    site = hostile_site
    started = time.monotonic()
    done = run(site, NOTICES_SOURCE_TIMEOUT="90", NOTICES_SOURCE_MEMORY_MB="1024", NOTICES_FETCH_DEADLINE="5",
               NOTICES_FETCH_BACKOFF="0", NOTICES_WORKERS="2")
    assert done.returncode == 3, done.stdout[-3000:] + done.stderr[-3000:]
    assert time.monotonic() - started < 600
    lines = done.stdout.splitlines()
    # Failures first, then what the warehouse holds, then where readers find it.
    head = next(i for i, line in enumerate(lines) if "source(s) failed" in line)
    assert lines[head].startswith("8 source(s) failed")
    assert head < next(i for i, line in enumerate(lines) if line.startswith("warehouse: "))
    readers = next(i for i, line in enumerate(lines) if line.startswith("readers: "))
    assert "up to date, published" in lines[readers]
    assert lines[readers + 1].strip().startswith("exports") and lines[readers + 2].strip().startswith("report")
    with duckdb.connect(str(site.warehouse), read_only=True) as conn:
        status = dict(conn.execute("select source_id, status from marts.source_status").fetchall())
        why = dict(conn.execute(
            "select source_id, coalesce(last_fetch_error, parse_error) from marts.source_status where status <> 'ok'"
        ).fetchall())
        tasks = dict(conn.execute(
            "select source_id, count(*) from marts.fct_tasks group by 1").fetchall())
        garbage = conn.execute(
            r"""select count(*) from marts.fct_clauses
                where contains(text, '(cid:') or contains(text, chr(65533)) or regexp_matches(text, '[\x{E000}-\x{F8FF}]')"""
        ).fetchall()[0][0]
        # (a mirror of a notice also in the catalogue: one document with it, so its own clauses are in staging)
        big5 = conn.execute("select text from staging.stg_clauses where source_id = 'big5-as-gb2312' order by seq").fetchall()
    assert status["gd-2017-8"] == "ok" and status["fj-2016-52"] == "ok"
    assert tasks["gd-2017-8"] == 51 and tasks["fj-2016-52"] == 29  # the good notices keep all their tasks
    assert status["no-unicode"] == "unreadable text" and "undecodable" in why["no-unicode"]
    assert status["scanned"] == "parse failed" and "no text layer" in why["scanned"]
    assert status["truncated"] == "parse failed" and "truncated" in why["truncated"]
    assert status["empty"] == "parse failed" and status["removed"] == "parse failed"
    assert "error page" in why["removed"]
    assert status["bomb"] == "parse failed" and ("memory" in why["bomb"].lower() or "stopped after" in why["bomb"])
    assert status["redirect-loop"] == "not fetched" and why["redirect-loop"].startswith("redirect loop at http://127.0.0.1")
    assert status["trickle"] == "not fetched" and "deadline" in why["trickle"] and "/slow.html" in why["trickle"]
    # Decoded as what it is (Big5), not as the label says: readable Traditional text, no mojibake.
    assert status["big5-as-gb2312"] == "ok"
    assert "泛珠三角" in to_simplified("".join(t for (t,) in big5))
    assert status["nested"] == "ok"
    assert garbage == 0
    for sid, reason in why.items():
        assert reason and "\n" not in reason and "Traceback" not in reason, (sid, reason)


def test_a_fragment_from_the_grammar_is_quarantined_not_fatal(bundled_warehouse, tmp_path, materialize):
    """Extractors will misread some unseen sentence: its rows are quarantined by the content
    checks, the source says so, and the build publishes everything else."""
    import shutil

    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(bundled_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        # What an extractor bug looks like in the raw tables: a joiner read as part of a name
        # ("…全国总工会等和各省级人民政府负责" → "和各省级人民政府") and a misread target year.
        conn.execute(
            """insert into raw.task_agencies
               select task_id, source_id, 99, 'responsible', '和各省级人民政府', '和各省级人民政府', null,
                      '和各省级人民政府', null, false, char_start, char_end
               from raw.task_agencies where source_id = 'fj-2016-52-html' limit 1"""
        )
        conn.execute("update raw.targets set target_year = 2150 where target_id = (select min(target_id) from raw.targets)")
    result = materialize(Path(__file__).resolve().parent.parent / "catalog.yaml", warehouse, tmp_path / "raw", checks=False)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        issues = conn.execute("select check_name, action, value, source_id from marts.quality_issues order by 1").fetchall()
        assert ("agency_name", "excluded", "和各省级人民政府", "fj-2016-52-html") in issues
        assert any(check == "target_year" and action == "excluded" for check, action, *_ in issues)
        assert conn.execute("select count(*) from marts.dim_agencies where name_zh = '和各省级人民政府'").fetchall() == [(0,)]
        assert conn.execute("select count(*) from marts.fct_targets where target_year = 2150").fetchall() == [(0,)]
        status = dict(conn.execute("select source_id, status from marts.source_status").fetchall())
        assert status["fj-2016-52-html"] == "ok with quality issues"
        assert conn.execute("select count(*) from marts.fct_tasks").fetchall()[0][0] == 142  # nothing else lost
