"""dagster-dbt's per-run artifact folders do not pile up."""
from __future__ import annotations


def test_old_dbt_run_folders_are_pruned(tmp_path):
    import os
    import time

    from pipelines.defs.dbt import prune_run_folders

    now = time.time()
    for i in range(8):
        d = tmp_path / f"dbt_warehouse-{i}"
        d.mkdir()
        age = 7200 if i < 6 else 60  # six old folders, two from the last minutes
        os.utime(d, (now - age - i, now - age - i))
    (tmp_path / "manifest.json").write_text("{}")
    prune_run_folders(tmp_path, keep=3)
    left = sorted(p.name for p in tmp_path.glob("dbt_warehouse-*"))
    # The 3 newest stay (two recent + the youngest old one); older ones go, other files stay.
    assert left == ["dbt_warehouse-0", "dbt_warehouse-6", "dbt_warehouse-7"]
    assert (tmp_path / "manifest.json").exists()
