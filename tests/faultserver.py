"""A loopback HTTP server that misbehaves on cue: webhook- or WordPress-shaped.

Each request is recorded. By default the server behaves (a webhook receiver
that answers JSON; a small WordPress REST API with posts, tags and
categories, behind Basic auth). A test queues `Fault`s: the first queued fault
that matches a request (method, path, article) is used up on it. A fault may
let the request take effect first (`apply=True`: the post is created, then the
answer is slow, cut or garbled), which is what makes duplicates possible.

Faults: a status with headers and body (429 + Retry-After, 500, 413, 401,
non-JSON), a slow answer, a connection reset in the middle of the body, a body
dripped a byte at a time, and a redirect to another server.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests import loopback


@dataclass
class Received(loopback.Received):
    #: the article the request is about (webhook "article", WordPress "slug"), when it names one
    article: str | None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Fault:
    #: "status", "slow", "reset", "drip" or "redirect"
    kind: str = "status"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"message": "injected failure"}'
    #: seconds: how long a slow answer waits; between bytes of a dripped one
    delay: float = 0.0
    #: where a redirect points
    location: str = ""
    #: the request takes effect before the fault (a post is created, a webhook event is accepted)
    apply: bool = False
    #: the body made from the request's headers instead of `body` (a server repeating what it was sent)
    echo: Callable[[dict[str, str]], bytes] | None = None
    #: which requests it may hit: None matches any
    method: str | None = None
    path: str | None = None
    article: str | None = None

    def matches(self, method: str, path: str, article: str | None) -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.path is None or self.path in path)
            and (self.article is None or self.article == article)
        )


@dataclass
class Post:
    id: int
    slug: str
    title: str
    content: str
    excerpt: str
    status: str
    tags: list[int]
    categories: list[int]


class FaultServer:
    def __init__(self, shape: str, user: str = "editor", password: str = "") -> None:
        assert shape in ("webhook", "wordpress")
        self.shape = shape
        self.user, self.password = user, password
        self.url = ""
        self.requests: list[Received] = []
        self.faults: list[Fault] = []
        self.posts: dict[int, Post] = {}
        self.terms: dict[str, dict[int, str]] = {"tags": {}, "categories": {}}
        #: webhook events accepted, by idempotency key (a receiver drops repeats)
        self.events: dict[str, dict[str, Any]] = {}
        #: a body to answer with instead of the normal one (hostile receivers)
        self.answer: bytes | None = None
        self._lock = threading.Lock()
        self._ids = 100

    # -- what tests look at ------------------------------------------------------------------

    def posts_with_slug(self, slug: str) -> list[Post]:
        return [p for p in self.posts.values() if p.slug == slug and p.status != "trash"]

    def received(self, article: str | None = None, method: str | None = None) -> list[Received]:
        return [
            r
            for r in self.requests
            if (article is None or r.article == article) and (method is None or r.method == method)
        ]

    # -- the behaviour -------------------------------------------------------------------------

    def take_fault(self, method: str, path: str, article: str | None) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if fault.matches(method, path, article):
                    return self.faults.pop(index)
        return None

    def authorised(self, headers: dict[str, str]) -> bool:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return headers.get("Authorization") == f"Basic {expected}"

    def handle(self, method: str, target: str, body: bytes) -> tuple[int, Any]:
        """The normal answer: (status, JSON value)."""
        if self.shape == "webhook":
            return self._webhook(body)
        return self._wordpress(method, target, body)

    def _webhook(self, body: bytes) -> tuple[int, Any]:
        payload = json.loads(body)
        return 200, {"id": f"hook-{payload['article']}", "url": f"https://receiver.example/{payload['article']}"}

    def _route(self, target: str) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(target)
        query = parse_qs(parts.query)
        if "rest_route" in query:
            return query.pop("rest_route")[0], query
        return parts.path.removeprefix("/wp-json"), query

    def _wordpress(self, method: str, target: str, body: bytes) -> tuple[int, Any]:
        route, query = self._route(target)
        if route in ("", "/"):
            return 200, {"name": "Fault WordPress", "namespaces": ["wp/v2"]}
        data = json.loads(body) if body else {}
        with self._lock:
            if route == "/wp/v2/posts" and method == "GET":
                slug = query.get("slug", [""])[0]
                return 200, [self._post_json(p) for p in self.posts_with_slug(slug)]
            if route == "/wp/v2/posts" and method == "POST":
                self._ids += 1
                post = Post(
                    self._ids,
                    data["slug"],
                    data["title"],
                    data["content"],
                    data.get("excerpt", ""),
                    data.get("status", "publish"),
                    data.get("tags", []),
                    data.get("categories", []),
                )
                self.posts[post.id] = post
                return 201, self._post_json(post)
            if route.startswith("/wp/v2/posts/"):
                post_id = int(route.rsplit("/", 1)[1])
                found = self.posts.get(post_id)
                if found is None or found.status == "trash":
                    return 404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."}
                if method == "DELETE":
                    found.status = "trash"
                    return 200, self._post_json(found)
                for name in ("title", "content", "excerpt", "status", "slug", "tags", "categories"):
                    if name in data:
                        setattr(found, name, data[name])
                return 200, self._post_json(found)
            taxonomy = route.removeprefix("/wp/v2/")
            if taxonomy in self.terms:
                terms = self.terms[taxonomy]
                if method == "GET":
                    search = query.get("search", [""])[0].lower()
                    return 200, [{"id": i, "name": n} for i, n in terms.items() if search in n.lower()]
                if data["name"].lower() in (n.lower() for n in terms.values()):
                    term_id = next(i for i, n in terms.items() if n.lower() == data["name"].lower())
                    return 400, {"code": "term_exists", "message": "A term with the name provided already exists.",
                                 "data": {"status": 400, "term_id": term_id}}  # fmt: skip
                self._ids += 1
                terms[self._ids] = data["name"]
                return 201, {"id": self._ids, "name": data["name"]}
        return 404, {"code": "rest_no_route", "message": "No route was found matching the URL and request method."}

    def _post_json(self, post: Post) -> dict[str, Any]:
        return {"id": post.id, "slug": post.slug, "status": post.status, "link": f"{self.url}?p={post.id}",
                "title": {"raw": post.title}, "content": {"raw": post.content}}  # fmt: skip


def _article_of(shape: str, method: str, target: str, body: bytes) -> str | None:
    try:
        if shape == "webhook" and body:
            return str(json.loads(body).get("article"))
        if body:
            slug = json.loads(body).get("slug")
            if slug:
                return str(slug)
        found = parse_qs(urlsplit(target).query).get("slug")
        return found[0] if found else None
    except (ValueError, AttributeError):
        return None


@contextmanager
def fault_server(
    shape: str, user: str = "editor", password: str = "", host: str = "127.0.0.1"
) -> Iterator[FaultServer]:
    server_state = FaultServer(shape, user, password)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()  # headers and body go out in two writes: no Nagle wait between them
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length", 0) or 0)
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            article = _article_of(server_state.shape, self.command, self.path, body)
            server_state.requests.append(Received(self.command, self.path, headers, body, article))
            fault = server_state.take_fault(self.command, self.path, article)
            redirect = fault is not None and fault.kind == "redirect"
            if server_state.shape == "wordpress" and not server_state.authorised(headers) and not redirect:
                self._send(401, json.dumps({"code": "rest_not_logged_in", "message": "Not logged in."}).encode())
                return
            status, content = 200, b""
            if fault is None or fault.apply:
                status, answer = server_state.handle(self.command, self.path, body)
                content = server_state.answer if server_state.answer is not None else json.dumps(answer).encode()
            if fault is None:
                self._send(status, content)
            elif fault.kind == "status":
                self._send(fault.status, fault.echo(headers) if fault.echo else fault.body, fault.headers)
            elif fault.kind == "redirect":
                self._send(fault.status if 300 <= fault.status < 400 else 307, b"", {"Location": fault.location})
            elif fault.kind == "slow":
                time.sleep(fault.delay)
                self._send(status if fault.apply else fault.status, content if fault.apply else fault.body)
            elif fault.kind == "reset":
                self._reset_mid_body(content if fault.apply else fault.body)
            elif fault.kind == "drip":
                self._drip(content if fault.apply else fault.body, fault.delay)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def _send(self, status: int, content: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _reset_mid_body(self, content: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content) + 100))
            self.end_headers()
            self.wfile.write(content[: max(1, len(content) // 2)])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()  # with linger 0: a TCP reset

        def _drip(self, content: bytes, delay: float) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content) + 1000))
            self.end_headers()
            try:
                for index in range(len(content) + 1000):
                    self.wfile.write(content[index : index + 1] or b" ")
                    self.wfile.flush()
                    time.sleep(delay)
            except OSError:
                pass  # the client gave up, as it should
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
