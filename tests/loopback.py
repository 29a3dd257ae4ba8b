"""A real HTTP server on 127.0.0.1 that records what it receives, for webhook and hub tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
