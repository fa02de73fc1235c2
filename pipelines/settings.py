"""Where things live. Every path can be overridden by an environment variable."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def catalog_path() -> Path:
    """The notice catalogue: ``NOTICES_CATALOG`` or the bundled ``catalog.yaml``."""
    return Path(os.environ.get("NOTICES_CATALOG") or REPO_ROOT / "catalog.yaml").resolve()


def warehouse_path() -> Path:
    """The DuckDB file: ``NOTICES_WAREHOUSE`` or ``warehouse/notices.duckdb``."""
    return Path(os.environ.get("NOTICES_WAREHOUSE") or REPO_ROOT / "warehouse" / "notices.duckdb").resolve()


def raw_dir() -> Path:
    """Content-addressed store of fetched bytes: ``NOTICES_RAW_DIR`` or ``raw/``."""
    return Path(os.environ.get("NOTICES_RAW_DIR") or REPO_ROOT / "raw").resolve()
