"""The target timeline picture, drawn from a real warehouse."""
from __future__ import annotations

from pathlib import Path

from pipelines.charts import main, read_series


def test_chart_is_drawn_from_the_target_series(bundled_warehouse: Path, tmp_path, capsys):
    rows = read_series(bundled_warehouse)
    assert {r["target_year"] for r in rows} >= {2020, 2022, 2035}
    out = tmp_path / "targets.png"
    assert main(["--warehouse", str(bundled_warehouse), "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert f"{len(rows)} targets" in capsys.readouterr().out


def test_chart_without_a_warehouse_says_so(tmp_path, capsys):
    assert main(["--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.png")]) == 2
    assert "run `make run` first" in capsys.readouterr().err
