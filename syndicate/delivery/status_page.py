"""The status page: one static HTML file showing every article x endpoint the ledger records,
and every address tracked by hand (`syndicate track`, with its contact), its state, its live
copy, its last audit and any finding (`status --html OUT`, and `run` with
`[status] page = true`, as `status.html` in the feeds folder).

Self-contained, for a newsroom's intranet or a phone: inline CSS, no script, nothing loaded from
elsewhere (a Content-Security-Policy says so too). Filtering needs no script: a "Problems"
section (rows with a finding, a failed delivery or a copy that should come down), one
section per endpoint and one of the tracked addresses, each with an anchor the navigation
links to; where the browser knows `:has()`, following one of those links shows that section
alone ("All" shows every one again).
Every text is escaped, and only http(s) addresses become links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from syndicate.characters import xml_text
from syndicate.config import Config
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.status_rows import StatusRow, status_rows
from syndicate.files import atomic_write

#: its name in the feeds folder, when run writes it
PAGE_NAME = "status.html"
#: the anchor of the section of addresses tracked by hand (endpoints' anchors start "endpoint-")
_TRACKED = "tracked"

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STYLE = """\
:root { color-scheme: light dark; --muted: #5b6270; --rule: #d8dce3; --accent: #1a5fb4;
  --bad: #b3261e; --warn: #8a5a00; --good: #2e7d32; --card: #f6f7f9; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #a4abb8; --rule: #3a3f47; --accent: #78aeed; --bad: #ff8a80; --warn: #ffcc66;
    --good: #81c784; --card: #1d2127; } }
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  margin: 0; padding: 1rem 1rem 3rem; }
main { max-width: 84rem; margin: 0 auto; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; line-height: 1.2; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; overflow-wrap: anywhere; }
header p { margin: .2rem 0; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: .4rem; margin: 1rem 0; }
nav a { border: 1px solid var(--rule); border-radius: 1rem; padding: .2rem .75rem; text-decoration: none; }
nav a.problems { border-color: var(--bad); color: var(--bad); }
main:has(section:target) section:not(:target) { display: none; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem .45rem 0; border-top: 1px solid var(--rule); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td { overflow-wrap: anywhere; }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.state { font-weight: 600; }
.state-delivered { color: var(--good); }
.state-failed, .state-unknown { color: var(--bad); }
.state-pending, .state-refused { color: var(--warn); }
.muted, .when { color: var(--muted); font-size: .9rem; }
ul.findings { margin: 0; padding: 0; list-style: none; }
ul.findings li { margin: 0 0 .35rem; }
.code { font-weight: 600; }
.severity-error .code, .error, .stranded { color: var(--bad); }
.severity-warning .code { color: var(--warn); }
.ok { color: var(--good); }
.hint { display: block; color: var(--muted); font-size: .9rem; }
@media (max-width: 44rem) {
  table, tbody, tr, td { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { background: var(--card); border: 1px solid var(--rule); border-radius: 6px; margin: 0 0 .75rem;
    padding: .5rem .75rem; }
  td { border: 0; padding: .15rem 0; }
  td::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
}
"""


def write_status_page(target: Path, rows: Sequence[StatusRow], site_title: str, now: dt.datetime) -> None:
    """The page, written atomically to `target` (WriteError naming it when it cannot be)."""
    atomic_write(target, status_page(rows, site_title, now), "check that syndicate may write the status page there")


def write_configured_page(config: Config, ledger: Ledger, now: dt.datetime) -> Path:
    """`[status] page = true`: the page of every row of `ledger`, as status.html in the feeds folder."""
    target = config.paths.feeds / PAGE_NAME
    write_status_page(target, status_rows(ledger), config.site.title, now)
    return target


def status_page(rows: Sequence[StatusRow], site_title: str, now: dt.datetime) -> bytes:
    delivered = [r for r in rows if r.tracked is None]
    by_hand = [r for r in rows if r.tracked is not None]
    endpoints = sorted({r.delivery.endpoint for r in delivered})
    problems = [r for r in rows if r.problem]
    states: dict[str, int] = {}
    for row in rows:
        states[row.delivery.state] = states.get(row.delivery.state, 0) + 1
    counted = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    audited = sum(1 for r in rows if r.last_audit is not None)
    written = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n',
        f"<title>Copies: {_text(site_title)}</title>\n<style>\n{_STYLE}</style>\n</head>\n<body>\n<main>\n",
        f"<header>\n<h1>Copies of {_text(site_title)}</h1>\n",
        f"<p>Every article x endpoint the ledger records, and every address tracked by hand, as of {written}.</p>\n",
        f"<p>{_count(len(rows), 'copy', 'copies')}: {_text(counted) or 'none'}; {audited} audited; "
        f"{_count(len(problems), 'problem', 'problems')}.</p>\n</header>\n",
        '<nav aria-label="Show">\n<a href="#all">All</a>\n',
        f'<a class="problems" href="#problems">Problems ({len(problems)})</a>\n',
        *(
            f'<a href="#{_anchor(name)}">{_text(name)} ({sum(r.delivery.endpoint == name for r in delivered)})</a>\n'
            for name in endpoints
        ),
        f'<a href="#{_TRACKED}">Tracked by hand ({len(by_hand)})</a>\n' if by_hand else "",
        '</nav>\n<div id="all">\n<section id="problems">\n<h2>Problems</h2>\n',
        _table(problems, with_endpoint=True)
        if problems
        else '<p class="ok">No problem: no failed delivery, no copy that should come down, no audit finding.</p>\n',
        "</section>\n",
    ]
    for name in endpoints:
        mine = [r for r in delivered if r.delivery.endpoint == name]
        parts += [f'<section id="{_anchor(name)}">\n<h2>Endpoint {_text(name)}</h2>\n', _table(mine), "</section>\n"]
    if by_hand:
        parts += [
            f'<section id="{_TRACKED}">\n<h2>Tracked by hand</h2>\n',
            '<p class="muted">Addresses registered with <code>syndicate track</code>: copies syndicate did not '
            "deliver, audited like the others.</p>\n",
            _table(by_hand, with_endpoint=True, with_contact=True),
            "</section>\n",
        ]
    if not rows:
        parts.append("<p>No delivery is recorded yet.</p>\n")
    parts.append("</div>\n</main>\n</body>\n</html>\n")
    return "".join(parts).encode()


def _table(rows: Sequence[StatusRow], with_endpoint: bool = False, with_contact: bool = False) -> str:
    heads = ["Article", *(["Endpoint"] if with_endpoint else []), "State", "Copy"]
    heads += [*(["Contact"] if with_contact else []), "Last audit", "Findings"]
    lines = ["<table>\n<thead><tr>", *(f"<th>{h}</th>" for h in heads), "</tr></thead>\n<tbody>\n"]
    for row in rows:
        d = row.delivery
        cells = [("Article", f"<code>{_text(d.article)}</code>")]
        if with_endpoint:
            cells.append(("Endpoint", _text(d.endpoint)))
        cells += [("State", _state(row)), ("Copy", _copy(d.remote_url))]
        if with_contact:
            contact = row.tracked.contact if row.tracked else None
            cells.append(("Contact", _text(contact) if contact else '<span class="muted">none</span>'))
        cells += [("Last audit", _audit(row)), ("Findings", _findings(row))]
        classes = ' class="problem"' if row.problem else ""
        lines.append(f"<tr{classes}>" + "".join(f'<td data-label="{k}">{v}</td>' for k, v in cells) + "</tr>\n")
    lines.append("</tbody>\n</table>\n")
    return "".join(lines)


def _state(row: StatusRow) -> str:
    d = row.delivery
    shown = f'<span class="state state-{_text(d.state)}">{_text(d.state)}</span>'
    shown += f' <span class="when">since {_text(_minute(d.updated_at))}</span>'
    if d.state == "failed" and d.next_attempt_at:
        shown += f'<br><span class="when">next attempt {_text(_minute(d.next_attempt_at))}</span>'
    return shown


def _copy(url: str | None) -> str:
    if not url:
        return '<span class="muted">none</span>'
    if urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return f'<a href="{_text(url.strip())}">{_text(url)}</a>'
    return f"<code>{_text(url)}</code>"  # a folder's copy (file://): not a link a web page may follow


def _audit(row: StatusRow) -> str:
    audit = row.last_audit
    if audit is None:
        return '<span class="muted">never</span>'
    answer = f"HTTP {audit.http_status}" if audit.http_status is not None else "no answer"
    verdict = '<span class="ok">holds</span>' if audit.checked and not audit.findings else _text(answer)
    return f'{verdict}<br><span class="when">{_text(_minute(audit.checked_at))}</span>'


def _findings(row: StatusRow) -> str:
    items = []
    if row.stranded is not None:
        items.append(f'<li class="stranded">should come down: {_text(row.stranded)}</li>')
    for finding in row.last_audit.findings if row.last_audit else ():
        severity = _text(str(finding.get("severity", "")))
        hint = str(finding.get("hint", ""))
        items.append(
            f'<li class="severity-{severity}"><span class="code">{_text(str(finding.get("code", "")))}</span> '
            f"{_text(str(finding.get('message', '')))}"
            + (f'<span class="hint">hint: {_text(hint)}</span>' if hint else "")
            + "</li>"
        )
    if row.delivery.last_error:
        items.append(f'<li class="error">last error: {_text(row.delivery.last_error)}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>' if items else ""


def _anchor(endpoint: str) -> str:
    return "endpoint-" + _text(endpoint)


def _minute(stamp: str) -> str:
    """An ISO time to the minute, as a person reads it (the JSON of `status` has it whole)."""
    return stamp[:16].replace("T", " ") + (" UTC" if stamp.endswith(("+00:00", "Z")) else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _text(value: str) -> str:
    """Text or an attribute value, without the characters HTML must not carry, escaped (quotes too)."""
    return escape(xml_text(value), quote=True)
