"""The ledger's `audits` table (migrations 0007, 0009): what each audit found at each copy.

Every audit adds one row per copy it looked at, in one transaction: the next
audit compares with the last row of each copy whose page was read (`checked`),
to say what is new and what was resolved since. Each row also keeps the page's
ETag and Last-Modified, and a digest of what the copy was judged against
(`judged_against`: the article, the policy, the ledger's state), so that the
next audit may ask for the page conditionally and, on a 304, keep the last
result while that digest is the same. Only the last `keep` rows of each copy
are kept (default 30, `[audit] keep`): older ones are pruned by the same
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from syndicate.delivery.ledger import Ledger

#: how many audits of each copy the ledger keeps, unless [audit] keep says otherwise
KEEP = 30
_LAST = (
    "SELECT article, endpoint, url, checked_at, http_status, checked, findings, etag, last_modified, judged_against "
    "FROM audits WHERE id IN (SELECT MAX(id) FROM audits WHERE checked >= ? GROUP BY article, endpoint)"
)
_HISTORY = (
    "SELECT article, endpoint, url, checked_at, http_status, checked, findings, etag, last_modified, judged_against "
    "FROM audits WHERE article = ? AND endpoint = ? ORDER BY id"
)


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
    #: the page's validators, for the next audit's conditional request
    etag: str | None = None
    last_modified: str | None = None
    #: a digest of what the copy was judged against (a 304 keeps the result only while it is the same)
    judged_against: str | None = None


def record(ledger: Ledger, audits: Iterable[StoredAudit], keep: int = KEEP) -> None:
    """Add the audit's rows and prune each copy's history to its last `keep`, all or none."""
    rows = [
        (
            a.article,
            a.endpoint,
            a.url,
            a.checked_at,
            a.http_status,
            int(a.checked),
            json.dumps(list(a.findings)),
            a.etag,
            a.last_modified,
            a.judged_against,
        )
        for a in audits
    ]
    with ledger.connection(write=True) as db:
        db.executemany(
            "INSERT INTO audits (article, endpoint, url, checked_at, http_status, checked, findings, etag, "
            "last_modified, judged_against) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # the newest `keep` of each copy stay; the last row that read each copy's page stays too (the
        # next audit compares with it), however many failed reads came after it
        db.execute(
            "DELETE FROM audits WHERE id NOT IN ("
            " SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY article, endpoint ORDER BY id DESC) AS n"
            " FROM audits) AS numbered WHERE n <= ?"
            ") AND id NOT IN (SELECT MAX(id) FROM audits WHERE checked = 1 GROUP BY article, endpoint)",
            (max(1, keep),),
        )


def last_checked(ledger: Ledger) -> dict[tuple[str, str], StoredAudit]:
    """(article, endpoint) -> the last audit that read the copy's page."""
    return _last(ledger, least_checked=1)


def last_audits(ledger: Ledger) -> dict[tuple[str, str], StoredAudit]:
    """(article, endpoint) -> the last audit of the copy, whether or not it could read the page
    (`status` shows it: a copy that could not be checked says so)."""
    return _last(ledger, least_checked=0)


def _last(ledger: Ledger, least_checked: int) -> dict[tuple[str, str], StoredAudit]:
    with ledger.connection() as db:
        rows = db.execute(_LAST, (least_checked,)).fetchall()
    found = {}
    for row in rows:
        stored = _stored(tuple(row))
        found[(stored.article, stored.endpoint)] = stored
    return found


def history(ledger: Ledger, article: str, endpoint: str) -> list[StoredAudit]:
    """Every audit of one copy the ledger keeps, oldest first."""
    with ledger.connection() as db:
        rows = db.execute(_HISTORY, (article, endpoint)).fetchall()
    return [_stored(tuple(row)) for row in rows]


def _stored(row: tuple[object, ...]) -> StoredAudit:
    article, endpoint, url, checked_at, status, checked, findings, etag, modified, against = row
    try:
        items = json.loads(str(findings))
    except ValueError:
        items = []
    kept = tuple(i for i in items if isinstance(i, dict)) if isinstance(items, list) else ()
    return StoredAudit(
        str(article),
        str(endpoint),
        str(url),
        str(checked_at),
        status if isinstance(status, int) else None,
        bool(checked),
        kept,
        etag if isinstance(etag, str) else None,
        modified if isinstance(modified, str) else None,
        against if isinstance(against, str) else None,
    )
