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
only a couple of rounds ahead of the senders (see _keep_pace).
"""

from __future__ import annotations

import datetime as dt
import itertools
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from syndicate.config import Config
from syndicate.delivery.endpoints import open_endpoint
from syndicate.delivery.endpoints.base import Endpoint, Remote
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.plan import Action, PlannedAction
from syndicate.errors import CredentialsError, DeliveryError, SyndicateError

BACKOFF_BASE = 0.5  # seconds; doubled each retry, with jitter
BACKOFF_CAP = 30.0
#: when a failed row may be tried again by a later run
RETRY_DELAY = dt.timedelta(minutes=5)
#: rounds of deliveries (`concurrency` each) a lane keeps planned ahead of its senders
AHEAD = 2


@dataclass(frozen=True)
class Outcome:
    action: PlannedAction
    ok: bool
    detail: str
    hint: str = ""
    remote: Remote | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a delivery that succeeded had to leave out (a WordPress tag the site refused)."""
        return self.remote.warnings if self.remote else ()


@dataclass(frozen=True)
class HeldEndpoint:
    """An endpoint that could not be opened (a secret's variable not set): nothing sent or recorded there."""

    name: str
    error: SyndicateError
    #: the deliveries it had to make
    copies: int

    def line(self) -> str:
        copies = f"{self.copies} {'copy' if self.copies == 1 else 'copies'}"
        return f"{self.error.message}: {copies} not sent, nothing recorded"


@dataclass
class PushResult:
    outcomes: list[Outcome] = field(default_factory=list)
    #: endpoints whose copies were held back (not opened), in the order of their names
    held_endpoints: list[HeldEndpoint] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

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
) -> PushResult:
    """Deliver every create, update and delete of `plan`; record refusals; return every outcome.

    `plan` may be a stream (plan.iter_plan): each delivery goes to its
    endpoint's workers as soon as it comes, so sending starts while later
    copies are still being rendered. Outcomes are in the order of the
    endpoints' names, then of the plan. `now` (default: the clock) dates the
    next attempt of a failed delivery; `progress(done, total)` is called after
    each delivery (from worker threads), `total` counting the deliveries
    planned so far (final once the plan is used up).
    """
    clock = now or dt.datetime.now(dt.UTC)
    tally = _Tally(progress)
    lanes: dict[str, _Lane] = {}
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
                    lane = lanes[action.endpoint] = _Lane(
                        action.endpoint, config, ledger, environ, sleep, clock, tally, room
                    )
                tally.planned += 1
                lane.put(action)
                _keep_pace(lanes, room)
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
    return PushResult([outcome for name in sorted(lanes) for outcome in lanes[name].outcomes()], held)


def _keep_pace(lanes: Mapping[str, _Lane], room: threading.Event) -> None:
    """Before planning more, wait until some lane is running low.

    Planning holds the GIL (rendering a copy, building it); planning flat out
    makes each sending thread wait for the GIL every time it wakes (up to a
    switch interval, 5 ms, per wake), which held back the first deliveries by
    100 ms and more. A lane with AHEAD rounds of deliveries queued has all it
    can use; when every lane has, planning waits until a sender takes one.
    """
    while True:
        room.clear()
        if not all(lane.full for lane in lanes.values()):
            return
        room.wait(1.0)  # woken by a sender; the timeout only guards against a wake-up missed by mistake


class _Tally:
    """Deliveries planned and done, for the progress callback."""

    def __init__(self, progress: Callable[[int, int], None] | None) -> None:
        self.progress = progress
        #: only the planning thread adds to it
        self.planned = 0
        self._done = itertools.count(1)

    def advance(self) -> None:
        if self.progress is not None:
            self.progress(next(self._done), self.planned)


class _Lane:
    """One endpoint's deliveries: a queue the planner feeds, and up to `concurrency` threads sending from it."""

    def __init__(
        self,
        name: str,
        config: Config,
        ledger: Ledger,
        environ: Mapping[str, str],
        sleep: Callable[[float], None],
        now: dt.datetime,
        tally: _Tally,
        room: threading.Event,
    ) -> None:
        settings = config.endpoint(name)
        assert settings is not None
        self.name = name
        self._ledger, self._sleep, self._now, self._tally, self._room = ledger, sleep, now, tally, room
        self._max_attempts = config.run.max_attempts
        self._retries = settings.retries
        self._concurrency = settings.concurrency
        self._queue: queue.SimpleQueue[tuple[int, PlannedAction] | None] = queue.SimpleQueue()
        #: (position in the plan, outcome); list.append is atomic, so workers need no lock for it
        self._outcomes: list[tuple[int, Outcome]] = []
        self._count = 0
        self._stopped: list[CredentialsError] = []
        self._errors: list[Exception] = []
        self._cancelled = False
        self._threads: list[threading.Thread] = []
        self._client: Endpoint | None = None
        self._open_error: SyndicateError | None = None
        self._held = 0
        try:
            self._client = open_endpoint(settings, config.root, environ)
        except SyndicateError as e:
            self._open_error = e

    def put(self, action: PlannedAction) -> None:
        position, self._count = self._count, self._count + 1
        if self._open_error is not None:
            # neither sent nor recorded: one problem of the endpoint, said once by the caller, not a
            # failed row per copy; the next push or run after the environment is fixed sends them
            self._held += 1
            self._tally.advance()
            return
        self._queue.put((position, action))
        if len(self._threads) < self._concurrency:  # a thread per delivery until `concurrency` are running
            thread = threading.Thread(target=self._work, name=f"push-{self.name}-{len(self._threads)}")
            thread.start()
            self._threads.append(thread)

    @property
    def full(self) -> bool:
        """AHEAD rounds of deliveries are queued: planning more for this lane can wait."""
        return self._open_error is None and self._queue.qsize() >= AHEAD * self._concurrency

    def stop(self, cancel: bool = False) -> None:
        """No more deliveries will come; with `cancel`, those queued are dropped (those under way finish)."""
        self._cancelled = self._cancelled or cancel
        for _ in self._threads:
            self._queue.put(None)

    def join(self) -> None:
        """Wait until every delivery is done (after stop)."""
        for thread in self._threads:
            thread.join()
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def held(self) -> HeldEndpoint | None:
        """The endpoint held back, with its deliveries, when it could not be opened."""
        if self._open_error is None:
            return None
        return HeldEndpoint(self.name, self._open_error, self._held)

    def outcomes(self) -> list[Outcome]:
        """Every outcome, in plan order, once closed; an error a worker met (a bug) is raised here."""
        if self._errors:
            raise self._errors[0]
        return [outcome for _, outcome in sorted(self._outcomes, key=lambda pair: pair[0])]

    def _work(self) -> None:
        client = self._client
        assert client is not None
        while (item := self._queue.get()) is not None:
            if not self.full:
                self._room.set()  # planning may go on
            position, action = item
            if self._cancelled:
                continue
            try:
                if self._stopped:
                    stop = self._stopped[0]
                    outcome = Outcome(action, False, f"not tried: {stop.message}", stop.hint)
                else:
                    outcome = _deliver(
                        action,
                        client,
                        self._ledger,
                        self._sleep,
                        self._stopped,
                        self._max_attempts,
                        self._retries,
                        self._now,
                    )
                self._outcomes.append((position, outcome))
            except Exception as e:  # a bug, not a delivery failure: push raises it once every worker is done
                self._errors.append(e)
            finally:
                self._tally.advance()


def _deliver(
    action: PlannedAction,
    client: Endpoint,
    ledger: Ledger,
    sleep: Callable[[float], None],
    stopped: list[CredentialsError],
    max_attempts: int,
    retries: int,
    now: dt.datetime,
) -> Outcome:
    key = action.idempotency_key()
    attempts = ledger.begin_attempt(action.article, action.endpoint, action.action, key)
    tries = max(1, retries)
    for attempt in range(tries):
        try:
            remote = _send(action, client, key)
        except CredentialsError as e:
            stopped.append(e)
            ledger.failed(action.article, action.endpoint, e.message, None)
            return Outcome(action, False, e.message, e.hint)
        except DeliveryError as e:
            # a server asking for a longer wait than BACKOFF_CAP gets it: from a later run, not by sleeping now
            if e.transient and attempt + 1 < tries and (e.retry_after is None or e.retry_after <= BACKOFF_CAP):
                sleep(backoff(attempt, e.retry_after))
                continue
            # past max_attempts run gives up until the copy changes or `syndicate retry`
            retry_at = _later(now, e.retry_after) if e.transient and attempts < max_attempts else None
            ledger.failed(action.article, action.endpoint, e.message, retry_at)
            return Outcome(action, False, e.message, e.hint)
        if action.action is Action.DELETE:
            ledger.removed(action.article, action.endpoint)
            return Outcome(action, True, "deleted")
        assert remote is not None and action.copy is not None
        copy = action.copy
        ledger.delivered(action.article, action.endpoint, remote.id, remote.url, copy.content_hash, copy.body_hash)
        return Outcome(action, True, remote.url, remote=remote)
    raise AssertionError("unreachable: the last attempt returns")


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
