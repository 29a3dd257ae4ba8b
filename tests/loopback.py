"""Real HTTP servers on 127.0.0.1: one that records what it receives (webhook and hub tests), and one
that serves a folder (the pages tested in a browser)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    url: str
    requests: list[Received] = field(default_factory=list)
    #: the status requests get once `script` is used up
    status: int = 200
    #: statuses for the next requests, in order (e.g. [500, 200])
    script: list[int] = field(default_factory=list)
    #: seconds to wait before answering
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    #: the body of every answer
    answer: bytes = b""
    #: when set, the status and body of the answer to each request (instead of the above)
    respond: Callable[[Received], tuple[int, bytes]] | None = None

    def next_status(self) -> int:
        return self.script.pop(0) if self.script else self.status


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            received = Received("POST", self.path, dict(self.headers), body)
            recorder.requests.append(received)
            if recorder.delay:
                time.sleep(recorder.delay)
            if recorder.respond:
                status, answer = recorder.respond(received)
            else:
                status, answer = recorder.next_status(), recorder.answer
            self.send_response(status)
            for name, value in recorder.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class NoScripts(QuietHandler):
    """Serves with JavaScript off: Chromium's switches for it leave headless pages' scripts running
    (or print nothing), a Content-Security-Policy of no scripts does not."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", "script-src 'none'")
        super().end_headers()


@contextmanager
def folder_server(folder: Path, scripts: bool = True) -> Iterator[str]:
    """`folder` over HTTP on loopback, as a site serves it (browsers may refuse XSLT from file://
    URLs); with scripts=False, JavaScript is off. Yields the folder's address, ending in '/'."""
    handler = QuietHandler if scripts else NoScripts
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
