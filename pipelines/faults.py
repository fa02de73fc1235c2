"""A hook for fault tests: pause the process at a named point so a test can kill it there.

``checkpoint("parse")`` does nothing unless ``NOTICES_PAUSE_AT`` names that point; then it
writes the process id to ``NOTICES_PAUSE_FILE`` and waits, so that a test can SIGKILL the run
at a known moment (mid-transaction, mid-copy) and check that the next run repairs everything.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


def checkpoint(point: str) -> None:
    if os.environ.get("NOTICES_PAUSE_AT") != point:
        return
    marker = os.environ.get("NOTICES_PAUSE_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(600)  # the test kills the process long before this ends
