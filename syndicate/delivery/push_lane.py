"""push's lanes: each endpoint's queue of deliveries, and the threads that send from it (push.py).

Each sending thread takes a few deliveries from its queue at a time (one on
SQLite; `[ledger] batch` on PostgreSQL), claims them in one ledger transaction
(ledger_claims.py), and sends those it was given; another runner's are left to
it. When the push stops early (a credentials failure, an error while
planning), claims not started go back to the pool.
"""

from __future__ import annotations

import datetime as dt
import itertools
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from syndicate.config import Config
from syndicate.delivery.endpoints import open_endpoint
from syndicate.delivery.endpoints.base import Endpoint, Remote
from syndicate.delivery.ledger_claims import Claimer
from syndicate.delivery.plan import PlannedAction
from syndicate.errors import CredentialsError, SyndicateError

#: rounds of deliveries (`concurrency` each) a lane keeps planned ahead of its senders
AHEAD = 2

#: what push says of a send whose claim was lost (Outcome.lost)
LOST = (
    "this runner's claim on it ended during the send (its lease lapsed, and another runner took the "
    "delivery over); the newer record stands, and a later send finds this copy at the endpoint "
    "(or sends the same idempotency key)"
)
#: push._deliver: send one claimed delivery, record its outcome
Deliver = Callable[..., "Outcome"]


@dataclass(frozen=True)
class Outcome:
    action: PlannedAction
    ok: bool
    detail: str
    hint: str = ""
    remote: Remote | None = None
    #: sent, but this runner's claim had lapsed meanwhile and another runner took the delivery over:
    #: nothing recorded over its newer row (it finds the copy by `find` or the same idempotency key)
    lost: bool = False

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a delivery that succeeded had to leave out (a WordPress tag the site refused), and a
        send whose claim was lost."""
        lost = (f"{self.detail}; not recorded: {LOST}",) if self.lost else ()
        return (self.remote.warnings if self.remote else ()) + lost


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


def keep_pace(lanes: Mapping[str, Lane], room: threading.Event) -> None:
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


class Tally:
    """Deliveries planned and done, for the progress callback."""

    def __init__(self, progress: Callable[[int, int], None] | None) -> None:
        self.progress = progress
        #: only the planning thread adds to it
        self.planned = 0
        self._done = itertools.count(1)

    def advance(self) -> None:
        if self.progress is not None:
            self.progress(next(self._done), self.planned)


class Lane:
    """One endpoint's deliveries: a queue the planner feeds, and up to `concurrency` threads sending from it."""

    def __init__(
        self,
        name: str,
        config: Config,
        claimer: Claimer,
        environ: Mapping[str, str],
        sleep: Callable[[float], None],
        now: dt.datetime,
        tally: Tally,
        room: threading.Event,
        deliver: Deliver,
    ) -> None:
        settings = config.endpoint(name)
        assert settings is not None
        self.name = name
        self._ledger, self._sleep, self._now, self._tally, self._room = claimer.ledger, sleep, now, tally, room
        self._claimer, self._deliver = claimer, deliver
        #: deliveries another runner took
        self.elsewhere = 0
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
        #: claims this lane began to deliver (those it did not go back to the pool when it stops)
        self._started: set[tuple[str, str]] = set()
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
        while (item := self._queue.get()) is not None:
            batch = [item, *self._more()]
            if not self.full:
                self._room.set()  # planning may go on
            taken: dict[tuple[str, str], int] = {}
            if not (self._cancelled or self._stopped):
                try:
                    taken = self._claimer.take((a.article, a.endpoint, a.action, a.idempotency_key()) for _, a in batch)
                except Exception as e:  # the ledger failed: push raises it once every worker is done
                    self._errors.append(e)
            for index, (position, action) in enumerate(batch):
                self._one(position, action, taken, first=index == 0)
            if not self._cancelled and not self._stopped:
                continue
            try:  # claims taken and not started go back to the pool at once, without waiting for their lease
                self._claimer.give_back(pair for pair in taken if pair not in self._started)
            except Exception as e:
                self._errors.append(e)

    def _more(self) -> list[tuple[int, PlannedAction]]:
        """Up to a batch's worth of the deliveries queued, without waiting for more."""
        more: list[tuple[int, PlannedAction]] = []
        while len(more) + 1 < self._claimer.batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # another thread's, or this one's next
                break
            more.append(item)
        return more

    def _one(self, position: int, action: PlannedAction, taken: Mapping[tuple[str, str], int], first: bool) -> None:
        """One delivery of a batch whose claims were taken (those in `taken`)."""
        client = self._client
        assert client is not None
        pair = (action.article, action.endpoint)
        try:
            if self._cancelled or (pair not in taken and self._errors):
                return
            if self._stopped:
                stop = self._stopped[0]
                outcome = Outcome(action, False, f"not tried: {stop.message}", stop.hint)
            elif pair not in taken or not (first or self._claimer.keep(*pair)):
                self.elsewhere += 1  # another runner's: it records the outcome
                return
            else:
                self._started.add(pair)
                outcome = self._deliver(
                    action,
                    client,
                    self._ledger,
                    self._sleep,
                    self._stopped,
                    self._max_attempts,
                    self._retries,
                    self._now,
                    taken[pair],
                    self._claimer.held(*pair),
                )
            self._outcomes.append((position, outcome))
        except Exception as e:  # a bug, not a delivery failure: push raises it once every worker is done
            self._errors.append(e)
        finally:
            self._tally.advance()
