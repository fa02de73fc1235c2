"""The scale benchmark behind `make bench N=…`: prints measurements, asserts nothing.

It builds N notices from the paragraphs of the bundled corpus (half portal pages, half GB/T
9704-style PDFs, each with its own 文号 and title so none merge; the real addressee line kept in,
as it opens thousands of real notices), then measures, in a fresh warehouse under `.bench/N/`:

* the floor: bare text extraction of the same files on one core (pypdfium2 for every PDF page,
  lxml for every page's text), the least any pipeline must do;
* a cold `python -m pipelines.cli run`, a re-run with nothing changed, and a run after adding one
  notice; for each, wall seconds, each stage's seconds (from the CLI's summary lines) and the
  peak RSS of the largest process;
* the rows the warehouse holds after the cold run.

Usage: python scripts/bench.py N [--keep]   (make bench N=1000)
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.synth import Notice, _check_encodable, notice_html, notice_pdf  # noqa: E402  (the test suite's renderers)

STAGE_LINE = re.compile(r"^(?P<stage>[a-z]+): .* in (?P<seconds>[\d.]+)s$")
ROW_TABLES = {
    "documents": "marts.dim_documents", "clauses": "marts.fct_clauses", "tasks": "marts.fct_tasks",
    "targets": "marts.fct_targets", "projects": "marts.dim_projects",
}


def corpus_paragraphs() -> tuple[str, list[str]]:
    """The addressee line and the other body paragraphs of the bundled HTML notices."""
    from pipelines.parse.html import parse_html

    addressee, paragraphs = None, []
    for path in sorted((REPO / "corpus").glob("*.html")):
        texts = [p.text for p in parse_html(path.read_bytes(), url=path.name).paragraphs]
        addressee = addressee or next((t for t in texts if t.endswith("：") and len(t) < 80), None)
        paragraphs += [t for t in texts if len(t) >= 12 and not t.endswith("：") and _settable(t)]
    return addressee or "各市、县人民政府，省政府各部门、各直属机构：", paragraphs


def _settable(text: str) -> bool:
    """Whether the PDF renderer's font (STSong-Light, Adobe-GB1) has every character."""
    try:
        _check_encodable(text)
    except ValueError:
        return False
    return True


def make_notice(i: int, addressee: str, pool: list[str], rng: random.Random) -> Notice:
    start = rng.randrange(len(pool))
    body = [pool[(start + k) % len(pool)] for k in range(rng.randint(12, 30))]
    return Notice(
        issuer="测试省人民政府", doc_number=f"测政〔2026〕{i}号",
        title=f"测试省人民政府关于印发第{i}批重点工作任务分工方案的通知", addressee=addressee,
        paragraphs=tuple(body), signature="测试省人民政府", date="2026年3月1日",
        publish_date="2026-03-02", site="测试省人民政府门户网站", bulletin="测试省人民政府公报",
    )


def write_notice(folder: Path, i: int, notice: Notice) -> str:
    if i % 2:
        name = f"n{i:05d}.pdf"
        data = notice_pdf(
            [*notice.paragraphs], header="测试省人民政府文件", doc_number=notice.doc_number,
            title=notice.title, addressee=notice.addressee, signature=(notice.signature, notice.date),
        )
    else:
        name = f"n{i:05d}.html"
        data = notice_html(notice)
    (folder / name).write_bytes(data)
    return name


def write_catalog(root: Path, names: list[str]) -> None:
    lines = ["notices:", *(f"  - {{id: {Path(n).stem}, url: notices/{n}}}" for n in names)]
    (root / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def floor_seconds(folder: Path) -> float:
    """Bare text of every file on one core: the least any pipeline must do."""
    import lxml.html

    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            pdf = pypdfium2.PdfDocument(path.read_bytes())
            for page in pdf:
                page.get_textpage().get_text_range()
            pdf.close()
        else:
            lxml.html.fromstring(path.read_bytes()).text_content()
    return time.perf_counter() - started


def run_pipeline(root: Path) -> tuple[float, dict[str, float], int]:
    """A CLI run on the bench catalogue: wall seconds, stage seconds, and the peak RSS (MB) of its
    largest process."""
    env = {
        **os.environ,
        "NOTICES_CATALOG": str(root / "catalog.yaml"), "NOTICES_WAREHOUSE": str(root / "warehouse" / "notices.duckdb"),
        "NOTICES_RAW_DIR": str(root / "raw"), "DAGSTER_HOME": str(root / "dagster"),
    }
    # The snapshot and the exports then default to beside the bench warehouse, not the user's.
    env.pop("NOTICES_SNAPSHOT", None)
    env.pop("NOTICES_EXPORT_DIR", None)
    (root / "dagster").mkdir(exist_ok=True)
    started = time.perf_counter()
    # A wrapper process waits for the run and reports the largest RSS among its descendants, so
    # each run gets its own peak (this script's own getrusage would keep a running maximum).
    done = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, sys.executable, "-m", "pipelines.cli", "run"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the run failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    stages = {}
    for line in done.stdout.splitlines():
        if m := STAGE_LINE.match(line.strip()):
            stages[m["stage"]] = float(m["seconds"])
    peak_kb = int(re.findall(r"^peak-rss-kb (\d+)$", done.stderr, re.M)[-1])
    return wall, stages, peak_kb // 1024


_PEAK_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print("peak-rss-kb", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def rows(root: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(root / "warehouse" / "notices.duckdb"), read_only=True) as conn:
        return {name: conn.execute(f"select count(*) from {table}").fetchone()[0] for name, table in ROW_TABLES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="notices to generate")
    parser.add_argument("--keep", action="store_true", help="keep .bench/N afterwards")
    args = parser.parse_args()

    root = REPO / ".bench" / str(args.n)
    shutil.rmtree(root, ignore_errors=True)
    folder = root / "notices"
    folder.mkdir(parents=True)
    rng = random.Random(args.n)
    addressee, pool = corpus_paragraphs()
    started = time.perf_counter()
    names = [write_notice(folder, i, make_notice(i, addressee, pool, rng)) for i in range(1, args.n + 1)]
    write_catalog(root, names)
    pages = sum(len(pypdfium2.PdfDocument(folder / n)) for n in names if n.endswith(".pdf"))
    print(f"generated {args.n} notices ({pages} PDF pages) in {time.perf_counter() - started:.0f}s under {root}", flush=True)

    floor = floor_seconds(folder)
    print(f"floor: {floor:.1f}s", flush=True)
    results = {}
    for label in ("cold", "no change", "add one"):
        if label == "add one":
            names.append(write_notice(folder, args.n + 1, make_notice(args.n + 1, addressee, pool, rng)))
            write_catalog(root, names)
        results[label] = run_pipeline(root)
        print(f"{label}: {results[label][0]:.1f}s", flush=True)
        if label == "cold":
            counts = rows(root)

    stage_names = sorted({s for _, stages, _ in results.values() for s in stages})
    print()
    print(f"N={args.n} notices, {pages} PDF pages; floor {floor:.1f}s; machine: {_machine()}")
    print("| run | seconds | × floor | " + " | ".join(f"{s} s" for s in stage_names) + " | peak RSS MB |")
    print("|---|---|---|" + "---|" * len(stage_names) + "---|")
    for label, (wall, stages, peak) in results.items():
        cells = " | ".join(f"{stages[s]:.1f}" if s in stages else "" for s in stage_names)
        print(f"| {label} | {wall:.1f} | {wall / floor:.1f} | {cells} | {peak} |")
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


def _machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
