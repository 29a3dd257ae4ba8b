"""The audit benchmark (`benchmarks/run.py --audit`): auditing many copies on loopback servers
that answer after 50 ms, beside the floor the per-host rate limit sets, and what reading a page
(trafilatura's extraction and the rest of audit_page.read_content) costs.

- COPIES copies of one article, spread evenly over HOSTS loopback hosts (127.0.0.1,
  127.0.0.2, ...; a server each, on a port the system gives), each page a partner's theme
  around the copy (about 100 KB: menus, sidebars, comments, scripts), answered after LATENCY.
- `[audit] per_host_interval = INTERVAL`: the floor is the busiest host's copies one INTERVAL
  apart (the first at once) and the last answer's LATENCY: (copies per host - 1) x INTERVAL +
  LATENCY. Hosts are read at once (audit.HOSTS_AT_ONCE workers); the same audit with one worker
  (hosts in turn, as before) is measured beside it, once.
- Extraction: read_content() of the page, in this process, the median of many.

Benchmarks are not tests: nothing here fails for a slow result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from syndicate.config import load_config
from syndicate.delivery import audit as audit_module
from syndicate.delivery.audit_page import read_content
from syndicate.delivery.ledger import Ledger

#: the full size's hosts, and the per-host interval (the floor: 100 copies a host, 0.25 s apart)
AUDIT_HOSTS = 10
AUDIT_INTERVAL = 0.25
SLUG = "river-bridge-reopens"
ORIGINAL = "https://hill-gazette.example.com/news/2026/05/river-bridge-reopens/"
PARAGRAPH = (
    "The old stone bridge over the River Alder opened to traffic again on Friday morning, two years after "
    "engineers closed it. Crews replaced the cracked arches and rebuilt the parapets with stone taken from the "
    "original quarry near Hill Town. The council said buses would return to the bridge from Monday."
)
ARTICLE = f"""---
title: "River Bridge Reopens After Two Years of Repairs"
slug: {SLUG}
authors: [{{name: Mara Quill}}]
published: 2026-05-02
source: {{name: Valley Courier, url: "https://valley-courier.example.org/2026/05/river-bridge/", published: 2026-05-03}}
original: {{name: Hill Town Gazette, url: "{ORIGINAL}", published: 2026-05-02}}
copyright: {{holder: Hill Town Gazette, year: 2026}}
license: {{id: CC-BY-4.0}}
status: ready
---

""" + "\n\n".join(f"{PARAGRAPH} Paragraph {n} of the story goes on." for n in range(12))


def themed_page(copy_html: str) -> bytes:
    """A partner's page of about 100 KB around the copy: what a real news site serves."""
    nav = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(150))
    side = "".join(
        f'<li><a href="/story/{n}">A related story about the valley, number {n}, with a long headline</a></li>'
        for n in range(200)
    )
    comments = "".join(
        f"<div class='comment'><p>Reader {n}: a comment of some length here.</p></div>" for n in range(80)
    )
    script = "<script>" + "var x = 1;" * 3000 + "</script>"
    canonical = f'<link rel="canonical" href="{ORIGINAL}">'
    return (
        f"<!doctype html><html><head><title>Partner</title>{canonical}{script}</head><body>"
        f"<nav><ul>{nav}</ul></nav><main><article><h1>River Bridge Reopens</h1>{copy_html}</article>"
        f"<aside><ul>{side}</ul></aside><section class='comments'>{comments}</section></main>"
        "<footer>© Partner News 2026</footer></body></html>"
    ).encode()


@contextlib.contextmanager
def servers(hosts: int, body: bytes, latency: float) -> Iterator[list[str]]:
    """One server per loopback host, each answering every GET with `body` after `latency` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    running = []
    try:
        for n in range(hosts):
            server = ThreadingHTTPServer((f"127.0.0.{n + 1}", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            running.append(server)
        yield [f"http://127.0.0.{n + 1}:{s.server_address[1]}/" for n, s in enumerate(running)]
    finally:
        for server in running:
            server.shutdown()
            server.server_close()


def site(root: Path, interval: float) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / f"{SLUG}.md").write_text(ARTICLE)
    config = root / "syndicate.toml"
    config.write_text(
        '[site]\ntitle = "Bench"\nurl = "https://bench.example.org/"\nchannel = "community-web"\n'
        f"[audit]\nper_host_interval = {interval}\ntimeout = 10\n"
        '[[endpoints]]\nname = "partner"\ntype = "webhook"\nchannel = "community-web"\n'
        'url = "http://127.0.0.1:9/hook"\n'
    )
    return config


def copy_html(config_path: Path) -> str:
    from syndicate.checks.validate import load_site
    from syndicate.render.copies import make_copy

    loaded = load_site(load_config(config_path))
    (article,) = loaded.articles
    profile = loaded.checks.registry.get(article.license_id)
    assert profile is not None
    return make_copy(article, profile).html


def ledger_of(config_path: Path, urls: list[str], copies: int) -> None:
    """`copies` ledger rows (one endpoint each, as many slugs cannot share one article here),
    spread evenly over the hosts."""
    with Ledger(config_path.parent / ".syndicate" / "state.db") as ledger:
        for n in range(copies):
            endpoint = f"partner-{n}"
            ledger.begin_attempt(SLUG, endpoint, "create", f"k{n}")
            ledger.delivered(SLUG, endpoint, str(n), f"{urls[n % len(urls)]}copy/{n}", "sha256:x", None)


def timed_audit(config_path: Path, workers: int) -> tuple[float, int, int]:
    """Seconds one audit of every copy takes, and how many held / were read."""
    config = load_config(config_path)
    saved = audit_module.HOSTS_AT_ONCE
    audit_module.HOSTS_AT_ONCE = workers
    try:
        with Ledger(config.paths.state) as ledger:
            started = time.perf_counter()
            report = audit_module.audit(config, ledger)
            seconds = time.perf_counter() - started
    finally:
        audit_module.HOSTS_AT_ONCE = saved
    return seconds, sum(1 for c in report.copies if c.holds), len(report.copies)


def extraction_ms(page: bytes, rounds: int) -> float:
    html = page.decode()
    read_content(html)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        read_content(html)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_audit(copies: int, hosts: int, latency: float, interval: float, runs: int) -> dict[str, Any]:
    """Measure; returns the results (medians of `runs`), printable with table()."""
    with tempfile.TemporaryDirectory(prefix="syndicate-audit-bench-") as tmp:
        config_path = site(Path(tmp) / "site", interval)
        page = themed_page(copy_html(config_path))
        with servers(hosts, page, latency) as urls:
            ledger_of(config_path, urls, copies)
            parallel = [timed_audit(config_path, audit_module.HOSTS_AT_ONCE) for _ in range(runs)]
            sequential = [timed_audit(config_path, 1)]  # (once: the slow baseline)
        per_host = -(-copies // hosts)
        floor = (per_host - 1) * interval + latency
        extraction = extraction_ms(page, 30 if copies > 100 else 5)
    best = statistics.median(s for s, _, _ in parallel)
    one = statistics.median(s for s, _, _ in sequential)
    held = {h for _, h, _ in parallel + sequential}
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "copies": copies,
        "hosts": hosts,
        "latency_s": latency,
        "per_host_interval_s": interval,
        "page_bytes": len(page),
        "runs": runs,
        "floor_s": round(floor, 3),
        "parallel_s": round(best, 3),
        "parallel_vs_floor": round(best / floor, 2),
        "workers": audit_module.HOSTS_AT_ONCE,
        "sequential_s": round(one, 3),
        "sequential_vs_floor": round(one / floor, 2),
        "extraction_ms_per_page": round(extraction, 2),
        "extraction_share_of_latency": round(extraction / (latency * 1000), 2),
        "cpu_s": round(copies * extraction / 1000, 2),
        "cpu_vs_floor": round(copies * extraction / 1000 / floor, 2),
        "copies_held": sorted(held),
    }


def table(result: dict[str, Any]) -> str:
    r = result
    rows = [
        ("floor: (copies per host - 1) x interval + latency", r["floor_s"], 1.0),
        (f"audit, hosts at once ({r['workers']} workers)", r["parallel_s"], r["parallel_vs_floor"]),
        ("audit, hosts in turn (1 worker)", r["sequential_s"], r["sequential_vs_floor"]),
        ("reading every page, one after another (copies x read_content)", r["cpu_s"], r["cpu_vs_floor"]),
    ]
    return "\n".join(
        [
            f"Audit of {r['copies']:,} copies over {r['hosts']} loopback hosts, answers after "
            f"{r['latency_s'] * 1000:.0f} ms, per_host_interval {r['per_host_interval_s']} s, pages of "
            f"{r['page_bytes'] / 1024:.0f} KiB (median of {r['runs']}):",
            "",
            "| measurement | seconds | vs floor |",
            "| --- | ---: | ---: |",
            *(f"| {name} | {seconds:.2f} | {ratio:.2f}x |" for name, seconds, ratio in rows),
            "",
            "Reading a page (read_content: parse, visible text, links, trafilatura): "
            f"{r['extraction_ms_per_page']:.1f} "
            f"ms per page, {r['extraction_share_of_latency']:.2f}x the answer's latency.",
        ]
    )
