"""What `status` and the status page show of each article x endpoint: its ledger row, why its live
copy should come down (if it should), and the last audit of the copy out in the world; and of
each address tracked by hand (`syndicate track`), shown as a row of its own: endpoint `track:ID`,
state `tracked`, its address as the copy's, with its contact and last audit."""

from __future__ import annotations

from dataclasses import dataclass

from syndicate.delivery import audit_store
from syndicate.delivery.audit_store import StoredAudit
from syndicate.delivery.audit_tracked import Tracked, tracked
from syndicate.delivery.ledger import Delivery, Ledger
from syndicate.delivery.ledger_open import Place, exists, open_ledger
from syndicate.delivery.plan import read_stranded

#: delivery states that are a problem by themselves
PROBLEM_STATES = frozenset({"failed"})


@dataclass(frozen=True)
class StatusRow:
    delivery: Delivery
    #: why the live copy should come down, as the last run or push found (None: it need not)
    stranded: str | None = None
    #: the last audit of the copy (None: never audited)
    last_audit: StoredAudit | None = None
    #: the address tracked by hand this row shows (None: a delivery the ledger records)
    tracked: Tracked | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.delivery.article, self.delivery.endpoint

    @property
    def finding_codes(self) -> list[str]:
        return [str(f.get("code", "")) for f in self.last_audit.findings] if self.last_audit else []

    @property
    def problem(self) -> bool:
        """A failed delivery, a stranded copy, or a copy whose last audit found anything."""
        return self.delivery.state in PROBLEM_STATES or self.stranded is not None or bool(self.finding_codes)


def status_rows(ledger: Ledger) -> list[StatusRow]:
    """Every row of the ledger, in its order, with what it should show beside it; then each address
    tracked by hand, in the order it was registered."""
    stranded = read_stranded(ledger.get_state("stranded"))
    audits = audit_store.last_audits(ledger)
    rows = []
    for delivery in ledger.all():
        key = (delivery.article, delivery.endpoint)
        rows.append(StatusRow(delivery, stranded.get(key), audits.get(key)))
    for item in tracked(ledger):
        delivery = Delivery(
            item.article,
            item.endpoint,
            "tracked",
            remote_url=item.url,
            created_at=item.added_at,
            updated_at=item.added_at,
        )
        rows.append(StatusRow(delivery, None, audits.get((item.article, item.endpoint)), item))
    return rows


def read_status(place: Place) -> list[StatusRow] | None:
    """status_rows() of the ledger at `place` (Config.ledger_at); None when there is none yet (status
    only reads: it makes none)."""
    if not exists(place):
        return None
    with open_ledger(place) as ledger:
        return status_rows(ledger)


def tracked_dict(row: StatusRow) -> dict[str, object] | None:
    """A row's `tracked` in `status --format json` (None: a delivery)."""
    item = row.tracked
    if item is None:
        return None
    return {"id": item.id, "contact": item.contact, "canonical": item.canonical, "added_at": item.added_at}


def last_audit_dict(audit: StoredAudit | None) -> dict[str, object] | None:
    """A row's `last_audit` in `status --format json`."""
    if audit is None:
        return None
    return {
        "checked_at": audit.checked_at,
        "url": audit.url,
        "http_status": audit.http_status,
        "checked": audit.checked,
        "findings": [str(f.get("code", "")) for f in audit.findings],
    }
