"""Run per-source compute in worker processes, each source under a time and a memory limit.

A stage's compute (bytes → frames, or clauses → tasks) is pure and runs here, in a pool of
worker processes on every core; only the main process writes the warehouse. A source whose
compute takes longer than ``seconds`` has its worker killed (and replaced); one that needs more
than ``memory_mb`` gets a MemoryError in its worker; one whose worker dies (a segfault in a
native library, the kernel's OOM killer) is reported. Each of those is an error of that source
only, with a readable message: the other sources go on.

Workers are started by a fork server (not by forking the main process, which runs threads
that a fork would leave in an undefined state).
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

K = TypeVar("K")


@dataclass(frozen=True)
class Limits:
    """Bounds of one source's compute. From NOTICES_SOURCE_TIMEOUT (seconds, default 300),
    NOTICES_SOURCE_MEMORY_MB (default 3072) and NOTICES_WORKERS (default: the cores)."""

    seconds: float = 300.0
    memory_mb: int = 3072
    workers: int = 0  # 0: one per core

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            seconds=float(os.environ.get("NOTICES_SOURCE_TIMEOUT", d.seconds)),
            memory_mb=int(os.environ.get("NOTICES_SOURCE_MEMORY_MB", d.memory_mb)),
            workers=int(os.environ.get("NOTICES_WORKERS", d.workers)),
        )

    def worker_count(self, tasks: int) -> int:
        n = self.workers or os.cpu_count() or 1
        return max(1, min(n, tasks))


@dataclass(frozen=True)
class WorkError:
    """Why a source's compute gave no result. ``kind``: error | timeout | memory | crash, or
    the kind the compute reported (e.g. unreadable)."""

    kind: str
    message: str


def _init_worker(memory_mb: int, main_pid: int) -> None:
    # One thread per worker for Polars: the pool already uses every core.
    os.environ["POLARS_MAX_THREADS"] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if memory_mb > 0:
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_exit_with, args=(main_pid,), daemon=True, name="exit-with-main").start()


def _exit_with(main_pid: int) -> None:
    """End this worker when the main process is gone (killed, OOM): a worker's parent is the fork
    server, which itself waits for its workers, so nothing else would stop a worker mid-task."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(main_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive, another user's: cannot happen for our own parent, keep going
            pass


def _guarded(fn: Callable[[Any], Any], payload: Any) -> Any:
    """Run ``fn`` in the worker; turn any exception into a WorkError with a readable message
    (the traceback does not survive the trip back to the main process)."""
    from pipelines.stages import describe_error, error_kind

    if isinstance(payload, WorkError):  # the main process could not prepare this source's input
        return payload
    try:
        return fn(payload)
    except MemoryError:
        return WorkError("memory", "")
    except Exception as exc:  # a bad document must not stop the others
        return WorkError(error_kind(exc), describe_error(exc))


def run_bounded(
    fn: Callable[[Any], Any],
    tasks: Iterable[tuple[K, Callable[[], Any]]],
    limits: Limits | None = None,
    total: int | None = None,
) -> Iterator[tuple[K, Any]]:
    """Yield ``(key, fn(payload()))`` or ``(key, WorkError)`` for every task, in task order
    (up to ``2 × workers`` tasks run ahead of the one being yielded).

    ``payload`` is called in the main process just before its task is handed to a worker, so
    only a few payloads are in memory at once. ``fn`` must be a module-level function.
    """
    limits = limits or Limits.from_env()
    workers = limits.worker_count(total or limits.workers or os.cpu_count() or 1)
    context = multiprocessing.get_context("forkserver")
    window = 2 * workers
    pending: deque[tuple[K, Any]] = deque()
    it = iter(tasks)
    with ProcessPool(
        max_workers=workers, initializer=_init_worker, initargs=(limits.memory_mb, os.getpid()), context=context
    ) as pool:
        try:
            exhausted = False
            while True:
                while not exhausted and len(pending) < window:
                    try:
                        key, payload = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                    pending.append((key, pool.schedule(_guarded, args=(fn, payload()), timeout=limits.seconds)))
                if not pending:
                    return
                key, future = pending.popleft()
                yield key, _outcome(future, limits)
        finally:
            pool.stop()
            pool.join()


def _outcome(future: Any, limits: Limits) -> Any:
    try:
        result = future.result()
    except FutureTimeout:
        return WorkError("timeout", f"stopped after {limits.seconds:.0f}s (the limit per source, NOTICES_SOURCE_TIMEOUT)")
    except ProcessExpired as e:
        code = e.exitcode
        how = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
        if code == -signal.SIGKILL:
            how += ", likely out of memory"
        return WorkError("crash", f"the worker process died ({how})")
    except Exception as exc:  # pickling failures and the like
        return WorkError("error", f"{type(exc).__name__}: {exc}")
    if isinstance(result, WorkError) and result.kind == "memory":
        return WorkError("memory", f"needed more than {limits.memory_mb} MB of memory (the limit per source, NOTICES_SOURCE_MEMORY_MB)")
    return result
