"""A real HTTP server on loopback that serves pages set per path, well or badly: for `audit`.

Each path answers what `pages[path]` says: a status, headers and a body, slowly,
endlessly (a page that never ends), or not at all (404 for a path not set).
Every request is recorded with its headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Served:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds to wait before answering
    delay: float = 0.0
    #: bytes of body sent after `body`, in chunks of 64 KiB, without a Content-Length (a page without end)
    endless: int = 0


@dataclass
class PageServer:
    url: str
    host: str
    pages: dict[str, Served] = field(default_factory=dict)
    #: (path, headers) of every request
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def page(self, path: str, html: str | bytes, **kwargs: object) -> str:
        """Serve `html` at `path`; returns the page's address."""
        body = html.encode() if isinstance(html, str) else html
        self.pages[path] = Served(body, **kwargs)  # type: ignore[arg-type]
        return self.url + path.lstrip("/")


@contextmanager
def page_server(host: str = "127.0.0.1") -> Iterator[PageServer]:
    server_state = PageServer("", host)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.requests.append((self.path, dict(self.headers)))
            served = server_state.pages.get(self.path, Served(b"not found", 404, "text/plain"))
            if served.delay:
                time.sleep(served.delay)
            try:
                self.send_response(served.status)
                if served.content_type:
                    self.send_header("Content-Type", served.content_type)
                for name, value in served.headers.items():
                    self.send_header(name, value)
                if not served.endless:
                    self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                self.wfile.write(served.body)
                sent = 0
                while sent < served.endless:
                    self.wfile.write(b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>")
                    sent += 64 * 1024
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a size limit does

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
