"""Claims: how several runners share one ledger's deliveries, each delivered once.

Every runner plans from the ledger as it read it, then claims each delivery
before sending it, a few at a time (`[ledger] batch`), in one transaction that
also records the attempt: state `pending`, its idempotency key, which runner
holds it (`claimed_by`) and until when (`lease_until`). A claim is taken only
if the row is still as the runner's plan read it (its `version`, raised by
every write: ledger._WRITTEN) and no other runner's lease on it still holds;
on PostgreSQL the SELECT skips rows another runner is claiming at that moment
(FOR UPDATE SKIP LOCKED), so runners never wait on each other. A delivery
whose row another runner changed meanwhile is left to it, or to the next plan.

The outcome (delivered, failed, ...) clears the claim, and is written only
while the row is still under this runner's claim (claimed_by and version in
the UPDATE's WHERE: Claimer.held). A runner whose lease lapsed during a slow
send, and whose delivery another runner took over, writes nothing over that
runner's newer row: its send happened, and the other runner finds the copy
(`find`, or the same idempotency key) and records it; push says so
(Outcome.lost). Claims a runner took
and did not start are released when it stops; a killed runner's lapse when
their lease does. Either way the row is `pending` with its key, and the next
plan recovers it as after a crash (plan._compare): it looks the copy up at the
endpoint (or resends the same key to a webhook) before creating it again.

On SQLite (one runner at a time, under the lock file) every claim is taken,
one per transaction, as begin_attempt recorded attempts before.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from syndicate.delivery.ledger import Held, Ledger

#: Claim.seen when the caller holds the site's lock: the row is taken whatever its version
UNCHECKED = -1


@dataclass(frozen=True)
class Claim:
    article: str
    endpoint: str
    #: create, update, delete
    action: str
    #: the idempotency key the attempt is made with
    key: str
    #: the row's version as the plan read it; None: the plan found no row; UNCHECKED: take it as it is
    seen: int | None


def runner_id() -> str:
    """This process, as claimed_by names it: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _until(ledger: Ledger, lease: float) -> str:
    now = dt.datetime.fromisoformat(ledger.clock())
    return (now + dt.timedelta(seconds=lease)).isoformat(timespec="seconds")


def _lapsed(lease_until: str | None, now: str) -> bool:
    return lease_until is None or dt.datetime.fromisoformat(lease_until) <= dt.datetime.fromisoformat(now)


def claim(
    ledger: Ledger,
    claims: Sequence[Claim],
    owner: str,
    lease: float,
    versions: dict[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], int]:
    """Take what can be taken of `claims`, in one transaction: (article, endpoint) -> the attempt's number.
    `versions` gets the version each row taken has under the claim (what its outcome is written against)."""
    versions = {} if versions is None else versions
    ledger._identify()  # (a ledger's first attempt gives it its id: ledger_receipt.py)
    now, until = ledger.clock(), _until(ledger, lease)
    taken: dict[tuple[str, str], int] = {}
    # in one order, so that two runners' inserts never wait on each other round a cycle
    ordered = sorted(claims, key=lambda c: (c.article, c.endpoint))
    with ledger._transaction() as db:
        for c in ordered:
            if c.seen is None or c.seen == UNCHECKED:  # no row when planned: whoever inserts it first has it
                inserted = db.execute(
                    "INSERT INTO deliveries (article, endpoint, state, action, idempotency_key, attempts, "
                    "created_at, updated_at, version, claimed_by, lease_until) "
                    "VALUES (?, ?, 'pending', ?, ?, 1, ?, ?, 1, ?, ?) ON CONFLICT (article, endpoint) DO NOTHING",
                    (c.article, c.endpoint, c.action, c.key, now, now, owner, until),
                )
                if inserted.rowcount == 1:
                    taken[c.article, c.endpoint] = versions[c.article, c.endpoint] = 1
        known = [c for c in ordered if c.seen is not None and (c.article, c.endpoint) not in taken]
        if known:
            pairs = ", ".join("(?, ?)" for _ in known)
            rows = db.execute(
                "SELECT article, endpoint, version, lease_until, attempts FROM deliveries "  # noqa: S608 (marks only)
                f"WHERE (article, endpoint) IN (VALUES {pairs}){ledger.skip_locked}",
                [value for c in known for value in (c.article, c.endpoint)],
            ).fetchall()
            found = {(row[0], row[1]): row for row in rows}
            chosen = []
            for c in known:
                row = found.get((c.article, c.endpoint))
                # (a lease counts only where runners share the rows: a SQLite ledger's runner holds
                # the lock file, so a claim left there is a killed run's, to recover at once)
                if row is None:
                    continue  # another runner is claiming it
                held = bool(ledger.skip_locked) and not _lapsed(row[3], now)
                if c.seen != UNCHECKED and (row[2] != c.seen or held):
                    continue  # changed since the plan, or another runner's lease holds
                taken[c.article, c.endpoint] = int(row[4]) + 1
                versions[c.article, c.endpoint] = int(row[2]) + 1
                chosen.append((c.action, c.key, owner, until, now, c.article, c.endpoint))
            for chosen_row in chosen:  # (a few rows: one statement each)
                db.execute(
                    "UPDATE deliveries SET state = 'pending', action = ?, idempotency_key = ?, "
                    "attempts = attempts + 1, claimed_by = ?, lease_until = ?, updated_at = ?, version = version + 1 "
                    "WHERE article = ? AND endpoint = ?",
                    chosen_row,
                )
    return taken


def renew(ledger: Ledger, article: str, endpoint: str, owner: str, lease: float) -> bool:
    """Extend this runner's claim before sending; False when it lapsed and another runner took it over."""
    with ledger._transaction() as db:
        cursor = db.execute(
            "UPDATE deliveries SET lease_until = ? WHERE article = ? AND endpoint = ? AND claimed_by = ?",
            (_until(ledger, lease), article, endpoint, owner),
        )
        return bool(cursor.rowcount == 1)


def release(ledger: Ledger, pairs: Iterable[tuple[str, str]], owner: str) -> None:
    """Give back claims taken and not started: the rows stay `pending` (with their keys), free for the next plan."""
    rows = [(article, endpoint, owner) for article, endpoint in pairs]
    if rows:
        with ledger._transaction() as db:
            db.executemany(
                "UPDATE deliveries SET claimed_by = NULL, lease_until = NULL "
                "WHERE article = ? AND endpoint = ? AND claimed_by = ?",
                rows,
            )


class Claimer:
    """One push's claims: the runner's id, its lease and batch, and the row versions its plan read."""

    def __init__(self, ledger: Ledger, seen: Mapping[tuple[str, str], int] | None, lease: float, batch: int) -> None:
        """`seen`: (article, endpoint) -> version of each row the plan read (a pair absent: no row);
        None when the caller holds the site's lock, so that every claim is taken as it is."""
        self.ledger, self.seen, self.lease, self.batch = ledger, seen, lease, batch
        self.owner = runner_id()
        #: (article, endpoint) -> the row's version under this runner's claim (dict writes are atomic)
        self._versions: dict[tuple[str, str], int] = {}

    def take(self, wanted: Iterable[tuple[str, str, str, str]]) -> dict[tuple[str, str], int]:
        """Claim (article, endpoint, action, key) each: (article, endpoint) -> attempt number of those taken."""
        seen = self.seen
        claims = [
            Claim(a, e, action, key, UNCHECKED if seen is None else seen.get((a, e))) for a, e, action, key in wanted
        ]
        return claim(self.ledger, claims, self.owner, self.lease, self._versions)

    def held(self, article: str, endpoint: str) -> Held:
        """The claim this runner took on the delivery, which its outcome is written under
        (Ledger._upsert): a write after another runner took the delivery over is refused."""
        return (self.owner, self._versions[article, endpoint])

    def keep(self, article: str, endpoint: str) -> bool:
        """Before sending a delivery claimed a while ago: its lease renewed; False if another runner took it."""
        return renew(self.ledger, article, endpoint, self.owner, self.lease)

    def give_back(self, pairs: Iterable[tuple[str, str]]) -> None:
        release(self.ledger, pairs, self.owner)
