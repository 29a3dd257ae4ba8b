"""How one benchmark command is measured: a lean launcher times it and reads its peak memory; the
loopback webhook push is measured against. (benchmarks/run.py runs the benchmark.)"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- one measurement --------------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    #: user + system CPU time of the process
    cpu_seconds: float = 0.0
    #: peak PSS of the process and its descendants together, sampled every 50 ms (0: never sampled)
    tree_pss_mb: float = 0.0


#: Runs one command and writes "seconds max_rss_kib exit_status cpu_seconds tree_pss_kib" to the file named
#: first. A lean process of its own (python -S -I, about 8 MB), because a child's max RSS includes the memory
#: of the process it was forked from, up to its exec: from this script, which holds the corpus, it would be
#: this script's size. From the launcher it is at most the launcher's (below a bare `python -c pass`).
#: wait4's max RSS is that of the largest single process (a worker's or the command's own), so a thread also
#: samples, every 50 ms, the proportional set size (PSS: shared pages split among their sharers) of the
#: command and all its descendants together: the memory the whole command holds at once.
LAUNCHER = """
import os, sys, threading, time

def descendants(root):
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    stack += [int(child) for child in f.read().split()]
            except OSError:
                pass
    return found

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0

start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
peak, finished = [0], threading.Event()

def sample():
    while not finished.wait(0.05):
        try:
            peak[0] = max(peak[0], sum(pss_kib(p) for p in descendants(pid)))
        except OSError:
            pass

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
finished.set()
with open(sys.argv[1], "w") as f:
    cpu = usage.ru_utime + usage.ru_stime
    f.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu!r} {peak[0]}")
"""


def measure(argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run `argv` as a fresh process: wall time from its start to its exit, and its own peak RSS."""
    with tempfile.TemporaryDirectory() as scratch:
        result, out, err = Path(scratch) / "result", Path(scratch) / "out", Path(scratch) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = [sys.executable, "-S", "-I", "-c", LAUNCHER, str(result), *argv]
            done = subprocess.run(  # noqa: S603 (the benchmark's own commands)
                launcher, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, check=False
            )
        stdout_text = out.read_bytes().decode("utf-8", "replace")
        stderr_text = err.read_bytes().decode("utf-8", "replace")
        if done.returncode != 0 or not result.exists():
            return Sample(float("nan"), float("nan"), done.returncode or 1, stdout_text, stderr_text, float("nan"))
        seconds, rss_kib, status, cpu, pss_kib = result.read_text().split()
        return Sample(
            float(seconds), int(rss_kib) / 1024, int(status), stdout_text, stderr_text, float(cpu), int(pss_kib) / 1024
        )


@dataclass
class Stats:
    """The runs of one command: median time, peak memory, and every run."""

    label: str
    command: str
    seconds: list[float] = field(default_factory=list)
    max_rss_mb: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    tree_pss_mb: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, sample: Sample) -> Sample:
        self.seconds.append(sample.seconds)
        self.max_rss_mb.append(sample.max_rss_mb)
        self.tree_pss_mb.append(sample.tree_pss_mb)
        self.cpu_seconds.append(sample.cpu_seconds)
        if sample.returncode != 0:
            tail = "\n".join((sample.stderr.strip() or sample.stdout.strip()).splitlines()[-8:])
            self.failures.append(f"{self.label}: exit {sample.returncode}\n{tail}")
            log(f"FAILED {self.label}: exit {sample.returncode}\n{tail}")
        return sample

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def cpu_median(self) -> float:
        """User + system CPU time of the command and its workers (the other load on a shared host
        disturbs it far less than wall time)."""
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.max_rss_mb, default=float("nan"))

    @property
    def peak_all_mb(self) -> float:
        """The larger of the largest process's max RSS and all processes' sampled PSS."""
        return max([*self.max_rss_mb, *self.tree_pss_mb], default=float("nan"))

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "command": self.command,
            "median_s": round(self.median, 4),
            "min_s": round(min(self.seconds, default=float("nan")), 4),
            "runs_s": [round(s, 4) for s in self.seconds],
            "cpu_median_s": round(statistics.median(self.cpu_seconds), 4) if self.cpu_seconds else None,
            "peak_rss_mb": round(self.peak_mb, 1),
            "peak_tree_pss_mb": round(max(self.tree_pss_mb, default=float("nan")), 1),
            "failures": self.failures,
        }


@dataclass
class Row:
    name: str
    articles: int
    subject: Stats
    baseline: Stats | None = None
    #: a computed baseline (the push floor), in seconds
    floor: float | None = None
    baseline_label: str = ""
    notes: list[str] = field(default_factory=list)
    #: where the time went, when the benchmark can see it (push: before and during deliveries)
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def baseline_seconds(self) -> float | None:
        if self.floor is not None:
            return self.floor
        if self.baseline is not None and self.baseline.seconds:
            return self.baseline.median
        return None

    @property
    def ratio(self) -> float | None:
        base = self.baseline_seconds
        return self.subject.median / base if base else None

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "articles": self.articles,
            "syndicate": self.subject.summary(),
            "baseline_label": self.baseline_label,
            "baseline": self.baseline.summary() if self.baseline else None,
            "baseline_s": round(self.baseline_seconds, 4) if self.baseline_seconds is not None else None,
            "ratio": round(self.ratio, 3) if self.ratio is not None else None,
            "notes": self.notes,
            "phases": self.phases,
        }


# --- the loopback webhook -----------------------------------------------------------------------------------


class Hook:
    """A webhook on 127.0.0.1 that answers every POST with 200 after `delay` seconds; counts what it got."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.requests = 0
        self.keys: set[str] = set()
        #: (arrived, answered) of every request, perf_counter seconds
        self.spans: list[tuple[float, float]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would
            # Headers and body go out as two writes: with Nagle's algorithm on (socketserver's default)
            # the body waits for the client's delayed ACK of the headers, ~40 ms more per request.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                arrived = time.perf_counter()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(hook.delay)
                with hook.lock:
                    hook.requests += 1
                    hook.keys.add(self.headers.get("Idempotency-Key") or "")
                    hook.spans.append((arrived, time.perf_counter()))
                    number = hook.requests
                answer = json.dumps({"id": str(number), "url": f"https://hooks.example.org/copies/{number}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="hook", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def reset(self) -> None:
        with self.lock:
            self.requests = 0
            self.keys = set()
            self.spans = []

    def __enter__(self) -> Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
