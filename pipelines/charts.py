"""A picture of the targets: each metric's target years on one timeline, per issuing notice.

    python -m pipelines.charts --warehouse warehouse/notices.duckdb --out warehouse/targets.png

reads ``marts.fct_target_series`` (read-only) and draws one row per metric: a marker at each
target year a notice set (◆ quantitative, with its value; ● milestone, with its step; a bar for a
plan period), coloured by notice, with a faint line from the notice's date to the year it aims
at. When one metric is set by several notices, a line joins them in the order they were issued,
so a moved target shows. Chinese labels need a CJK font (``fc-list :lang=zh``); without one the
chart uses the English labels and metric ids, so nothing renders as empty boxes.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

SERIES_QUERY = """
select metric_id, metric_zh, metric_en, kind, target_year, target_year_end, is_approximate, value, value_high,
       unit, comparator, step, document_id, doc_number, document_date, series_seq
from marts.fct_target_series
order by metric_id, series_seq
"""
_LABEL_CHARS = 44


def find_cjk_font() -> str | None:
    """Path of an installed font that covers Chinese, or None (asks fontconfig, then matplotlib)."""
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            path = line.split(":")[0].strip()
            if path and Path(path).exists():
                return path
    for f in font_manager.fontManager.ttflist:
        if any(k in f.name for k in ("CJK", "Han Sans", "Han Serif", "WenQuanYi", "SimHei", "SimSun", "Droid Sans Fallback", "AR PL")):
            return f.fname
    return None


def _has_cjk(s: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" for ch in s)


def _metric_label(row: Mapping, cjk: bool) -> str:
    en = row.get("metric_en")
    zh = row.get("metric_zh") or ""
    if cjk and zh:
        label = zh if len(zh) <= _LABEL_CHARS // 2 else zh[: _LABEL_CHARS // 2 - 1] + "…"
        return f"{label} · {en}" if en and len(en) <= _LABEL_CHARS else label
    if en:
        return en if len(en) <= _LABEL_CHARS else en[: _LABEL_CHARS - 1] + "…"
    if row.get("kind") == "plan_period":
        end = f"–{row['target_year_end']}" if row.get("target_year_end") else ""
        return f"plan {row['target_year']}{end} ({row['metric_id'].removeprefix('plan_')})"
    return row["metric_id"]


def _document_label(row: Mapping, cjk: bool) -> str:
    when = row["document_date"].isoformat() if row.get("document_date") else "undated"
    number = row.get("doc_number")
    if number and (cjk or not _has_cjk(number)):
        return f"{number} ({when})"
    return f"notice {row['document_id'][:8]} ({when})"


def _value_label(row: Mapping) -> str:
    value = row.get("value")
    if value is None or row.get("kind") != "quantitative":
        return f"step {row['step']}" if row.get("step") else ""
    num = f"{value:g}" + (f"–{row['value_high']:g}" if row.get("value_high") is not None else "")
    comparator = row.get("comparator") or ""
    unit = row.get("unit") or ""
    if comparator in ("=", "between"):
        comparator = ""
    return f"{comparator}{num}{unit}"


def _year_fraction(d: date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 366


def timeline_figure(rows: Iterable[Mapping], cjk_font: str | None = None, title: str | None = None) -> Figure:
    """The timeline for rows of ``marts.fct_target_series`` (dicts with its columns).

    Pure: builds and returns a Figure; nothing is read or written. ``cjk_font`` is a font file
    that covers Chinese; without it only ASCII/English labels are drawn.
    """
    rows = [dict(r) for r in rows if r.get("target_year") is not None]
    cjk = cjk_font is not None
    prop = font_manager.FontProperties(fname=cjk_font) if cjk_font else None

    # One row per metric, top to bottom: targets and milestones by the earliest year aimed at
    # (a notice's items together, staged goals in order), then plan periods.
    metrics: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: (r["kind"] == "plan_period", r["target_year"], r["document_date"] or date.max,
                                         r["document_id"], r.get("step") or 0, r["metric_id"])):
        metrics.setdefault(r["metric_id"], []).append(r)
    documents = sorted({r["document_id"] for r in rows}, key=lambda d: min(
        (r["document_date"] or date.max, d) for r in rows if r["document_id"] == d))
    palette = plt.get_cmap("tab10")
    color = {d: palette(i % 10) for i, d in enumerate(documents)}

    height = max(2.5, 0.45 * len(metrics) + 1.6)
    fig, ax = plt.subplots(figsize=(12, height), dpi=120)
    if not rows:
        ax.text(0.5, 0.5, "No dated targets in marts.fct_target_series", ha="center", va="center")
        ax.set_axis_off()
        return fig

    for y, (metric_id, points) in enumerate(reversed(list(metrics.items()))):
        points = sorted(points, key=lambda r: (r["document_date"] or date.max, r["document_id"]))
        for r in points:
            c = color[r["document_id"]]
            start = r["target_year"]
            if r["kind"] == "plan_period" and r.get("target_year_end"):
                ax.plot([start, r["target_year_end"] + 1], [y, y], color=c, linewidth=6, alpha=0.55,
                        solid_capstyle="butt")
            else:
                marker = "D" if r["kind"] == "quantitative" else "o"
                face = "white" if r.get("is_approximate") else c
                ax.plot([start], [y], marker=marker, markersize=8, markerfacecolor=face, markeredgecolor=c,
                        markeredgewidth=1.6, linestyle="none")
                label = _value_label(r)
                if label and (cjk or not _has_cjk(label)):
                    ax.annotate(("~" if r.get("is_approximate") else "") + label, (start, y), xytext=(7, 5),
                                textcoords="offset points", fontsize=8, color=c, fontproperties=prop)
            if r.get("document_date"):  # from the day the notice was issued to the year it aims at
                ax.plot([_year_fraction(r["document_date"]), start], [y, y], color=c, alpha=0.25, linewidth=1)
                ax.plot([_year_fraction(r["document_date"])], [y], marker="|", color=c, markersize=10, alpha=0.6)
        if len(points) > 1:  # how the target moved from notice to notice
            ax.plot([p["target_year"] for p in points], [y] * len(points), color="0.4", linestyle=":", linewidth=1)

    labels = [_metric_label(points[0], cjk) for points in reversed(list(metrics.values()))]
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontproperties=prop, fontsize=9)
    years = [r["target_year"] for r in rows] + [r["target_year_end"] + 1 for r in rows if r.get("target_year_end")]
    years += [r["document_date"].year for r in rows if r.get("document_date")]
    ax.set_xlim(min(years) - 1, max(years) + 2)
    ax.set_ylim(-0.8, len(labels) - 0.2)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(axis="x", color="0.9")
    ax.set_xlabel("target year  (| issued   ◆ quantitative   ● milestone   ○ approximate   ▬ plan period)")
    handles = [plt.Line2D([], [], color=color[d], marker="s", linestyle="none",
                          label=_document_label(next(r for r in rows if r["document_id"] == d), cjk))
               for d in documents]
    ax.legend(handles=handles, title="issued by", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title_fontsize=8, prop=prop if cjk else None, frameon=False)
    ax.set_title(title or "Targets and milestones by year, per notice", fontsize=11, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def draw_timeline(rows: Iterable[Mapping], out: Path, cjk_font: str | None = None) -> Path:
    """Draw ``timeline_figure(rows)`` to a PNG file and return its path."""
    fig = timeline_figure(rows, cjk_font)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)
    return out


def read_series(warehouse: Path) -> list[dict]:
    """Rows of marts.fct_target_series, reading the warehouse read-only."""
    from pipelines.warehouse import connect

    with connect(warehouse, read_only=True) as conn:
        cursor = conn.execute(SERIES_QUERY)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the target timeline from marts.fct_target_series.")
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB file (opened read-only)")
    parser.add_argument("--out", type=Path, default=Path("targets.png"), help="PNG file to write")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        print(f"no warehouse at {args.warehouse}: run `make run` first", file=sys.stderr)
        return 2
    try:
        rows = read_series(args.warehouse)
    except Exception as exc:  # a missing mart, a busy file: say what, not a traceback
        print(f"cannot read marts.fct_target_series from {args.warehouse}: {exc}", file=sys.stderr)
        return 1
    font = find_cjk_font()
    out = draw_timeline(rows, args.out, font)
    note = "" if font else " (no CJK font found: English labels and metric ids)"
    print(f"wrote {out}: {len(rows)} targets of {len({r['metric_id'] for r in rows})} metrics{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
