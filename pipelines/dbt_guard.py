#!/usr/bin/env python3
"""Run dbt as a child that dies with its parent.

dagster-dbt starts ``dbt`` with a plain ``Popen``: if the Dagster run is killed (SIGKILL, OOM),
dbt would go on writing the warehouse for half a minute with nobody waiting for it, holding the
DuckDB file against the next run. This wrapper, given to dagster-dbt as its ``dbt`` executable,
starts the real dbt (``NOTICES_DBT_EXECUTABLE``) in its own process group, passes on SIGINT and
SIGTERM, and kills the group as soon as its own parent is gone. Standard library only: it runs
under whatever ``python3`` is first on PATH.
"""
import os
import shutil
import signal
import subprocess
import sys
import time


def main() -> int:
    real = os.environ.get("NOTICES_DBT_EXECUTABLE") or shutil.which("dbt")
    if not real:
        print("dbt_guard: no dbt executable (set NOTICES_DBT_EXECUTABLE)", file=sys.stderr)
        return 127
    parent = os.getppid()
    child = subprocess.Popen([real, *sys.argv[1:]], start_new_session=True)

    def forward(signum, _frame):
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            return child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
        if os.getppid() != parent:  # orphaned: whoever started us is dead
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()
            return 137
        time.sleep(0)


if __name__ == "__main__":
    sys.exit(main())
