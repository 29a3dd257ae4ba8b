"""The ledger in PostgreSQL ([ledger] url): the same tables, migrations and statements as on SQLite.

A PostgresLedger is a Ledger whose connection is psycopg's, behind PgConnection,
which takes the ledger's statements as sqlite3 does (`?` marks, rows read by
index or by name): every method of the ledger, and audit_store's, runs
unchanged. Each site has a schema of its own ("syndicate:<site>", on the
search_path), so one database serves a network of sites, each with the same
tables as a SQLite ledger. Migrations run under a transaction-level advisory
lock: runners that start together migrate one after the other.

What SQLite's file lock did (one run at a time) is, here, a session advisory
lock per site (`site_lock`): the runner that holds it does the site-wide work
(feeds, hub pings, the status page), the others their share of deliveries,
claimed row by row (ledger_claims.py). PostgreSQL releases it when the
runner's connection ends, however the runner ends.

There is no receipt file (ledger_receipt.py): a database is not emptied by
replacing a file; its backups are PostgreSQL's (pg_dump -n '"syndicate:<site>"').
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from syndicate.delivery.ledger import Ledger, utc_now
from syndicate.delivery.ledger_receipt import LEDGER_ID, new_ledger_id
from syndicate.errors import DependencyError, LedgerError, LedgerUnavailable
from syndicate.ledger_settings import LOCK_CLASS, LedgerSettings

#: what to do when the database cannot be reached or used
HINT = (
    "check [ledger] url in syndicate.toml, that the server is up and takes connections from here, "
    "and the password (PGPASSWORD, or the variable [ledger] password_env names)"
)


class PgConnection:
    """psycopg's connection as the ledger's statements use sqlite3's: `?` marks, cursors that iterate."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cursor = self._connection.cursor()
        cursor.execute(_marks(sql), tuple(params)) if params else cursor.execute(sql)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        cursor = self._connection.cursor()
        cursor.executemany(_marks(sql), [tuple(row) for row in rows])
        return cursor


def _marks(sql: str) -> str:
    """sqlite3's `?` marks as psycopg's `%s` (the ledger's statements hold no `?` or `%` of their own)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _rows(cursor: Any) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Rows as sqlite3.Row: a tuple, read by index or by column name, that dict() takes."""
    names = tuple(column.name for column in cursor.description or ())
    index = {name: i for i, name in enumerate(names)}

    class Row(tuple[Any, ...]):
        def keys(self) -> tuple[str, ...]:
            return names

        def __getitem__(self, key: Any) -> Any:
            return super().__getitem__(index[key] if isinstance(key, str) else key)

    return Row


class PostgresLedger(Ledger):
    """The ledger of one site in the database `settings.url` names."""

    def __init__(
        self, settings: LedgerSettings, environ: Mapping[str, str] = os.environ, clock: Callable[[], str] = utc_now
    ) -> None:
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover (a dependency: installed with syndicate)
            raise DependencyError("psycopg is not installed", "pip install 'psycopg[binary]'") from e
        self.settings = settings
        self.path = Path(settings.display)  # what messages name (no file is behind it)
        self.clock = clock
        self._lock = threading.Lock()
        self._giving = threading.Lock()
        self._ledger_id = None
        self._opening = True
        self._psycopg = psycopg
        options: dict[str, Any] = {"autocommit": True, "connect_timeout": 10, "application_name": "syndicate"}
        if settings.password_env:
            password = environ.get(settings.password_env)
            if not password:
                raise LedgerError.cannot_open(
                    settings.display,
                    f"the environment variable {settings.password_env} ([ledger] password_env) is not set",
                    f"export {settings.password_env}=<the database password>",
                )
            options["password"] = password
        try:
            self._connection = psycopg.connect(settings.url, row_factory=_rows, **options)
        except psycopg.OperationalError as e:
            if _unanswered(e):
                raise LedgerUnavailable(
                    f"{settings.display}: cannot open the ledger: the database did not answer: {_reason(e)}",
                    "check that PostgreSQL is running and reachable from this machine; the next run tries again",
                ) from e
            raise LedgerError.cannot_open(settings.display, _reason(e), HINT) from e
        except psycopg.Error as e:
            raise LedgerError.cannot_open(settings.display, _reason(e), HINT) from e
        self._pg = PgConnection(self._connection)
        try:
            with self._locked() as db:
                db.execute("SET search_path TO " + settings.quoted_schema)
            self._migrate()
        except LedgerError:
            self._connection.close()
            raise
        self._opening = False
        self._ledger_id = self.get_state(LEDGER_ID)

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except self._psycopg.Error as e:
            if self._opening:
                raise LedgerError.cannot_open(self.settings.display, _reason(e), HINT) from e
            raise LedgerError(f"{self.settings.display}: cannot use the ledger: {_reason(e)}", HINT) from e

    @contextmanager
    def _locked(self) -> Iterator[Any]:
        with self._lock, self._errors():
            yield self._pg

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._lock, self._errors(), self._connection.transaction():
            yield self._pg

    def _migrating(self, db: Any) -> None:
        db.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (LOCK_CLASS, "migrate"))
        db.execute("CREATE SCHEMA IF NOT EXISTS " + self.settings.quoted_schema)

    # -- no receipt file: the id lives in the database only

    def _give_id(self, ledger_id: str | None = None, since: str | None = None) -> str:
        ledger_id = ledger_id or new_ledger_id()
        self.set_state({LEDGER_ID: ledger_id})
        self._ledger_id = ledger_id
        return ledger_id

    def adopt_receipt(self) -> None:
        if self._ledger_id is None:
            self._give_id()

    # -- one runner does the site-wide work

    def try_site_lock(self) -> bool:
        """Take this site's advisory lock, for as long as this connection lasts; False when another holds it."""
        with self._locked() as db:
            row = db.execute("SELECT pg_try_advisory_lock(?, hashtext(?))", self.settings.lock_key)
            return bool(row.fetchone()[0])

    #: claims take no row another runner is claiming at the same moment
    skip_locked = " FOR UPDATE SKIP LOCKED"


def _reason(error: Exception) -> str:
    """What the server or libpq said, on one line."""
    return " ".join(str(error).split()) or type(error).__name__


#: what libpq says when no server answered (down, unreachable, starting or stopping), as against a
#: server that refused (a password, a database or role that does not exist, pg_hba.conf): connection
#: errors carry no SQLSTATE, so their words tell
_NO_ANSWER = (
    "connection refused",
    "timeout expired",
    "could not translate host name",
    "no route to host",
    "network is unreachable",
    "server closed the connection unexpectedly",
    "the database system is starting up",
    "the database system is shutting down",
)


def _unanswered(error: Exception) -> bool:
    """Whether a connection failed for want of an answer (exit 1: try again) rather than a refusal (exit 2)."""
    words = str(error).lower()
    return any(phrase in words for phrase in _NO_ANSWER)
