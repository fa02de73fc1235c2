"""Print a short summary of the warehouse: documents, clauses, tasks and any errors."""
from __future__ import annotations

import sys
from pathlib import Path

from pipelines import settings, warehouse


def summary(path: Path) -> str:
    with warehouse.connect(path, read_only=True) as conn:
        def count(sql: str) -> int:
            try:
                return conn.execute(sql).fetchall()[0][0]
            except Exception:  # a mart that was not built (e.g. a failed dbt run) counts as missing
                return -1

        lines = [f"warehouse: {path}"]
        for label, sql in [
            ("catalogue entries", "select count(*) from raw.catalog"),
            ("sources parsed", "select count(*) from raw.sources join raw.catalog using (source_id)"),
            ("documents", "select count(*) from marts.dim_documents"),
            ("clauses", "select count(*) from marts.fct_clauses"),
            ("tasks", "select count(*) from marts.fct_tasks"),
            ("agencies", "select count(*) from marts.dim_agencies"),
            ("projects", "select count(*) from marts.dim_projects"),
            ("targets", "select count(*) from marts.fct_targets"),
        ]:
            n = count(sql)
            lines.append(f"  {label:<18} {n if n >= 0 else 'n/a'}")
        problems = conn.execute(
            "select source_id, status, coalesce(last_fetch_error, parse_error, array_to_string(extract_errors, '; '))"
            " from marts.source_status where status <> 'ok' order by source_id"
        ).fetchall() if count("select count(*) from marts.source_status") >= 0 else []
        lines.append(f"  {'errors':<18} {len(problems)}")
        lines += [f"    {sid}: {status}: {why}" for sid, status, why in problems]
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.warehouse_path()
    print(summary(path))
