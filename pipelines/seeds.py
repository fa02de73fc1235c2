"""Read dbt seed CSVs from Python: reference data lives once, in dbt_project/seeds/."""
from __future__ import annotations

import csv
import functools
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


@functools.lru_cache(maxsize=None)
def load_seed(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``dbt_project/seeds/<name>.csv`` as dicts (cached; seeds change only with the code)."""
    with (SEEDS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))
