"""The ledger's `audits` table (migration 0007): what each audit found at each copy.

Every audit adds one row per copy it looked at, in one transaction: the next
audit compares with the last row of each copy whose page was read (`checked`),
to say what is new and what was resolved since. Rows are kept: they are the
history of each copy (a few hundred bytes each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from syndicate.delivery.ledger import Ledger


@dataclass(frozen=True)
class StoredAudit:
    article: str
    endpoint: str
    url: str
    checked_at: str
    http_status: int | None
    checked: bool
    #: [{code, severity, message, hint}]
    findings: tuple[dict[str, str], ...]


def record(ledger: Ledger, audits: Iterable[StoredAudit]) -> None:
    """Add the audit's rows, all or none."""
    rows = [
        (a.article, a.endpoint, a.url, a.checked_at, a.http_status, int(a.checked), json.dumps(list(a.findings)))
        for a in audits
    ]
    # (the ledger's own transaction: one writer at a time, rolled back whole on any error)
    with ledger._transaction() as db:
        db.executemany(
            "INSERT INTO audits (article, endpoint, url, checked_at, http_status, checked, findings) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def last_checked(ledger: Ledger) -> dict[tuple[str, str], StoredAudit]:
    """(article, endpoint) -> the last audit that read the copy's page."""
    return _last(ledger, least_checked=1)


def last_audits(ledger: Ledger) -> dict[tuple[str, str], StoredAudit]:
    """(article, endpoint) -> the last audit of the copy, whether or not it could read the page
    (`status` shows it: a copy that could not be checked says so)."""
    return _last(ledger, least_checked=0)


def _last(ledger: Ledger, least_checked: int) -> dict[tuple[str, str], StoredAudit]:
    with ledger._locked() as db:
        rows = db.execute(
            "SELECT article, endpoint, url, checked_at, http_status, checked, findings FROM audits "
            "WHERE id IN (SELECT MAX(id) FROM audits WHERE checked >= ? GROUP BY article, endpoint)",
            (least_checked,),
        ).fetchall()
    found = {}
    for article, endpoint, url, checked_at, status, checked, findings in rows:
        try:
            items = json.loads(findings)
        except ValueError:
            items = []
        kept = tuple(i for i in items if isinstance(i, dict)) if isinstance(items, list) else ()
        found[(article, endpoint)] = StoredAudit(article, endpoint, url, checked_at, status, bool(checked), kept)
    return found


def history(ledger: Ledger, article: str, endpoint: str) -> list[StoredAudit]:
    """Every audit of one copy, oldest first."""
    with ledger._locked() as db:
        rows = db.execute(
            "SELECT article, endpoint, url, checked_at, http_status, checked, findings FROM audits "
            "WHERE article = ? AND endpoint = ? ORDER BY id",
            (article, endpoint),
        ).fetchall()
    return [StoredAudit(a, e, u, t, s, bool(c), tuple(json.loads(f))) for a, e, u, t, s, c, f in rows]
