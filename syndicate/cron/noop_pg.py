"""The early no-op answer (noop.answer_noop) on a PostgreSQL ledger ([ledger] url): one connection, one query.

On SQLite the early answer takes the lock file and reads run_state. Here it
must not take the site's advisory lock, even for a moment: a runner starting
then would find it held, take itself for a helper and leave the site-wide work
(feeds, hub pings, what the next run compares) undone. So one query reads the
site's run_state and, in the same statement, whether any session holds (or
waits for) the site's lock (pg_locks). Held: a runner is at work, and what it
does is not yet in run_state; the answer is None, and the command line decides
as it always did. Not held: no run was under way when the statement ran, and
run_state is what the last run left. A runner that takes the lock just after
is a run that began after this one ended.

Only psycopg is imported, with the two modules that read the [ledger] table as
config.py does (tomllib and ledger_settings), not the config schema or the
ledger classes. The answer is trusted only as far as the SQLite one is: the
run_state read must say that the last run validated these very config bytes
(noop._known_site), so a misread table can only send the command line the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syndicate.ledger_settings import LedgerSettings, ledger_settings

#: The site's run_state and whether its advisory lock (LedgerSettings.lock_key) is held or awaited
#: by any session: pg_locks shows a lock of two int4 keys as classid, objid (as oids) and objsubid 2.
STATE_AND_LOCK = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND classid = %s::oid AND objid = hashtext(%s)::oid), "
    "(SELECT json_object_agg(key, value) FROM {schema}.run_state)"
)


def ledger_in(text: str) -> LedgerSettings | None:
    """The config's [ledger] as config.py reads it; None when it names no database (SQLite), or
    the table is not there to read (noop._state_guess then finds the SQLite file)."""
    import tomllib

    data = tomllib.loads(text)
    table, site = data.get("ledger"), data.get("site")
    if not isinstance(table, dict) or not isinstance(site, dict):
        return None
    return ledger_settings(table, str(site.get("url", "")))


def run_state(settings: LedgerSettings, environ: Mapping[str, str]) -> dict[str, str] | None:
    """The site's run_state, when no runner holds or awaits the site's lock; else None.

    Raises psycopg.Error when the database cannot be reached or has no such site (the command
    line then says so, or makes it)."""
    import psycopg

    options: dict[str, Any] = {"autocommit": True, "connect_timeout": 10, "application_name": "syndicate"}
    if settings.password_env:
        password = environ.get(settings.password_env)
        if not password:
            return None  # the command line names the variable
        options["password"] = password
    with psycopg.connect(settings.url, **options) as db:
        query = STATE_AND_LOCK.format(schema=settings.quoted_schema)
        row = db.execute(query, settings.lock_key).fetchone()
    if row is None or row[0]:
        return None
    return {str(key): str(value) for key, value in (row[1] or {}).items()}
