"""What went wrong in the last dbt invocation, one line per failed node, from dbt's run_results.json.

dagster-dbt reports a failed build as "The dbt CLI process with command … failed"; the node and
dbt's own message (a SQL syntax error, a failing test with its row count) are in run_results.json
of the invocation's target folder.
"""
from __future__ import annotations

import json
from pathlib import Path

_FAILED = {"error", "fail", "runtime error"}


def dbt_failures(target_dir: Path, since: float = 0.0, limit: int = 10) -> list[str]:
    """``"<resource> <name>: <first line of dbt's message>"`` for each node that errored or failed
    in the newest run_results.json under ``target_dir`` written after ``since`` (a Unix time)."""
    candidates = [p for p in target_dir.glob("**/run_results.json") if p.stat().st_mtime >= since]
    if not candidates:
        return []
    newest = max(candidates, key=lambda p: p.stat().st_mtime)
    try:
        results = json.loads(newest.read_text(encoding="utf-8")).get("results", [])
    except (OSError, ValueError):
        return []
    lines = []
    for r in results:
        if str(r.get("status")) not in _FAILED:
            continue
        kind, _, name = str(r.get("unique_id", "")).partition(".")
        name = name.split(".", 1)[-1]
        message = [m.strip() for m in str(r.get("message") or "").splitlines() if m.strip()]
        # dbt's first line repeats the node ("Runtime Error in model x (path)"); the cause follows.
        detail = message[1] if len(message) > 1 and message[0].startswith(("Runtime Error", "Compilation Error", "Database Error")) else (message[0] if message else r.get("status"))
        if r.get("failures"):
            detail = f"{detail} ({r['failures']} rows)"
        lines.append(f"dbt {kind} {name}: {detail}")
    if len(lines) > limit:
        lines = lines[:limit] + [f"… and {len(lines) - limit} more (see dbt's log)"]
    return lines
