"""Reading the page of a copy out in the world, politely and safely, for `audit`.

- The endpoints' careful HTTP client (endpoints/http.py): the whole page within
  the time limit and at most MAX_PAGE_BYTES, read a chunk at a time.
- No credentials: no ~/.netrc, no cookies kept, no Authorization header. The
  pages are public; whatever a partner's server sets is not sent back.
- Redirects within the same host name are followed (at most MAX_REDIRECTS, a
  loop is named); one to another host is not: its page is not the copy the
  ledger records, and following it would let a partner point the audit anywhere.
- Per host, at most one request every `interval` seconds (redirects count), and
  never two at once: by_host() reads several hosts at a time, each a copy after
  another.
- Conditional: given the ETag and Last-Modified of the last read, the request
  says If-None-Match / If-Modified-Since; a 304 answer is returned as it is.

A page that cannot be read is a PageError saying why, in words for one line.
"""

from __future__ import annotations

import http.cookiejar
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests

from syndicate import __version__
from syndicate.delivery.endpoints.http import endpoint_timeout, make_session, printable, read_page
from syndicate.errors import DeliveryError

T = TypeVar("T")
#: a copy's page larger than this is not read (the importer's limit for a page too)
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = f"syndicate/{__version__} (audit of syndicated copies)"
#: what counts as an HTML page
HTML_TYPES = ("text/html", "application/xhtml+xml")


class PageError(DeliveryError):
    """The page could not be read: `status` is the last HTTP status seen, if any."""

    def __init__(self, message: str, hint: str = "", status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


@dataclass(frozen=True)
class Page:
    """An answer read whole: its status, the address it came from (after redirects), its type and body."""

    url: str
    status: int
    content_type: str
    body: bytes
    charset: str | None
    #: the validators of the answer, for the next audit's conditional request ("" when none)
    etag: str = ""
    last_modified: str = ""
    #: the X-Robots-Tag header, folded to lower case ("" when none)
    robots: str = ""

    @property
    def is_html(self) -> bool:
        if not self.content_type:  # no type given: what the bytes look like
            head = self.body[:1024].lstrip().lower()
            return head.startswith((b"<!doctype html", b"<html"))
        return self.content_type in HTML_TYPES


class HostPacer:
    """At most one request to a host every `interval` seconds: `wait(host)` sleeps until its turn."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = max(0.0, interval)
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> None:
        now = self._clock()
        due = self._next.get(host, now)
        if due > now:
            self._sleep(due - now)
            now = due
        self._next[host] = now + self.interval

    def due(self, host: str) -> float:
        """When `host` may next be asked (on the pacer's clock; 0 for a host never asked)."""
        return self._next.get(host, 0.0)


def by_host(queues: Mapping[str, Sequence[T]], pacer: HostPacer, workers: int, handle: Callable[[T], None]) -> None:
    """`handle` every item, the items of each host one after another and never two of one host at
    once, on up to `workers` threads: each free worker takes the next item of the free host whose
    turn (pacer.due) comes first, so that no host waits while another is read through to its end."""
    pending = {host: deque(items) for host, items in queues.items() if items}
    busy: set[str] = set()
    ready = threading.Condition()

    def work() -> None:
        while True:
            with ready:
                while not (free := [h for h, items in pending.items() if items and h not in busy]):
                    if not any(pending.values()):
                        return
                    ready.wait()
                host = min(free, key=pacer.due)
                item = pending[host].popleft()
                busy.add(host)
            try:
                handle(item)
            finally:
                with ready:
                    busy.discard(host)
                    ready.notify_all()

    count = max(1, min(workers, len(pending)))
    if count == 1:
        work()
        return
    with ThreadPoolExecutor(count, thread_name_prefix="audit") as pool:
        for future in [pool.submit(work) for _ in range(count)]:
            future.result()


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Keeps no cookie: nothing a partner's server sets is sent back."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


class PageReader:
    """Reads pages for one audit: one session per host, the pacer shared by all."""

    def __init__(self, pacer: HostPacer, timeout: float | None = None) -> None:
        self.pacer = pacer
        self.timeout = endpoint_timeout(timeout)
        self._sessions: dict[str, requests.Session] = {}

    def read(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Page:
        """The page at `url`, after same-host redirects; a PageError when it cannot be had. With the
        validators of the last read, asked conditionally: a 304 Page when it has not changed."""
        seen = [url]
        host = _host(url)
        current = url
        conditions = {"If-None-Match": etag or "", "If-Modified-Since": last_modified or ""}
        conditions = {name: value for name, value in conditions.items() if value}
        while True:
            page = self._get(current, host, conditions)
            if not 300 <= page.status < 400 or page.status == 304:
                return page
            location = page.location
            if not location:
                raise PageError(f"answered HTTP {page.status} without saying where to", "", page.status)
            target = urljoin(current, location)
            shown = printable(target, 200)
            if urlsplit(target).scheme.lower() not in ("http", "https") or _host(target) != host:
                raise PageError(
                    f"redirected to another host ({shown}): not followed",
                    "the page is no longer where syndicate recorded it: ask the partner where the copy went",
                    page.status,
                )
            if target in seen:
                raise PageError(
                    f"a redirect loop ({shown} again)", "the partner's server is misconfigured", page.status
                )
            if len(seen) > MAX_REDIRECTS:
                raise PageError(f"more than {MAX_REDIRECTS} redirects", "the partner's server is misconfigured")
            seen.append(target)
            current = target

    def _get(self, url: str, host: str, conditions: dict[str, str]) -> _Answer:
        self.pacer.wait(host)
        try:
            response = read_page(self._session(url, host), url, self.timeout, MAX_PAGE_BYTES, conditions)
        except DeliveryError as e:
            raise PageError(e.message, e.hint) from e
        headers = response.headers
        kind, charset = _content_type(headers.get("Content-Type", ""))
        return _Answer(
            url,
            response.status_code,
            kind,
            response.content,
            charset,
            printable(headers.get("ETag", ""), 200),
            printable(headers.get("Last-Modified", ""), 100),
            headers.get("X-Robots-Tag", "").lower(),
            headers.get("Location", ""),
        )

    def _session(self, url: str, host: str) -> requests.Session:
        session = self._sessions.get(host)
        if session is None:
            session = make_session(url)
            session.auth = None  # never the ~/.netrc credentials make_session reads for an endpoint
            session.cookies.set_policy(_NoCookies())
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"})
            self._sessions[host] = session
        return session

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()


@dataclass(frozen=True)
class _Answer(Page):
    location: str = ""


def _content_type(header: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from "text/html; charset=UTF-8"."""
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
