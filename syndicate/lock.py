"""One run at a time: an exclusive, non-blocking lock beside the ledger.

Every command that delivers or changes what a run reads from the ledger
(`run`, `push`, `retry`) takes it: two of them planning from the same ledger
would each send the same creates. The lock is an flock on `<state>.lock`; the
kernel releases it when the process ends, however it ends, so a killed run
never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from syndicate.errors import ExitStatus, LedgerError, SyndicateError, os_reason

TYPE_CHECKING = False  # the early no-op answer (noop.py) takes the lock without importing typing or pathlib
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class LockedError(SyndicateError):
    exit_status = ExitStatus.LOCKED


#: what to do about a held lock, for cron's run; push and retry say what suits them
RUN_HINT = "it will finish on its own; the next scheduled run carries on"


@contextmanager
def run_lock(state: Path | str, hint: str = RUN_HINT) -> Iterator[None]:
    """Hold the lock of the ledger at `state`; LockedError (exit 75) at once when another process holds it."""
    path = os.fspath(state) + ".lock"
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)  # noqa: PTH103, PTH120 (pathlib: see TYPE_CHECKING)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:  # the ledger beside it could not be opened either: say so as the ledger does
        raise LedgerError.cannot_open(state, os_reason(e)) from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise LockedError(
                f"another syndicate run or push holds the lock {path} (pid {holder}); nothing done", hint
            ) from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
