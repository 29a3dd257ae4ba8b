"""Rate-limit headers (Mastodon's X-RateLimit-*, atproto's RateLimit-*): wait, never hammer.

Every answer's headers are read (a `requests` response hook): when the calls
left in the window run out, or the server answers 429, the next call of any
thread of the endpoint waits until the window resets. A wait longer than
MAX_WAIT is not slept through: the call fails as transient with the time to
wait, and the delivery is tried again by a later run (push records it).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from syndicate.delivery.endpoints.http import StatusError, json_body, request
from syndicate.errors import DeliveryError

#: the longest a call waits for a rate-limit window to reset within a run (seconds)
MAX_WAIT = 60.0
#: the longest reset honoured (a server asking for longer is asked again after this)
MAX_RESET = 3600.0


class RatePacer:
    """One endpoint's view of its rate limit, shared by its threads."""

    def __init__(self, name: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.sleep = sleep
        self._lock = threading.Lock()
        #: time.monotonic() before which no call is made (0: none)
        self._until = 0.0

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """The hook for every answer: remember the reset when the window is used up."""
        headers = response.headers
        remaining = headers.get("X-RateLimit-Remaining", headers.get("RateLimit-Remaining"))
        if response.status_code != 429 and (remaining is None or remaining.strip() not in ("0", "-0")):
            return
        wait = reset_seconds(headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset"))
        if wait is None:
            wait = 1.0 if response.status_code != 429 else 5.0
        with self._lock:
            self._until = max(self._until, time.monotonic() + wait)

    def seconds_left(self) -> float:
        with self._lock:
            return max(0.0, self._until - time.monotonic())

    def wait(self) -> None:
        """Before a call: wait out a used-up window (at most MAX_WAIT; longer is a transient failure)."""
        left = self.seconds_left()
        if left <= 0:
            return
        if left > MAX_WAIT:
            raise DeliveryError(
                f"endpoint {self.name!r}: rate limit reached; the server resets it in {left:.0f} s",
                "syndicate tries again in a later run",
                transient=True,
                retry_after=left,
            )
        self.sleep(left)


def reset_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """A reset header as seconds from now: an ISO 8601 time (Mastodon) or Unix seconds (atproto)."""
    if not value:
        return None
    value = value.strip()
    now = now or dt.datetime.now(dt.UTC)
    try:
        if value.replace(".", "", 1).isdigit():
            when = dt.datetime.fromtimestamp(float(value), dt.UTC)
        else:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        seconds = (when - now).total_seconds()
    except (ValueError, OverflowError, OSError):
        return None
    return min(max(seconds, 0.0), MAX_RESET)


def paced_call(pacer: RatePacer, session: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
    """http.request() after any wait the rate limit asks for; its JSON answer. A 429 is a transient
    failure that says when to try again (the reset the headers gave: these servers send no Retry-After)."""
    pacer.wait()
    try:
        response = request(session, method, url, pacer.name, **kwargs)
    except StatusError as e:
        if e.status == 429:
            raise StatusError(
                e.message, e.hint, e.status, e.code, transient=True, retry_after=pacer.seconds_left()
            ) from e
        raise
    try:
        return json_body(response)
    except ValueError as e:
        raise DeliveryError(
            f"endpoint {pacer.name!r}: {method} {url} did not answer JSON",
            "is the url the service's address?",
            transient=True,
        ) from e
