"""A Mastodon API server on 127.0.0.1 for the mastodon endpoint's tests, written from Mastodon's
documentation (docs.joinmastodon.org: methods/statuses, methods/instance, api/rate-limits), since no
real Mastodon (Ruby on Rails, PostgreSQL, Redis) can run on the test machine.

What it does as Mastodon does:
- Bearer tokens: a wrong or missing one is 401 {"error": "The access token is invalid"}.
- GET /api/v2/instance: configuration.statuses.max_characters and characters_reserved_per_url.
- POST /api/v1/statuses: the length rule of Mastodon's StatusLengthValidator (every http(s) URL counts as
  characters_reserved_per_url), 422 {"error": "Validation failed: ..."} beyond it, for a blank text or an
  unknown visibility; an Idempotency-Key repeated within an hour answers the status made the first time
  (404 when that status was deleted since).
- PUT /api/v1/statuses/:id edits (edited_at set; id and url kept), DELETE answers the deleted status with
  its source text, both 404 {"error": "Record not found"} for an id that is not there.
- GET /api/v1/accounts/verify_credentials, /api/v1/apps/verify_credentials (the token's application), and
  /api/v1/accounts/:id/statuses (newest first, `limit`); a status's content is HTML, its links anchors
  whose href is the whole address, and it names the application that posted it.
- Rate limits: every answer carries X-RateLimit-Limit/Remaining/Reset (ISO 8601); past the limit, 429
  {"error": "Too many requests"} until the window resets.
Not Mastodon: one account, statuses kept in memory, the window's size set by the test (Mastodon's is 300
calls in 5 minutes), `clock` settable, and `faults`, answers forced for the next requests.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
IDEMPOTENCY_SECONDS = 3600


@dataclass
class Mastodon:
    url: str = ""
    token: str = "test-token-" + "x" * 20
    account_id: str = "109000000000000001"
    app_name: str = "syndicate-tests"
    max_characters: int = 500
    #: the limit the server enforces, when it differs from what the instance says (a misconfigured one)
    enforced: int | None = None
    rate_limit: int = 300
    window: float = 300.0
    clock: Callable[[], float] = time.time
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (key) -> (status id, when)
    idempotency: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: (method, path, status) of every request answered
    log: list[tuple[str, str, int]] = field(default_factory=list)
    #: (status, body) answered to the next requests, in order
    faults: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(110_000_000_000_000_001))
    _window_start: float = 0.0
    _used: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def live(self) -> list[dict[str, Any]]:
        return [s for s in self.statuses.values() if not s.get("deleted")]

    def _rate(self) -> tuple[bool, dict[str, str]]:
        now = self.clock()
        if now - self._window_start >= self.window:
            self._window_start, self._used = now, 0
        self._used += 1
        reset = dt.datetime.fromtimestamp(self._window_start + self.window, dt.UTC)
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit - self._used)),
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        return self._used <= self.rate_limit, headers

    def answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            allowed, rate = self._rate()
            if self.faults:
                status, fault = self.faults.pop(0)
                return status, fault, rate
            if not allowed:
                return 429, {"error": "Too many requests"}, rate
            if headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"error": "The access token is invalid"}, rate
            status, data = self._route(method, path, query, headers, body)
            return status, data, rate

    def _route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if method == "GET" and path == "/api/v2/instance":
            statuses = {"max_characters": self.max_characters, "characters_reserved_per_url": 23}
            return 200, {"domain": "127.0.0.1", "version": "4.3.0", "configuration": {"statuses": statuses}}
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, {"id": self.account_id, "username": "newsroom", "acct": "newsroom"}
        if method == "GET" and path == "/api/v1/apps/verify_credentials":
            return 200, {"name": self.app_name, "website": None}
        if method == "GET" and path == f"/api/v1/accounts/{self.account_id}/statuses":
            limit = int(query.get("limit", "20"))
            return 200, sorted(self.live(), key=lambda s: int(s["id"]), reverse=True)[:limit]
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            return 400, {"error": "Invalid JSON"}
        if method == "POST" and path == "/api/v1/statuses":
            key = headers.get("idempotency-key")
            if key and key in self.idempotency and self.clock() - self.idempotency[key][1] < IDEMPOTENCY_SECONDS:
                earlier = self.statuses[self.idempotency[key][0]]  # Mastodon finds it again: gone, a 404
                return (404, {"error": "Record not found"}) if earlier.get("deleted") else (200, earlier)
            problem = self._invalid(params, check_visibility=True)
            if problem:
                return 422, {"error": f"Validation failed: {problem}"}
            status_id = str(next(self._ids))
            status = {
                "id": status_id,
                "uri": f"{self.url}/users/newsroom/statuses/{status_id}",
                "url": f"{self.url}/@newsroom/{status_id}",
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "edited_at": None,
                "visibility": params.get("visibility", "public"),
                "language": params.get("language"),
                "spoiler_text": params.get("spoiler_text", ""),
                "content": content(params["status"]),
                "text": params["status"],
                "application": {"name": self.app_name, "website": None},
            }
            self.statuses[status_id] = status
            if key:
                self.idempotency[key] = (status_id, self.clock())
            return 200, status
        match = re.fullmatch(r"/api/v1/statuses/([^/]+)", path)
        if match is None:
            return 404, {"error": "Not found"}
        found = self.statuses.get(match.group(1))
        if found is None or found.get("deleted"):
            return 404, {"error": "Record not found"}
        status = found
        if method == "GET":
            return 200, status
        if method == "PUT":
            problem = self._invalid(params, check_visibility=False)
            if problem:
                return 422, {"error": f"Validation failed: {problem}"}
            status.update(
                text=params["status"],
                content=content(params["status"]),
                spoiler_text=params.get("spoiler_text", ""),
                edited_at=dt.datetime.now(dt.UTC).isoformat(),
            )
            return 200, status
        if method == "DELETE":
            status["deleted"] = True
            return 200, status
        return 404, {"error": "Not found"}

    def _invalid(self, params: dict[str, Any], check_visibility: bool) -> str:
        text = params.get("status")
        if not isinstance(text, str) or not text.strip():
            return "Text can't be blank"
        limit = self.enforced or self.max_characters
        countable = _URL.sub("x" * 23, text) + str(params.get("spoiler_text", ""))
        if len(countable) > limit:
            return f"Text character limit of {limit} exceeded"
        if check_visibility and params.get("visibility", "public") not in ("public", "unlisted", "private", "direct"):
            return "Visibility is not included in the list"
        return ""


def content(text: str) -> str:
    """A status's text as Mastodon shows it: HTML paragraphs, each link an anchor to the whole address
    that shows it shortened (spans for the scheme, the first 30 characters and the rest)."""

    def anchor(match: re.Match[str]) -> str:
        url = html.unescape(match[0])
        scheme, _, rest = url.partition("://")
        shown = (
            f'<span class="invisible">{html.escape(scheme)}://</span><span class="ellipsis">'
            f'{html.escape(rest[:30])}</span><span class="invisible">{html.escape(rest[30:])}</span>'
        )
        return f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener">{shown}</a>'

    paragraphs = html.escape(text, quote=False).split("\n\n")
    return "".join("<p>" + _URL.sub(anchor, p).replace("\n", "<br />") + "</p>" for p in paragraphs)


@contextmanager
def mastodon_server() -> Iterator[Mastodon]:
    server_state = Mastodon()

    class Handler(BaseHTTPRequestHandler):
        def handle_any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            path, _, query = self.path.partition("?")
            params = dict(urllib.parse.parse_qsl(query))
            status, data, extra = server_state.answer(self.command, path, params, headers, body)
            server_state.log.append((self.command, path, status))
            content = json.dumps(data).encode()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
