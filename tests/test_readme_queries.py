"""Every SQL example in the README runs on the bundled warehouse and returns rows."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, flags=re.S)


def test_readme_has_examples():
    assert len(QUERIES) >= 3


@pytest.mark.parametrize("sql", QUERIES, ids=[f"q{i}" for i in range(len(QUERIES))])
def test_readme_query_returns_rows(bundled_warehouse: Path, sql: str):
    with duckdb.connect(str(bundled_warehouse), read_only=True) as conn:
        result = conn.execute(sql).fetchall()
    if "status <> 'ok'" in sql:
        assert result == []  # the bundled corpus has no failures
    else:
        assert result, f"no rows for:\n{sql}"
    if "as matches" in sql:
        assert all(row[0] is True for row in result)


def test_drc_query_lists_co_agencies(bundled_warehouse: Path):
    (sql,) = [q for q in QUERIES if "广东省发展和改革委员会" in q]
    with duckdb.connect(str(bundled_warehouse), read_only=True) as conn:
        rows = conn.execute(sql).fetchall()
    assert len(rows) >= 10
    assert any("广东省交通运输厅" in co for *_, co in rows)
