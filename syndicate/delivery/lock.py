"""One run at a time: an exclusive, non-blocking lock beside the ledger.

Every command that delivers or changes what a run reads from the ledger
(`run`, `push`, `retry`) takes it: two of them planning from the same ledger
would each send the same creates; `audit` too, as a run may audit (two
audits at once would each draft the same notice). The lock is an flock on `<state>.lock`; the
kernel releases it when the process ends, however it ends, so a killed run
never leaves a stale lock. The lock file is only ever a plain file syndicate
made: a symbolic link, a hard link (a file with another name elsewhere) or a
FIFO in its place is refused, never followed, written or waited on.
"""

from __future__ import annotations

import fcntl
import os
import stat
from contextlib import contextmanager

from syndicate.errors import ExitStatus, LedgerError, SyndicateError, file_kind, os_reason

TYPE_CHECKING = False  # the early no-op answer (noop.py) takes the lock without importing typing or pathlib
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class LockedError(SyndicateError):
    exit_status = ExitStatus.LOCKED


#: what to do about a held lock, for cron's run; push and retry say what suits them
RUN_HINT = "it will finish on its own; the next scheduled run carries on"


#: what to do about a lock file syndicate did not make
NOT_OURS_HINT = "remove it: syndicate makes the lock file itself, and writes its pid in it"


def _open_lock(state: Path | str, path: str) -> int:
    """The lock file at `path`, opened (made if missing) only if it is a plain file.

    Never through a symbolic link: writing the pid would replace the content of
    whatever file it points to. O_NONBLOCK: opening a FIFO there must not wait.
    """
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)  # noqa: PTH103, PTH120 (pathlib: see TYPE_CHECKING)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as e:
        if os.path.islink(path):  # (ELOOP on Linux, EMLINK on some BSDs)  # noqa: PTH114
            message = f"{path}: the run lock is a symbolic link; syndicate does not follow it"
            raise LedgerError(message, NOT_OURS_HINT) from e
        # the ledger beside it could not be opened either: say so as the ledger does
        raise LedgerError.cannot_open(state, os_reason(e)) from e
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise LedgerError(f"{path}: the run lock is {file_kind(info.st_mode)}, not a file", NOT_OURS_HINT)
    if info.st_nlink > 1:  # a hard link to another file: writing the pid would replace that file's content
        os.close(fd)
        message = (
            f"{path}: the run lock is a hard link ({info.st_nlink} names for one file); syndicate does not write it"
        )
        raise LedgerError(message, NOT_OURS_HINT)
    return fd


@contextmanager
def run_lock(state: Path | str, hint: str = RUN_HINT) -> Iterator[None]:
    """Hold the lock of the ledger at `state`; LockedError (exit 75) at once when another process holds it."""
    path = os.fspath(state) + ".lock"
    fd = _open_lock(state, path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise LockedError(
                f"another syndicate process (a run, push or audit) holds the lock {path} (pid {holder}); nothing done",
                hint,
            ) from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
