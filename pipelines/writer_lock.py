"""One writer at a time, crash-safe: an ``flock`` on ``<warehouse>.lock``.

DuckDB lets one process write a file. Runs of the pipeline (``make run``, the Dagster UI, cron)
take this lock before writing. The kernel releases an flock when its holder dies, however it
dies (SIGKILL, OOM), so a crashed run never wedges the next one. While the lock is held the
file records who holds it (pid, host, what, since when) so a waiting run can say so. The wait is
bounded (``NOTICES_LOCK_TIMEOUT`` seconds) and interruptible (Ctrl-C).

The lock is re-entrant within a process: a run that holds it for its whole length runs assets
that take it again.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_TIMEOUT = 600.0


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse (another run, or a program holding the DuckDB file)."""


def lock_timeout_seconds() -> float:
    return float(os.environ.get("NOTICES_LOCK_TIMEOUT", DEFAULT_TIMEOUT))


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth), for this process
_guard = threading.Lock()


def holder(path: Path) -> str:
    """Who holds the lock, as the holder wrote it: "pid 123 on host (parse) since 12:00:01"."""
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not info:
        return "another process"
    return f"pid {info.get('pid')} on {info.get('host')} ({info.get('what')}) since {info.get('since')}"


@contextlib.contextmanager
def writer_lock(warehouse: Path, what: str = "", timeout: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block, waiting up to ``timeout`` seconds."""
    path = lock_path(warehouse)
    key = os.path.abspath(path)
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, lock_timeout_seconds() if timeout is None else timeout)
        _record(fd, what)
        with _guard:
            _held[key] = (fd, 1)
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        who = holder(path)
        if time.monotonic() >= deadline:
            raise WarehouseBusy(
                f"the warehouse is being written by {who}; waited {timeout:.0f}s for it "
                f"(NOTICES_LOCK_TIMEOUT). Let that run finish, or stop it; a run that was killed "
                f"releases the lock by itself."
            )
        if not told:
            print(f"waiting for the warehouse: it is being written by {who}", file=sys.stderr, flush=True)
            told = True
        time.sleep(0.2)


def _record(fd: int, what: str) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "what": what or " ".join(sys.argv[:2]),
        "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
