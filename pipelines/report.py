"""The analysts' report: one static HTML page built from the marts (no server, no network).

    python -m pipelines.report --warehouse warehouse/notices.snapshot.duckdb --out warehouse/report.html

Sections: the documents (文号, dates, links); agency workload, each number opening the tasks
behind it with their source sentence, page and URL; the targets, one timeline per metric (target
years, values, the notice that set them, revisions) with plan periods on a chart of their own;
the projects by category and stage; and what failed or was quarantined. Charts are SVG drawn by
matplotlib with text kept as text, so the reader's browser renders the Chinese whatever fonts
the machine that built the page has. A few lines of script filter the tables.
"""
from __future__ import annotations

import argparse
import html
import io
import os
import warnings
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb

_CSS = """
body{font:14px/1.5 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #dde2e8;padding:8px 28px;position:sticky;top:0}
nav a{margin-right:18px;color:#1d3557;text-decoration:none;font-weight:600}
main{padding:8px 28px 40px;max-width:1400px}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:18px;margin:4px 0 10px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eceff3;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f0f3f7;position:sticky;top:38px}td.n{text-align:right;font-variant-numeric:tabular-nums}
details summary{cursor:pointer;color:#1d3557}details ul{margin:4px 0 8px 18px;padding:0}details li{margin:3px 0}
.muted{color:#6b7785}.bad{color:#b42318}.tag{display:inline-block;border-radius:3px;padding:0 5px;background:#eef2f7;margin-right:4px}
input.filter{margin:4px 0 8px;padding:4px 8px;width:320px;border:1px solid #c9d1db;border-radius:4px}
.chart svg{max-width:100%;height:auto}
.chart svg text{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif !important}
"""

# Any script error is recorded on the page (data-errors), so a headless browser can tell.
_ERRORS = """
window.addEventListener('error', (e) => {
  const root = document.documentElement;
  root.dataset.errors = (root.dataset.errors ? root.dataset.errors + ' | ' : '') + e.message;
});
"""

_SCRIPT = """
for (const input of document.querySelectorAll('input.filter')) {
  const table = document.getElementById(input.dataset.table);
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    for (const row of table.tBodies[0].rows) row.style.display = !q || row.textContent.toLowerCase().includes(q) ? '' : 'none';
  });
}
document.body.dataset.ready = 'yes';
"""


def _e(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


class _Links:
    """Links to sources. A local source's URL is relative to the catalogue; on the page it is
    linked relative to the page, so it opens the file beside it."""

    def __init__(self, sources_base: Path | None, page_dir: Path) -> None:
        self.base = sources_base.resolve() if sources_base else None
        self.page_dir = page_dir.resolve()

    def __call__(self, url: str | None, text: str | None = None) -> str:
        if not url:
            return ""
        href = url if "://" in url or self.base is None else Path(os.path.relpath(self.base / url, self.page_dir)).as_posix()
        return f'<a href="{_e(href)}">{_e(text or url.rsplit("/", 1)[-1] or url)}</a>'


def _notice(row: dict) -> str:
    """How a chart or a list names a notice: its 文号, else the start of its title (never a hash)."""
    if row.get("doc_number"):
        return row["doc_number"]
    title = row.get("document_title") or row.get("title") or row["document_id"][:8]
    return title if len(title) <= 18 else title[:17] + "…"


def _table(table_id: str, headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return (f'<input class="filter" data-table="{table_id}" placeholder="filter…">'
            f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def _pyplot():
    """matplotlib, imported when a chart is drawn (its import costs a second at every start-up)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: the browser renders it with its own fonts
    return plt


def _svg(fig) -> str:
    plt = _pyplot()
    buf = io.StringIO()
    with warnings.catch_warnings():
        # matplotlib measures the text with its own font; a missing CJK glyph does not matter here
        # (the text stays text and the browser renders it).
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


# --- sections -----------------------------------------------------------------------------------


def _documents(conn, link: _Links) -> str:
    docs = _rows(conn, """select document_id, doc_number, title, issuer, province, signed_date, publish_date,
                                 source_urls, formats, clause_count from marts.dim_documents order by document_date nulls last, doc_number""")
    rows = [[_e(d["doc_number"]), _e(d["title"]), _e(d["issuer"]), _e(d["province"]), _e(d["signed_date"]),
             _e(d["publish_date"]), " ".join(link(u) for u in d["source_urls"] or []), _e(", ".join(d["formats"] or [])),
             _e(d["clause_count"])] for d in docs]
    return ("<h2>Documents</h2>" + f'<p class="muted">{len(docs)} notices.</p>' +
            _table("documents", ["文号", "title", "issuer", "province", "signed", "published", "sources", "formats", "clauses"],
                   rows, numeric={8}))


def _task_item(t: dict, link: _Links) -> str:
    where = f"p. {t['page']}" if t.get("page") else ""
    return (f"<li><span class=\"tag\">{_e(_notice(t))}</span>{_e(t['heading'])} — "
            f"{_e((t['text'] or '')[:160])}{'…' if len(t['text'] or '') > 160 else ''} "
            f"<span class=\"muted\">{_e(t['note_text'])} {where}</span> {link(t['source_url'], 'source')}</li>")


def _workload(conn, link: _Links) -> str:
    tasks = _rows(conn, """
        select b.agency_id, b.role, t.task_id, t.document_id, d.doc_number, d.title, t.item_title as heading, t.text,
               t.note_text, t.page, t.source_url
        from marts.bridge_task_agencies b join marts.fct_tasks t using (task_id)
        join marts.dim_documents d on d.document_id = t.document_id
        order by d.doc_number, t.seq""")
    by_agency: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for t in tasks:
        by_agency[t["agency_id"]][t["role"]].append(t)
    agencies = _rows(conn, "select agency_id, name_zh, name_en, province, level, is_group from marts.dim_agencies")
    roles = ["lead", "co", "responsible", "guide", "supervise"]
    ranked = sorted(agencies, key=lambda a: (-len(by_agency[a["agency_id"]]["lead"]), -sum(len(v) for v in by_agency[a["agency_id"]].values()), a["name_zh"]))
    rows = []
    for a in ranked:
        cells = [f"<span class=\"agency\" data-agency=\"{_e(a['name_zh'])}\">{_e(a['name_zh'])}</span><br>"
                 f"<span class=\"muted\">{_e(a['name_en'])}</span>", _e(a["province"])]
        for role in roles:
            items = by_agency[a["agency_id"]][role]
            cells.append(f"<details data-role=\"{role}\"><summary>{len(items)}</summary><ul>{''.join(_task_item(t, link) for t in items)}</ul></details>"
                         if items else f'<span data-role="{role}">0</span>')
        rows.append(cells)
    return ("<h2>Agency workload</h2><p class=\"muted\">Tasks each agency leads, co-operates on, is responsible for, "
            "guides or supervises; open a number for the tasks, their notes, pages and sources.</p>" +
            _table("workload", ["agency", "province", "led", "co", "responsible", "guide", "supervise"], rows, numeric=set()))


def _timeline(series: list[dict], periods: bool) -> str:
    metrics: dict[str, list[dict]] = defaultdict(list)
    for s in series:
        metrics[s["metric_id"]].append(s)
    names = sorted(metrics, key=lambda m: min((s["target_year"] or 9999) for s in metrics[m]))[:40]
    if not names:
        return '<p class="muted">None.</p>'
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(names) + 1.2))
    docs = sorted({_notice(s) for m in names for s in metrics[m]})
    colours = {d: plt.cm.tab10(i % 10) for i, d in enumerate(docs)}
    for y, m in enumerate(names):
        for s in metrics[m]:
            c = colours[_notice(s)]
            if periods and s["target_year"] and s["target_year_end"]:
                ax.plot([s["target_year"], s["target_year_end"]], [y, y], lw=6, color=c, solid_capstyle="butt")
            elif s["target_year"]:
                marker = "D" if s["kind"] == "quantitative" else "o"
                ax.plot([s["target_year"]], [y], marker=marker, color=c, ms=7)
                if s["value"] is not None:
                    ax.annotate(f"{s['value']:g}{s['unit'] or ''}", (s["target_year"], y), xytext=(6, 4),
                                textcoords="offset points", fontsize=8)
    labels = [(metrics[m][0]["metric_zh"] or metrics[m][0]["metric_en"] or m)[:28] for m in names]
    ax.set_yticks(range(len(names)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.legend(handles=[plt.Line2D([], [], color=colours[d], lw=4, label=d) for d in docs[:10]], fontsize=7,
              loc="lower right", frameon=False)
    return f'<div class="chart">{_svg(fig)}</div>'


def _targets(conn) -> str:
    series = _rows(conn, """select metric_id, metric_zh, metric_en, kind, target_year, target_year_end, value, value_high,
                                   unit, comparator, step, document_id, doc_number, document_title, document_date, statement, page,
                                   previous_target_year, target_year_change, value_change
                            from marts.fct_target_series order by metric_id, series_seq""")
    goals = [s for s in series if s["kind"] in ("quantitative", "milestone")]
    plans = [s for s in series if s["kind"] == "plan_period"]
    rows = [[_e(s["metric_zh"] or s["metric_en"]), _e(s["kind"]), _e(s["target_year"]),
             _e("" if s["value"] is None else f"{s['value']:g}{'–' + format(s['value_high'], 'g') if s['value_high'] is not None else ''}{s['unit'] or ''}"),
             _e(s["comparator"]), f'<span data-step="{_e(s["step"])}">{_e(s["step"])}</span>', _e(_notice(s)), _e(s["document_date"]),
             _e("" if s["target_year_change"] is None else f"{s['target_year_change']:+d} y") +
             _e("" if s["value_change"] is None else f" {s['value_change']:+g}"),
             _e((s["statement"] or "")[:120])] for s in goals]
    return ("<h2>Targets</h2><p class=\"muted\">Each metric's target years, coloured by the notice that set them "
            "(◆ with a value, ● a milestone). Plan periods are drawn apart below.</p>" + _timeline(goals, periods=False) +
            _table("targets", ["metric", "kind", "year", "value", "comparator", "step", "notice", "notice date",
                               "revision", "statement"], rows) +
            "<h3>Plan periods</h3>" + _timeline(plans, periods=True))


def _projects(conn) -> str:
    projects = _rows(conn, """select category, category_en, latest_stage, count(*) as n, list(name_zh order by name_zh) as names
                              from marts.dim_projects group by all order by category nulls last, latest_stage""")
    rows = [[_e(p["category"] or "—"), _e(p["category_en"]), _e(p["latest_stage"]), _e(p["n"]),
             _e("、".join(p["names"][:30]) + ("…" if len(p["names"]) > 30 else ""))] for p in projects]
    return "<h2>Projects by category and stage</h2>" + _table("projects", ["category", "", "stage", "projects", "names"], rows, numeric={3})


def _problems(conn) -> str:
    failed = _rows(conn, """select source_id, status, coalesce(last_fetch_error, parse_error) as why
                            from marts.source_status where status <> 'ok' order by status, source_id""")
    issues = _rows(conn, "select source_id, check_name, action, detail, value from marts.quality_issues order by source_id")
    rows = [[_e(f["source_id"]), f'<span class="bad">{_e(f["status"])}</span>', _e(f["why"])] for f in failed]
    rows += [[_e(i["source_id"]), _e(f"{i['check_name']} ({i['action']})"), _e(f"{i['detail']}: {i['value']}")] for i in issues]
    return "<h2>Sources that failed, and quarantined rows</h2>" + (
        _table("problems", ["source", "status / check", "why"], rows) if rows else '<p class="muted">None.</p>')


def build_report(warehouse: Path, out: Path, sources_base: Path | None = None) -> dict[str, int]:
    """Write the report page for ``warehouse`` (opened read-only) to ``out``, atomically.
    ``sources_base``: the catalogue's folder, which local sources' URLs are relative to (their
    links then open the file beside the page)."""
    link = _Links(sources_base, out.parent)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        counts = {t: conn.execute(f"select count(*) from marts.{t}").fetchall()[0][0]
                  for t in ("dim_documents", "fct_tasks", "dim_agencies", "fct_targets", "dim_projects")}
        sections = {
            "documents": _documents(conn, link), "workload": _workload(conn, link), "targets": _targets(conn),
            "projects": _projects(conn), "problems": _problems(conn),
        }
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f'<a href="#{k}">{k.capitalize()}</a>' for k in sections)
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>Policy notices: tasks, agencies, targets</title><style>{_CSS}</style><script>{_ERRORS}</script></head><body>"
        f"<header><h1>Policy notices: tasks, agencies, targets, projects</h1><p>{counts['dim_documents']} documents · "
        f"{counts['fct_tasks']} tasks · {counts['dim_agencies']} agencies · {counts['fct_targets']} targets · "
        f"{counts['dim_projects']} projects · built {built}</p></header><nav>{nav}</nav><main>"
        + "".join(f'<section id="{k}">{v}</section>' for k, v in sections.items())
        + f"</main><script>{_SCRIPT}</script></body></html>"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB file (the snapshot) to read")
    parser.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    parser.add_argument("--sources-base", type=Path, default=None,
                        help="the catalogue's folder, for links to local sources (default: none, links as stored)")
    args = parser.parse_args(argv)
    counts = build_report(args.warehouse, args.out, args.sources_base)
    print(f"wrote {args.out} ({counts['dim_documents']} documents, {counts['fct_tasks']} tasks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
