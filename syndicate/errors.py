"""The one exception hierarchy of syndicate, and the exit statuses.

Every error carries a message (what went wrong, naming the file, key or URL)
and a hint (what to do about it). The library raises these; only the `cli` package
turns them into output and an exit status.
"""

from __future__ import annotations

import enum
import os
import stat  # (os imports it anyway)


class ExitStatus(enum.IntEnum):
    """Exit statuses are part of the command-line contract: scripts rely on them."""

    OK = 0
    #: an article is invalid, or a delivery failed
    FAILURE = 1
    #: bad usage or configuration
    USAGE = 2
    #: another run holds the lock; nothing was done (EX_TEMPFAIL)
    LOCKED = 75


class SyndicateError(Exception):
    """Base of every error syndicate raises on purpose."""

    exit_status: ExitStatus = ExitStatus.FAILURE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(SyndicateError):
    """The command was called in a way that cannot work."""

    exit_status = ExitStatus.USAGE


class ConfigError(UsageError):
    """syndicate.toml is missing, unreadable or invalid.

    `problems` lists every problem found, so that one run reports them all.
    """

    def __init__(self, message: str, hint: str = "", problems: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint)
        self.problems = problems


class LedgerError(UsageError):
    """The ledger (paths.state), or the run lock beside it, cannot be opened or used (a damaged
    file, a full disk, a lock file that is a symbolic link).

    A configuration or environment problem (exit 2), like a config that points at the wrong place.
    """

    HINT = "check paths.state in syndicate.toml and that its folder is writable"

    @classmethod
    def cannot_open(cls, state: os.PathLike[str] | str, reason: str, hint: str = HINT) -> LedgerError:
        return cls(f"{os.fspath(state)}: cannot open the ledger: {reason}", hint)


class LedgerUnavailable(LedgerError):
    """The ledger's database did not answer (down, unreachable, timed out): a failure of this run
    (exit 1, which cron reports), not a mistake in the configuration; the next run tries again."""

    exit_status = ExitStatus.FAILURE


def os_reason(error: OSError, path: os.PathLike[str] | str | None = None) -> str:
    """An OSError in words, naming the path at fault: `path` when given (the caller knows better
    than a temporary name the error carries), else the error's. A file where a folder should be is
    named as such (mkdir and open say "File exists" or "Not a directory" about the path they were given)."""
    name = error.filename if path is None else path
    if name is None:
        return error.strerror or str(error)
    shown = os.fsdecode(name)
    if isinstance(error, FileExistsError | NotADirectoryError):
        probe = shown
        while probe:
            if os.path.lexists(probe) and not os.path.isdir(probe):  # noqa: PTH112 (lock.py imports no pathlib)
                return f"{probe} is a file, not a folder"
            parent = os.path.dirname(probe)  # noqa: PTH120
            if parent == probe:
                break
            probe = parent
    return f"{error.strerror}: {shown}"


def file_kind(mode: int) -> str:
    """What a file of st_mode `mode` is, in words: "a folder", "a FIFO" ..."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISREG, "a file"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


class WriteError(UsageError):
    """A file could not be written: a file stands where its folder should be, or the folder
    may not be written. Writers that deliver turn it into a DeliveryError; for the rest it is
    the configuration's folder that is wrong (exit 2)."""


class NoArticlesError(UsageError):
    """The content folder holds no article file: a run would take every article as deleted.

    Nothing is done on such a folder (see content_folder.py): it is far more
    often an unmounted volume or a failed checkout than a site's real state.
    """


class ContentChangedError(SyndicateError):
    """An article file changed between its check and its use by the same command: what would be
    written is not what was checked."""


class SchemaError(SyndicateError):
    """A schema shipped with syndicate could not be loaded: the installation is broken."""

    exit_status = ExitStatus.USAGE


class DependencyError(SyndicateError):
    """A library syndicate uses answers otherwise than the versions it is tested with."""

    exit_status = ExitStatus.USAGE


class DeliveryError(SyndicateError):
    """A copy could not be delivered. Transient errors are retried; others fail the row."""

    def __init__(self, message: str, hint: str = "", transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message, hint)
        self.transient = transient
        self.retry_after = retry_after


class CredentialsError(DeliveryError):
    """The endpoint refused our credentials (401/403): no retry helps."""


def network_reason(error: BaseException) -> str:
    """What a failed connection comes down to ("Connection refused", "Name or service not known"),
    not the nested repr requests and urllib3 make of it."""
    import re  # (here: the no-op run imports this module and needs no regular expression)

    text = str(error)
    found = re.search(r"\[SSL: [A-Z_]+\] ([^'\"]+?)(?: \(_ssl\.c:\d+\))?['\"]", text) or re.search(
        r"\[Errno -?\d+\] ([^'\")\]]+)", text
    )
    return found.group(1).strip() if found else type(error).__name__
