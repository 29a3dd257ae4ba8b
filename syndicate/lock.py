"""One run at a time: an exclusive, non-blocking lock beside the ledger.

The lock is an flock on `<state>.lock`; the kernel releases it when the
process ends, however it ends, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from syndicate.errors import ExitStatus, SyndicateError

TYPE_CHECKING = False  # the early no-op answer (noop.py) takes the lock without importing typing or pathlib
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class LockedError(SyndicateError):
    exit_status = ExitStatus.LOCKED


@contextmanager
def run_lock(state: Path | str) -> Iterator[None]:
    path = os.fspath(state) + ".lock"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)  # noqa: PTH103, PTH120 (pathlib: see TYPE_CHECKING)
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
