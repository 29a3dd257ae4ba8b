"""The ledger a config names, opened: the SQLite file at [paths] state, or PostgreSQL ([ledger] url).

Commands that change what a run reads (`retry`, `reconcile`) hold the site's
lock for their whole work (`exclusive`): on SQLite the lock file beside the
ledger (lock.py), on PostgreSQL the site's advisory lock (ledger_pg.py);
either held elsewhere is a LockedError (exit 75). `run` and `push` share a
PostgreSQL ledger (`shared`): the runner that gets the lock does the site-wide
work, the others only their share of deliveries. On SQLite they take the lock
file as before: one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from syndicate.delivery.ledger import Delivery, Ledger, ledger_exists
from syndicate.delivery.lock import RUN_HINT, LockedError, run_lock
from syndicate.ledger_settings import LedgerSettings

#: where a ledger is: Config.ledger_at
Place = LedgerSettings | Path


def open_ledger(place: Place, adopt: bool = False, environ: Mapping[str, str] = os.environ) -> Ledger:
    """The ledger at `place` (made, and migrated, when new). `adopt`: see Ledger (SQLite's receipt)."""
    if isinstance(place, Path):
        return Ledger(place, adopt=adopt)
    from syndicate.delivery.ledger_pg import PostgresLedger

    return PostgresLedger(place, environ)


def exists(place: Place) -> bool:
    """Whether there is a ledger at `place` (a database always has one: empty until a run writes it)."""
    return ledger_exists(place) if isinstance(place, Path) else True


def recorded_at(place: Place) -> list[Delivery] | None:
    """Every row of the ledger; None when there is none yet (status and plan only read: they make none)."""
    if not exists(place):
        return None
    with open_ledger(place) as ledger:
        return ledger.all()


def bodies_at(place: Place) -> dict[str, dict[str, str]]:
    """Ledger.delivered_bodies(); none when there is no ledger yet."""
    if not exists(place):
        return {}
    with open_ledger(place) as ledger:
        return ledger.delivered_bodies()


@contextmanager
def exclusive(place: Place, hint: str = RUN_HINT, adopt: bool = False) -> Iterator[Ledger]:
    """The ledger, with the site's lock held by this process alone; LockedError (exit 75) when another holds it."""
    with shared(place, hint, adopt) as (ledger, alone):
        if not alone:
            raise _held(ledger, hint)
        yield ledger


@contextmanager
def shared(place: Place, hint: str = RUN_HINT, adopt: bool = False) -> Iterator[tuple[Ledger, bool]]:
    """(the ledger, whether this process holds the site's lock). SQLite: always True, or a LockedError
    when another process holds the lock file. PostgreSQL: False when another runner holds it."""
    if isinstance(place, Path):
        with run_lock(place, hint), open_ledger(place, adopt) as ledger:
            yield ledger, True
        return
    from syndicate.delivery.ledger_pg import PostgresLedger

    with open_ledger(place, adopt) as ledger:
        assert isinstance(ledger, PostgresLedger)
        yield ledger, ledger.try_site_lock()


def _held(ledger: Ledger, hint: str) -> LockedError:
    return LockedError(
        f"another syndicate process (a run, push or audit) holds the site's lock in {ledger.path}; nothing done", hint
    )
