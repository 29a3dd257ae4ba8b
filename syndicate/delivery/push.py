"""`push`: carry out a plan, recording every delivery in the ledger as it happens.

Each delivery is two ledger transactions: the attempt (with its idempotency
key) before anything is sent, the outcome after. So a crash loses at most the
delivery in flight, and the next run recovers it without a duplicate: it looks
the copy up at the endpoint (or resends the same key to a webhook) before
creating it again.

Transient failures (timeouts, connection errors, 429, 5xx) are retried within
the run with exponential backoff and jitter (`retries` tries, default 3); then the row is
`failed` with a next-attempt time. Other failures fail the row at once; a
credentials failure stops that endpoint for this run. Endpoints are pushed
concurrently, each with its own `concurrency` (default 2).

An endpoint that cannot be opened (a secret's variable not set) is held: its
copies are neither sent nor recorded, so that once the environment is fixed
the next push or run sends them as if nothing had happened; the others are
pushed all the same. PushResult.held_endpoints names it, for the caller to report once.

The plan may come as a stream (plan.iter_plan, which renders each copy as it
is consumed): each endpoint has a queue, fed as actions are planned, and its
own threads sending from it, so the first copies are delivered while later
ones are still being rendered, instead of after all of them. Planning keeps
only a couple of rounds ahead of the senders (see keep_pace).
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from syndicate.config import Config
from syndicate.delivery.endpoints import open_endpoint
from syndicate.delivery.endpoints.base import Endpoint, Remote
from syndicate.delivery.ledger import Held, Ledger
from syndicate.delivery.ledger_claims import Claimer
from syndicate.delivery.plan import Action, PlannedAction
from syndicate.delivery.push_lane import AHEAD as AHEAD
from syndicate.delivery.push_lane import HeldEndpoint as HeldEndpoint
from syndicate.delivery.push_lane import Lane, Outcome, Tally, keep_pace
from syndicate.errors import CredentialsError, DeliveryError, SyndicateError
from syndicate.ledger_settings import DEFAULT_LEASE

BACKOFF_BASE = 0.5  # seconds; doubled each retry, with jitter
BACKOFF_CAP = 30.0
#: when a failed row may be tried again by a later run
RETRY_DELAY = dt.timedelta(minutes=5)


@dataclass
class PushResult:
    outcomes: list[Outcome] = field(default_factory=list)
    #: endpoints whose copies were held back (not opened), in the order of their names
    held_endpoints: list[HeldEndpoint] = field(default_factory=list)
    #: deliveries planned here that another runner sharing the ledger took (ledger_claims.py)
    elsewhere: int = 0

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def lost(self) -> list[Outcome]:
        """Deliveries sent whose claim had lapsed and another runner took over: it records them."""
        return [o for o in self.outcomes if o.lost]

    def warning_lines(self) -> list[str]:
        return [f"{o.action.article} -> {o.action.endpoint}: {w}" for o in self.outcomes for w in o.warnings]


def backoff(attempt: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return min(retry_after, BACKOFF_CAP)
    return float(min(BACKOFF_BASE * 2**attempt, BACKOFF_CAP) * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not crypto)


def push(
    plan: Iterable[PlannedAction],
    config: Config,
    ledger: Ledger,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] = time.sleep,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    seen: Mapping[tuple[str, str], int] | None = None,
) -> PushResult:
    """Deliver every create, update and delete of `plan`; record refusals; return every outcome.

    `plan` may be a stream (plan.iter_plan): each delivery goes to its
    endpoint's workers as soon as it comes, so sending starts while later
    copies are still being rendered. Outcomes are in the order of the
    endpoints' names, then of the plan. `now` (default: the clock) dates the
    next attempt of a failed delivery; `progress(done, total)` is called after
    each delivery (from worker threads), `total` counting the deliveries
    planned so far (final once the plan is used up).

    Each delivery is claimed before it is sent (ledger_claims.py): `seen` holds the version of
    each row the plan read, and a delivery whose row changed since is left to whoever changed
    it (another runner sharing a PostgreSQL ledger). None: the caller holds the site's lock
    and is the only writer, and every delivery is claimed as the row is.
    """
    clock = now or dt.datetime.now(dt.UTC)
    tally = Tally(progress)
    shared = config.ledger
    claimer = Claimer(ledger, seen, shared.lease if shared else DEFAULT_LEASE, shared.batch if shared else 1)
    lanes: dict[str, Lane] = {}
    room = threading.Event()
    finished = False
    try:
        for action in plan:
            if action.action is Action.REFUSED:
                row = ledger.get(action.article, action.endpoint)
                if row is None or row.state != "refused" or row.last_error != action.reason:
                    ledger.refused(action.article, action.endpoint, action.reason)
            elif action.sends:
                lane = lanes.get(action.endpoint)
                if lane is None:
                    lane = lanes[action.endpoint] = Lane(
                        action.endpoint, config, claimer, environ, sleep, clock, tally, room, _deliver
                    )
                tally.planned += 1
                lane.put(action)
                keep_pace(lanes, room)
        finished = True
    finally:
        # when planning fails, what was queued is dropped: only deliveries under way finish
        for lane in lanes.values():
            lane.stop(cancel=not finished)
        try:
            for lane in lanes.values():
                lane.join()
        except BaseException:  # interrupted while waiting: drop what is queued, so that the process can end
            for lane in lanes.values():
                lane.stop(cancel=True)
            raise
    held = [h for name in sorted(lanes) if (h := lanes[name].held) is not None]
    outcomes = [outcome for name in sorted(lanes) for outcome in lanes[name].outcomes()]
    return PushResult(outcomes, held, sum(lane.elsewhere for lane in lanes.values()))


def _deliver(
    action: PlannedAction,
    client: Endpoint,
    ledger: Ledger,
    sleep: Callable[[float], None],
    stopped: list[CredentialsError],
    max_attempts: int,
    retries: int,
    now: dt.datetime,
    attempts: int,
    held: Held,
) -> Outcome:
    """Send one delivery whose attempt (`attempts`, with its key) its claim `held` recorded; record
    the outcome under that claim: none when another runner took the delivery over meanwhile (lost)."""
    key = action.idempotency_key()
    tries = max(1, retries)
    article, endpoint = action.article, action.endpoint
    for attempt in range(tries):
        try:
            remote = _send(action, client, key)
        except CredentialsError as e:
            stopped.append(e)
            return _outcome(action, ledger.failed(article, endpoint, e.message, None, held), False, e.message, e.hint)
        except DeliveryError as e:
            # a server asking for a longer wait than BACKOFF_CAP gets it: from a later run, not by sleeping now
            if e.transient and attempt + 1 < tries and (e.retry_after is None or e.retry_after <= BACKOFF_CAP):
                sleep(backoff(attempt, e.retry_after))
                continue
            # past max_attempts run gives up until the copy changes or `syndicate retry`
            retry_at = _later(now, e.retry_after) if e.transient and attempts < max_attempts else None
            return _outcome(
                action, ledger.failed(article, endpoint, e.message, retry_at, held), False, e.message, e.hint
            )
        if action.action is Action.DELETE:
            return _outcome(action, ledger.removed(article, endpoint, held), True, "deleted")
        assert remote is not None and action.copy is not None
        copy = action.copy
        kept = ledger.delivered(article, endpoint, remote.id, remote.url, copy.content_hash, copy.body_hash, held)
        return _outcome(action, kept, True, remote.url, remote=remote)
    raise AssertionError("unreachable: the last attempt returns")


def _outcome(
    action: PlannedAction, kept: bool, ok: bool, detail: str, hint: str = "", remote: Remote | None = None
) -> Outcome:
    """The outcome of a send; `kept`: whether the ledger took it (False: this runner's claim had
    lapsed and another runner took the delivery over: that runner's record stands)."""
    if kept:
        return Outcome(action, ok, detail, hint, remote)
    said = detail if ok else f"failed: {detail}"
    return Outcome(action, True, said, remote=remote, lost=True)


def _send(action: PlannedAction, client: Endpoint, key: str) -> Remote | None:
    if action.action is Action.DELETE:
        assert action.remote is not None
        if action.unpublish:
            client.unpublish(action.remote, action.article, key)
        else:
            client.delete(action.remote, action.article, key)
        return None
    assert action.copy is not None
    if action.action is Action.UPDATE:
        assert action.remote is not None
        return client.update(action.remote, action.copy, key)
    if action.remote is not None:  # a create of a copy taken down earlier: the endpoint may still keep it
        return client.restore(action.remote, action.copy, key)
    if action.recover:
        found = client.find(action.article, key)
        if found is not None:
            return client.update(found, action.copy, key)
    return client.create(action.copy, key)


def _later(now: dt.datetime, retry_after: float | None) -> str:
    delay = dt.timedelta(seconds=retry_after) if retry_after else RETRY_DELAY
    return (now + delay).isoformat(timespec="seconds")


def unopenable(config: Config, names: Iterable[str], environ: Mapping[str, str]) -> list[SyndicateError]:
    """Why each of these endpoints could not be used now (a secret's variable not set, ...), for
    `plan` and `push --dry-run`: the clients are made (and closed), nothing is sent."""
    problems = []
    for name in dict.fromkeys(names):
        settings = config.endpoint(name)
        try:
            if settings is not None:
                open_endpoint(settings, config.root, environ).close()
        except SyndicateError as e:
            problems.append(e)
    return problems
