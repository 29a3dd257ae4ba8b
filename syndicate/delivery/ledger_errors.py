"""What SQLite's errors about the ledger mean, in words: one line naming the file, and what to do.

A damaged ledger is never to be replaced by an empty one: it is the record of
every copy delivered, and a run from an empty ledger would send each again.
"""

from __future__ import annotations

import shlex
import sqlite3
import stat
from pathlib import Path

from syndicate.errors import LedgerError, file_kind

#: why a damaged ledger is recovered, not replaced
RECORD = "the record of every copy delivered (a new, empty one would send them all again)"


def recover_steps(path: Path) -> str:
    """How to recover what SQLite can still read of the ledger at `path`."""
    state = shlex.quote(str(path))
    recovered = shlex.quote(f"{path}.recovered")
    return (
        f"recover it, with no run going: `sqlite3 {state} .recover | sqlite3 {recovered}`, then move {state} "
        f"(and any -wal and -shm beside it) aside and {recovered} in its place; README: A damaged ledger"
    )


#: SQLite's primary result codes (the low byte of an extended one) and what to do about each
_HINTS = {
    sqlite3.SQLITE_FULL: "free space on the disk that holds it, then run again: what could not be recorded "
    "is done again, and no copy twice",
    sqlite3.SQLITE_IOERR: "check the disk that holds it (the system log says more), then run again",
    sqlite3.SQLITE_BUSY: "another program has it open (a sqlite3 shell, a backup?): close it, then run again",
    sqlite3.SQLITE_LOCKED: "another program has it open (a sqlite3 shell, a backup?): close it, then run again",
}


def ledger_error(path: Path, error: sqlite3.Error, opening: bool = False) -> LedgerError:
    """A LedgerError (exit 2) for what SQLite said about the ledger at `path`: one line naming the
    file, and a hint that fits (a damaged file is recovered, never started afresh)."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    reason = str(error)
    if code == sqlite3.SQLITE_NOTADB:  # a damaged ledger, or paths.state naming some other file
        hint = f"if paths.state names another file, correct it; if it names the ledger, that is {RECORD}: "
        hint += recover_steps(path)
    elif code == sqlite3.SQLITE_CORRUPT:
        hint = f"the ledger is {RECORD}: {recover_steps(path)}"
    else:
        hint = _HINTS.get(code, LedgerError.HINT)
    if opening:
        return LedgerError.cannot_open(path, reason, hint)
    return LedgerError(f"{path}: cannot use the ledger: {reason}", hint)


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot hold a ledger (a folder, a FIFO: SQLite would say only "disk I/O error"); None
    when it is a file or nothing yet."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing (the ledger makes it), or unreachable: opening it names the problem
    return None if stat.S_ISREG(mode) else f"it is {file_kind(mode)}, not a file"
