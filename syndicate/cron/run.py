"""`run`, the cron entry point: lock, validate, feeds, push, notify hubs, in one process.

A run that finds nothing changed (same files, same config, no embargo lifting,
no retry or schedule due) stops after one stat per file and one query. Every
outcome is collected in a RunResult; the cli package decides what to print.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from syndicate.articles.content_folder import require_articles
from syndicate.config import Config
from syndicate.cron.incremental import nothing_to_do, site_paths
from syndicate.cron.noop import config_digest
from syndicate.delivery.ledger import Delivery, Ledger
from syndicate.delivery.ledger_open import shared
from syndicate.feeds.websub import ping_problems
from syndicate.findings import finding_line

if TYPE_CHECKING:
    from syndicate.checks.validate import SiteContent
    from syndicate.delivery.audit_schedule import ScheduledAudit
    from syndicate.delivery.plan import PlannedAction
    from syndicate.delivery.push import HeldEndpoint, PushResult
    from syndicate.feeds.websub import HubPing
    from syndicate.feeds.writing import FeedsResult
    from syndicate.findings import ValidationReport


@dataclass
class RunResult:
    noop: bool = False
    #: on a no-op run: the problems the last working run found, which still stand
    standing: list[str] = field(default_factory=list)
    report: ValidationReport | None = None
    feeds: FeedsResult | None = None
    plan: list[PlannedAction] = field(default_factory=list)
    push: PushResult | None = None
    #: pings that failed for the first time (later runs try them again) ...
    hub_failures: list[HubPing] = field(default_factory=list)
    #: ... and those that failed their last try
    hubs_given_up: list[HubPing] = field(default_factory=list)
    #: the audit `[audit] every` made this run do (None: none due)
    audit: ScheduledAudit | None = None
    #: another runner held the site's lock (a shared PostgreSQL ledger): this one only delivered its share
    shared: bool = False

    @property
    def given_up(self) -> list[PlannedAction]:
        """Deliveries run no longer retries: reported every run until fixed."""
        from syndicate.delivery.plan import Hold  # (here: a no-op run never plans)

        return [a for a in self.plan if a.held is Hold.GIVEN_UP]

    @property
    def stranded(self) -> list[PlannedAction]:
        """Live copies that no longer match their article, at endpoints that are disabled."""
        return [a for a in self.plan if a.stranded]

    @property
    def held_endpoints(self) -> list[HeldEndpoint]:
        """Endpoints whose copies were neither sent nor recorded: a secret's variable not set (exit 2)."""
        return self.push.held_endpoints if self.push else []

    @property
    def ok(self) -> bool:
        failures = self.push.failures if self.push else []
        if self.noop:
            return not self.standing
        hubs = self.hub_failures or self.hubs_given_up
        held = self.given_up or self.stranded or self.held_endpoints
        return (self.report is None or self.report.ok) and not failures and not hubs and not held

    def standing_problems(self) -> list[str]:
        """Problems that stay until someone acts: invalid articles, deliveries run gave up on.

        A run with nothing to do reports these again; a failure that will be
        retried is reported only by the run it happened in.
        """
        errors = [finding_line(f) for f in (self.report.errors if self.report else [])]
        return errors + [f"{a.article} -> {a.endpoint}: {a.reason}" for a in self.given_up + self.stranded]

    def warnings(self) -> list[str]:
        """Deliveries made, but not whole: said once, by the run that made them."""
        return self.push.warning_lines() if self.push else []

    def problems(self) -> list[str]:
        """One line per problem, for the short report cron mails."""
        if self.noop:
            return list(self.standing)
        lines = self.standing_problems()
        lines += [f"{h.line()} (hint: {h.error.hint})" if h.error.hint else h.line() for h in self.held_endpoints]
        for outcome in self.push.failures if self.push else []:
            a = outcome.action
            hint = f" (hint: {outcome.hint})" if outcome.hint else ""
            lines.append(f"{a.action} {a.article} -> {a.endpoint} failed: {outcome.detail}{hint}")
        lines += [f"{line} (a later run tries again)" for line in ping_problems(self.hub_failures)]
        lines += [f"{line} (run.max_attempts tries made: given up)" for line in ping_problems(self.hubs_given_up)]
        return lines


#: the phases of a run's work, in order, as `progress` names them
RUN_PHASES = ("checking articles", "writing feeds", "pushing")
#: progress(phase, done, total): after each changed article checked, feed document written and
#: delivery made (a progress bar's; a run with nothing to do calls it never)
RunProgress = Callable[[str, int, int], None]


def run(
    config: Config,
    now: dt.datetime,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] | None = None,
    progress: RunProgress | None = None,
) -> RunResult:
    """One cron run. Raises LockedError (exit 75) when another run holds the lock file (SQLite);
    on a shared PostgreSQL ledger a runner that finds the site's lock held delivers its share
    of the copies instead (RunResult.shared).

    A content folder that is missing or holds no article raises a UsageError
    before the lock or the ledger is touched (content_folder.py).
    """
    require_articles(config)
    with shared(config.ledger_at) as (ledger, alone):
        # what the early answer (noop.answer_noop) checks a config against, without parsing it
        known = {"config_digest": config_digest(config.digest), **site_paths(config).remember()}
        if alone and any(ledger.get_state(key) != value for key, value in known.items()):
            ledger.set_state(known)
        if nothing_to_do(config, ledger, now):
            standing = ledger.get_state("problems")
            result = RunResult(noop=True, standing=json.loads(standing) if standing else [])
        else:
            try:
                if not alone:  # another runner does the site-wide work: this one helps with the deliveries
                    return _share(config, ledger, now, environ, sleep, progress)
                result = _work(config, ledger, now, environ, sleep, progress)
            finally:
                gc.unfreeze()  # the site's articles, frozen once read (incremental._collector_paused)
        if alone and config.audit.every is not None:  # last: never before a delivery (delivery/audit_schedule.py)
            from syndicate.delivery.audit_schedule import audit_if_due

            result.audit = audit_if_due(config, ledger, now)
        return result


def _work(
    config: Config,
    ledger: Ledger,
    now: dt.datetime,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] | None,
    progress: RunProgress | None,
) -> RunResult:
    import time

    from syndicate.cron.incremental import fingerprint, load_site_cached
    from syndicate.cron.records import Validity, keep_copy_hashes, load
    from syndicate.delivery.plan import Action, RunPolicy, iter_plan, stranded_state
    from syndicate.delivery.push import push
    from syndicate.feeds import kept
    from syndicate.feeds.generate import generate_feeds

    # until this run finishes, the next one must not take the last run's work as done
    ledger.set_state({"next_wakeup": now.isoformat(timespec="seconds")})
    checking, writing, pushing = (_phase(progress, name) for name in RUN_PHASES)
    files = ledger.get_state("files_digest")  # (the files the last run stored: what its kept feeds hold)
    # (taken out of the ledger before this run stores any file: a run that stops between storing its
    # files and their digest leaves none to trust, and the next one chooses its entries in full)
    previous = kept.read(ledger)
    kept.write(ledger, None)
    site = load_site_cached(config, ledger, now.date(), checking, lazy=True)
    result = RunResult(report=site.report)
    known_feeds = json.loads(ledger.get_state("feed_marks") or "{}")
    # (valid all year, as most records are: an article whose checks depend on the day is read again)
    made = Validity.of(fingerprint(config), now.date()).year
    keeping = kept.Keeping(previous, made, files, str(config.paths.content.resolve()) + "/")
    feeds_out = config.paths.feeds
    result.feeds = generate_feeds(config, site.articles, site.checks, feeds_out, now, known_feeds, writing, keeping)
    ledger.set_state({"feed_marks": json.dumps(result.feeds.marks, sort_keys=True)})
    kept.write(ledger, keeping.kept(ledger.get_state("files_digest")))
    hubs_due = _tell_hubs(config, ledger, result, now)
    last_pushes = ledger.last_pushes()
    not_before = _schedules(config, last_pushes)
    rows = ledger.all()
    # the articles read from their records whose copies the plan makes, read in full at once
    if config.endpoints:
        load(a for a in site.articles if getattr(a, "copy_hash", None) is None)
    copies: dict[str, str] = {}
    plan = iter_plan(site, config, rows, now, policy=RunPolicy(not_before), copies=copies)

    def sending() -> Iterator[PlannedAction]:
        # push takes the plan as it is made (deliveries start before the last copy is rendered); run keeps all of it
        for action in plan:
            result.plan.append(action)
            if action.sends or action.action is Action.REFUSED:
                yield action

    result.push = push(sending(), config, ledger, environ, sleep or time.sleep, now, pushing, versions(rows))
    keep_copy_hashes(ledger, copies)  # (for the next plan: records.py)
    stamp = now.isoformat(timespec="seconds")
    for name in {a.endpoint for a in result.plan if a.sends} & set(not_before.keys() | _scheduled(config)):
        ledger.pushed(name, stamp)
    wake = min(filter(None, [_next_wakeup(site, ledger, now, not_before, result.plan), hubs_due]), default=None)
    if result.held_endpoints:  # the environment is not in what a no-op run compares: the next run looks again
        wake = now
    ledger.set_state(
        {
            "next_wakeup": wake.isoformat() if wake else "9999-12-31T00:00:00+00:00",
            "problems": json.dumps(result.standing_problems(), ensure_ascii=False),
            "stranded": stranded_state(result.plan),
        }
    )
    if config.status.page:  # last: it shows what this run recorded
        from syndicate.delivery.status_page import write_configured_page

        write_configured_page(config, ledger, now)
    return result


def _share(
    config: Config,
    ledger: Ledger,
    now: dt.datetime,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] | None,
    progress: RunProgress | None,
) -> RunResult:
    """A runner's share of the deliveries while another holds the site's lock (ledger_open.shared).

    The site is read as the runner that holds the lock reads it, without storing what it read
    (that runner does); feeds, hub pings, the status page and what a run remembers are its work.
    Each delivery is claimed before it is sent (ledger_claims.py), so none is made twice.
    """
    import time

    from syndicate.cron.incremental import load_site_cached
    from syndicate.delivery.plan import RunPolicy, iter_plan
    from syndicate.delivery.push import push

    site = load_site_cached(config, ledger, now.date(), _phase(progress, RUN_PHASES[0]), store=False)
    rows = ledger.all()
    plan = iter_plan(site, config, rows, now, policy=RunPolicy(_schedules(config, ledger.last_pushes())))
    sending = (action for action in plan if action.sends)
    pushed = push(
        sending, config, ledger, environ, sleep or time.sleep, now, _phase(progress, RUN_PHASES[2]), versions(rows)
    )
    return RunResult(push=pushed, shared=True)


def versions(rows: Iterable[Delivery]) -> dict[tuple[str, str], int]:
    """(article, endpoint) -> version of each row, as a plan read them: push claims against them."""
    return {(row.article, row.endpoint): row.version for row in rows}


def _phase(progress: RunProgress | None, name: str) -> Callable[[int, int], None] | None:
    return None if progress is None else functools.partial(progress, name)


def _scheduled(config: Config) -> set[str]:
    return {e.name for e in config.endpoints if e.schedule}


def _schedules(config: Config, last_pushes: Mapping[str, str]) -> dict[str, dt.datetime]:
    """When each scheduled endpoint may next be pushed: the first scheduled time after its last push."""
    scheduled = {e.name: e.schedule for e in config.endpoints if e.schedule}
    if not scheduled:
        return {}
    from croniter import croniter

    due: dict[str, dt.datetime] = {}
    for name, expression in scheduled.items():
        last = last_pushes.get(name)
        if last is not None:
            due[name] = croniter(expression, dt.datetime.fromisoformat(last)).get_next(dt.datetime)
    return due


#: the ledger's run_state key of the hub pings still to make:
#: JSON [[hub, feed URL, failed attempts, next attempt (ISO datetime)], ...]
HUBS_PENDING = "hubs_pending"


def _tell_hubs(config: Config, ledger: Ledger, result: RunResult, now: dt.datetime) -> dt.datetime | None:
    """Tell the hubs about the feeds that changed, and again about those a hub did not take
    before, once their time has come: a ping is tried again as a delivery is, RETRY_DELAY after
    it failed, up to run.max_attempts tries; reported when it first fails and when it is given
    up. Returns when the next try is due, if one is."""
    from syndicate.delivery.push import RETRY_DELAY
    from syndicate.feeds.websub import ping_hubs

    assert result.feeds is not None
    hubs = config.feeds.hubs
    pending: dict[tuple[str, str], tuple[int, str]] = {}
    for hub, topic, attempts, due in json.loads(ledger.get_state(HUBS_PENDING) or "[]"):
        if hub in hubs:
            pending[hub, topic] = (attempts, due)
    # a ping still waiting for its time covers any change of its feed meanwhile: the hub reads
    # the feed when told, whatever changed before
    waiting = {k for k, (_, due) in pending.items() if dt.datetime.fromisoformat(due) > now}
    changed = [(hub, topic) for hub in hubs for topic in result.feeds.changed_topics(config)]
    pairs = [key for key in changed + list(pending) if key not in waiting]
    still = {k: pending[k] for k in waiting}
    retry_at = (now + RETRY_DELAY).isoformat(timespec="seconds")
    for ping in ping_hubs(pairs):
        key = (ping.hub, ping.topic)
        if ping.ok:
            continue
        attempts = pending.get(key, (0, ""))[0] + 1
        if attempts >= config.run.max_attempts:
            result.hubs_given_up.append(ping)
            continue
        still[key] = (attempts, retry_at)
        if attempts == 1:
            result.hub_failures.append(ping)
    if still or pending:
        ledger.set_state({HUBS_PENDING: json.dumps(sorted([*key, n, due] for key, (n, due) in still.items()))})
    return min((dt.datetime.fromisoformat(due) for _, due in still.values()), default=None)


def _next_wakeup(
    site: SiteContent,
    ledger: Ledger,
    now: dt.datetime,
    not_before: Mapping[str, dt.datetime],
    plan: list[PlannedAction],
) -> dt.datetime | None:
    """The earliest time a run will have work although no file changes: embargoes, retries, schedules."""
    times: list[dt.datetime] = []
    for article in site.articles:
        if article.embargo_until is not None and article.embargo_until > now:
            times.append(article.embargo_until)
    # (the rows as the push left them; only those that wait: every row was 0.05 s at 10,000 copies)
    with ledger.connection() as db:
        waiting = db.execute(
            "SELECT state, next_attempt_at, lease_until FROM deliveries WHERE state IN ('failed', 'pending')"
        ).fetchall()
    for state, next_attempt_at, lease_until in waiting:
        if state == "failed" and next_attempt_at:
            times.append(dt.datetime.fromisoformat(next_attempt_at))
        elif state == "pending" and lease_until:  # another runner's claim (a shared ledger): it
            times.append(dt.datetime.fromisoformat(lease_until))  # is recovered if it lapses undelivered
    from syndicate.delivery.plan import Hold

    held = {a.endpoint for a in plan if a.held is Hold.SCHEDULED}
    times += [when for name, when in not_before.items() if name in held]
    return min(times, default=None)
