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
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from syndicate.config import Config
from syndicate.endpoints import Endpoint, Remote, open_endpoint
from syndicate.errors import CredentialsError, DeliveryError, SyndicateError
from syndicate.ledger import Ledger
from syndicate.plan import PlannedAction

RETRIES = 3
BACKOFF_BASE = 0.5  # seconds; doubled each retry, with jitter
BACKOFF_CAP = 30.0
#: when a failed row may be tried again by a later run
RETRY_DELAY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    action: PlannedAction
    ok: bool
    detail: str
    hint: str = ""
    remote: Remote | None = None


@dataclass
class PushResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def backoff(attempt: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return min(retry_after, BACKOFF_CAP)
    return float(min(BACKOFF_BASE * 2**attempt, BACKOFF_CAP) * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not crypto)


def push(
    plan: Sequence[PlannedAction],
    config: Config,
    ledger: Ledger,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] = time.sleep,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PushResult:
    """Deliver every create, update and delete of `plan`; record refusals; return every outcome.

    `now` (default: the clock) dates the next attempt of a failed delivery;
    `progress(done, total)` is called after each delivery (from worker threads).
    """
    result = PushResult()
    clock = now or dt.datetime.now(dt.UTC)
    for action in plan:
        if action.action == "refused":
            row = ledger.get(action.article, action.endpoint)
            if row is None or row.state != "refused" or row.last_error != action.reason:
                ledger.refused(action.article, action.endpoint, action.reason)
    by_endpoint: dict[str, list[PlannedAction]] = {}
    for action in plan:
        if action.sends:
            by_endpoint.setdefault(action.endpoint, []).append(action)
    if not by_endpoint:
        return result
    total = sum(len(actions) for actions in by_endpoint.values())
    counter = itertools.count(1)

    def advance() -> None:
        if progress is not None:
            progress(next(counter), total)

    with ThreadPoolExecutor(max_workers=len(by_endpoint)) as pool:
        futures = [
            pool.submit(_push_endpoint, name, actions, config, ledger, environ, sleep, clock, advance)
            for name, actions in sorted(by_endpoint.items())
        ]
        for future in futures:
            result.outcomes.extend(future.result())
    return result


def _push_endpoint(
    name: str,
    actions: list[PlannedAction],
    config: Config,
    ledger: Ledger,
    environ: Mapping[str, str],
    sleep: Callable[[float], None],
    now: dt.datetime,
    advance: Callable[[], None],
) -> list[Outcome]:
    settings = config.endpoint(name)
    assert settings is not None
    try:
        client = open_endpoint(settings, config.root, environ)
    except SyndicateError as e:
        return [Outcome(a, False, e.message, e.hint) for a in actions]
    stopped: list[CredentialsError] = []
    concurrency = int(settings.settings.get("concurrency", 2))
    retries = int(settings.settings.get("retries", RETRIES))

    def deliver(action: PlannedAction) -> Outcome:
        try:
            if stopped:
                return Outcome(action, False, f"not tried: {stopped[0].message}", stopped[0].hint)
            return _deliver(action, client, ledger, sleep, stopped, config.run.max_attempts, retries, now)
        finally:
            advance()

    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            return list(pool.map(deliver, actions))
    finally:
        client.close()


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
        if action.action == "delete":
            ledger.removed(action.article, action.endpoint)
            return Outcome(action, True, "deleted")
        assert remote is not None and action.copy is not None
        ledger.delivered(action.article, action.endpoint, remote.id, remote.url, action.copy.content_hash)
        return Outcome(action, True, remote.url, remote=remote)
    raise AssertionError("unreachable: the last attempt returns")


def _send(action: PlannedAction, client: Endpoint, key: str) -> Remote | None:
    if action.action == "delete":
        assert action.remote is not None
        client.delete(action.remote, action.article, key)
        return None
    assert action.copy is not None
    if action.action == "update":
        assert action.remote is not None
        return client.update(action.remote, action.copy, key)
    if action.recover:
        found = client.find(action.article, key)
        if found is not None:
            return client.update(found, action.copy, key)
    return client.create(action.copy, key)


def _later(now: dt.datetime, retry_after: float | None) -> str:
    delay = dt.timedelta(seconds=retry_after) if retry_after else RETRY_DELAY
    return (now + delay).isoformat(timespec="seconds")
