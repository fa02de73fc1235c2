"""Asset checks on the Python stages (dbt's own tests are checks on the dbt assets)."""

import dagster as dg

from pipelines.defs.ingest import fetched_notices, parsed_notices
from pipelines.defs.resources import NoticesConfig


@dg.asset_check(asset=fetched_notices, description="Every catalogue entry has bytes (now or from an earlier fetch).")
def every_entry_fetched(notices: NoticesConfig) -> dg.AssetCheckResult:
    with notices.connect(read_only=True) as conn:
        missing = conn.execute(
            """select c.source_id, (select f.error from raw.fetches f where f.source_id = c.source_id
                                    order by f.fetched_at desc limit 1)
               from raw.catalog c
               where not exists (select 1 from raw.fetches f where f.source_id = c.source_id and f.ok)"""
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"missing": len(missing), "errors": dg.MetadataValue.json(dict(missing))},
    )


@dg.asset_check(asset=parsed_notices, description="No fetched source failed to parse.")
def no_parse_failures(notices: NoticesConfig) -> dg.AssetCheckResult:
    with notices.connect(read_only=True) as conn:
        failed = conn.execute(
            """select s.source_id, s.error from raw.stage_state s join raw.catalog c using (source_id)
               where s.stage = 'parse' and s.status = 'error'"""
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed": len(failed), "errors": dg.MetadataValue.json(dict(failed))},
    )


@dg.asset_check(asset=parsed_notices, description="Every parsed source has clauses, and offsets point at their text.")
def clauses_match_offsets(notices: NoticesConfig) -> dg.AssetCheckResult:
    with notices.connect(read_only=True) as conn:
        empty = conn.execute("select count(*) from raw.sources where clause_count = 0").fetchall()[0][0]
        # DuckDB's substring is 1-based and counts characters, as Python's offsets do.
        bad = conn.execute(
            """select count(*) from raw.clauses c join raw.sources s using (source_id)
               where substring(s.full_text, c.char_start + 1, c.char_end - c.char_start) <> c.text"""
        ).fetchall()[0][0]
    return dg.AssetCheckResult(
        passed=empty == 0 and bad == 0,
        metadata={"sources_without_clauses": empty, "clauses_with_wrong_offsets": bad},
    )


parse_checks = [every_entry_fetched, no_parse_failures, clauses_match_offsets]
