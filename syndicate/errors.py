"""The one exception hierarchy of syndicate, and the exit statuses.

Every error carries a message (what went wrong, naming the file, key or URL)
and a hint (what to do about it). The library raises these; only `cli.py`
turns them into output and an exit status.
"""

from __future__ import annotations

import enum


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


class NoArticlesError(UsageError):
    """The content folder holds no article file: a run would take every article as deleted.

    Nothing is done on such a folder (see content_folder.py): it is far more
    often an unmounted volume or a failed checkout than a site's real state.
    """


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
