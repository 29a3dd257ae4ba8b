"""Audits on a schedule: `run` audits the copies when `[audit] every` has passed since its last
audit (off by default).

`run` calls audit_if_due() last, within its lock, once its deliveries are made
and recorded (a run with nothing to do too): an audit never delays a delivery
of the same run, though it holds the lock longer (a run cron starts meanwhile
exits 75, as for any overlap). The time of the last scheduled audit is kept in
the ledger's run_state (`audit_last`); the run's wake-up time (`next_wakeup`)
is brought forward to the next audit's, so that a run with nothing else to do
still audits when its time comes. The audit drafts notices as `syndicate
audit` does, and writes the status page again when `[status] page = true`.

An audit that fails (the ledger, the notices or the page cannot be written)
fails neither the run nor its deliveries, made and recorded before it: the run
reports the failure (ScheduledAudit.error) and what the audit found, if it got
that far, and exits by its own work. Notices are drafted before the audit is
recorded: when they cannot be written, the audit is not recorded either, so
the next one finds the violations new and drafts them then. The schedule moves on all the same (the
next attempt is `every` later, not at the next run: partners' sites are not
read again every few minutes because a folder cannot be written).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from syndicate.config import Config
from syndicate.delivery.audit import AuditReport, audit
from syndicate.delivery.audit_notices import Notice, draft_notices
from syndicate.delivery.ledger import Ledger
from syndicate.errors import SyndicateError

#: the ledger's run_state key of the time of the last scheduled audit
AUDIT_LAST = "audit_last"
NEXT_WAKEUP = "next_wakeup"


@dataclass(frozen=True)
class ScheduledAudit:
    #: what the audit found (None: it failed before it had read the copies)
    report: AuditReport | None
    notices: list[Notice]
    #: why the audit, or what follows it (notices, the status page), failed: "MESSAGE (hint: ...)"
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        drafted = [{"path": str(n.path), "partner": n.partner, "contact": n.contact, "copies": n.copies}
                   for n in self.notices]  # fmt: skip
        found = self.report.to_dict() if self.report else {}
        return found | {"notices": drafted, "error": self.error}


def audit_if_due(config: Config, ledger: Ledger, now: dt.datetime) -> ScheduledAudit | None:
    """Audit when `[audit] every` has passed since the last scheduled audit (or there was none)."""
    if config.audit.every is None:
        return None
    every = dt.timedelta(seconds=config.audit.every)
    last = ledger.get_state(AUDIT_LAST)
    due = dt.datetime.fromisoformat(last) + every if last else now
    if due > now:
        _wake_by(ledger, due)
        return None
    report: AuditReport | None = None
    notices: list[Notice] = []
    error = None
    try:

        def notify(found: AuditReport) -> None:
            nonlocal report
            report = found  # (what it found is reported even if the notices cannot be written)
            notices.extend(draft_notices(config, found, now))

        audit(config, ledger, now=now, before_recording=notify)
        if config.status.page:  # it shows each copy's last audit: this one
            from syndicate.delivery.status_page import write_configured_page

            write_configured_page(config, ledger, now)
    except SyndicateError as e:
        error = f"{e.message} (hint: {e.hint})" if e.hint else e.message
    ledger.set_state({AUDIT_LAST: now.isoformat(timespec="seconds")})
    _wake_by(ledger, now + every)
    return ScheduledAudit(report, notices, error)


def _wake_by(ledger: Ledger, when: dt.datetime) -> None:
    """Bring the run's next wake-up forward to `when` (never back)."""
    current = ledger.get_state(NEXT_WAKEUP)
    if current is None or dt.datetime.fromisoformat(current) > when:
        ledger.set_state({NEXT_WAKEUP: when.isoformat(timespec="seconds")})
