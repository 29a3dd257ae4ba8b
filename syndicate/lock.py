"""One run at a time: an exclusive, non-blocking lock beside the ledger.

The lock is an flock on `<state>.lock`; the kernel releases it when the
process ends, however it ends, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from syndicate.errors import ExitStatus, SyndicateError


class LockedError(SyndicateError):
    exit_status = ExitStatus.LOCKED


@contextmanager
def run_lock(state: Path) -> Iterator[None]:
    path = state.with_name(state.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise LockedError(
                f"another syndicate run holds the lock {path} (pid {holder}); nothing done",
                "it will finish on its own; the next scheduled run carries on",
            ) from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
