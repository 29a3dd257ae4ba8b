"""`audit`: read the copies out in the world and report where they differ from the licence
and from the newsroom's latest decision.

Part of the command line (see __init__.py): prints and picks the exit status.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

import click

from syndicate.characters import escape_controls
from syndicate.cli.app import Options, cli, format_option, progress_bar
from syndicate.cli.reports import plural
from syndicate.errors import ExitStatus, UsageError
from syndicate.findings import Severity, display_path

if TYPE_CHECKING:
    from syndicate.delivery.audit import AuditFinding, AuditReport
    from syndicate.delivery.audit_notices import Notice
    from syndicate.delivery.audit_schedule import ScheduledAudit


#: what `audit --format json` prints before the first push (no ledger)
NOTHING_AUDITED = {
    "ok": True,
    "copies": 0,
    "hold": 0,
    "not_checked": 0,
    "unchanged": 0,
    "notes": [],
    "findings": [],
    "resolved": [],
    "notices": [],
}

#: what to do when a run holds the lock
AUDIT_HINT = (
    "a run (which may be auditing), a push or another audit is in progress; try syndicate audit again when it ends"
)


@cli.command()
@click.option(
    "--endpoint", metavar="NAME", help="Audit the copies at this endpoint (track:ID: that tracked address) only."
)
@click.option("--article", metavar="SLUG", help="Audit the copies of this article only.")
@format_option("text: one line per finding; json: one object (findings, resolved, counts).")
@click.pass_obj
def audit(options: Options, endpoint: str | None, article: str | None, output_format: str) -> ExitStatus:
    """Read every copy the ledger records at a web address, and every address
    registered with `syndicate track`, and check it.

    A copy taken down (retracted, back to draft, no longer allowed) must be
    gone: one still showing the article is retraction-ignored (before
    syndicate asked the endpoint to take it down, a warning:
    retraction-pending, and no notice). A live copy
    must show the source's name, a link to the original, the copyright notice
    (what its licence requires: attribution-missing) and the licence
    (license-missing), anywhere on the page a reader sees; tell search engines
    what the endpoint's `canonical` policy says (canonical-mismatch,
    noindex-missing); under a no-derivatives licence, carry the article's text
    unchanged (body-altered, with the changed sentences); and not be up while
    the article's embargo holds (early-publication). Warnings: copy-missing
    (404/410, or a page without the article), jsonld-stripped, and not-checked
    (the page could not be read, or robots.txt forbids a tracked address: one
    line each, saying why). Findings new since the last audit of a copy end
    with [new]; findings no longer found are listed as resolved. Outcomes are
    kept in the ledger; a page that answers 304 to the conditional request
    keeps its last result, and says "(unchanged since WHEN)".

    A WordPress endpoint cannot carry canonical = "original" or "noindex"
    (WordPress itself sets each post's canonical link to the post): the
    audit says so once per endpoint, and raises no finding for what
    WordPress does by itself.

    A copy that violates gets a notice drafted to the partner's contact
    (the endpoint's `contact`, or the tracked address's), a text file in
    the notices folder beside the ledger; the output names each file.

    Holds the lock run takes (a run audits too, with [audit] every): while
    another command holds it, exits 75 at once and reads nothing.

    With [status] page = true, the status page (status.html in the feeds
    folder) is written again afterwards, showing this audit.

    Pages are read without credentials or cookies, at most one request per
    host every [audit] per_host_interval seconds (default 1; up to 8 hosts at
    once), within [audit] timeout, 5 MB at most, following redirects only
    within the same host. The ledger keeps each copy's last [audit] keep
    audits (default 30). With [audit] every = "1d", `syndicate run` audits on
    its own once a day, after its deliveries.

    \b
    Examples:
      syndicate audit
      syndicate audit --endpoint partner --article my-story
      syndicate audit --format json
      syndicate track https://copier.example/story --article my-story

    Exit status: 0 no copy violates (copies that could not be checked, and
    warnings, do not count: look for not-checked); 1 a copy violates its
    licence, the endpoint's canonical policy or the embargo, or ignores a
    retraction; 2 bad usage or config; 75 a run, push or another audit
    holds the lock (nothing done: try again when it ends).
    """
    from syndicate.delivery.audit import audit as run_audit
    from syndicate.delivery.audit_notices import draft_notices
    from syndicate.delivery.audit_schedule import ScheduledAudit
    from syndicate.delivery.ledger_open import exclusive, recorded_at

    config = options.config()
    rows = recorded_at(config.ledger_at)
    tracked_address = endpoint is not None and endpoint.startswith("track:")
    if endpoint is not None and not tracked_address and all(r.endpoint != endpoint for r in rows or []):
        config.require_endpoint(endpoint)  # (an endpoint since removed from the config still has its copies)
    if rows is None:
        if output_format == "json":
            click.echo(json.dumps(NOTHING_AUDITED, indent=2, ensure_ascii=False))
        elif not options.quiet:
            click.echo(f"nothing to audit: no ledger at {display_path(config.paths.state)}", err=True)
        return ExitStatus.OK
    # the lock run holds: its scheduled audit and this one would each draft the same notice
    with exclusive(config.ledger_at, AUDIT_HINT) as ledger, progress_bar(options, "auditing", output_format) as advance:
        notices: list[Notice] = []
        report = run_audit(
            config, ledger, endpoint, article, progress=advance,
            before_recording=lambda found: notices.extend(draft_notices(config, found)),
        )  # fmt: skip
        if config.status.page:  # the page shows each copy's last audit: this one
            import datetime as dt

            from syndicate.delivery.status_page import write_configured_page

            write_configured_page(config, ledger, dt.datetime.now(dt.UTC))
    if output_format == "json":
        click.echo(json.dumps(ScheduledAudit(report, notices).to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_text(options, report)
        for line in notice_lines(notices) if not options.quiet else ():
            click.echo(line, err=True)
    return ExitStatus.OK if report.ok else ExitStatus.FAILURE


def notice_lines(notices: list[Notice]) -> list[str]:
    """One line per notice drafted, naming its file."""
    return [
        escape_controls(
            f"notice drafted for {n.partner} (to {n.contact or 'no contact on record'}, "
            f"{plural(n.copies, 'copy', 'copies')}): {display_path(n.path)}"
        )
        for n in notices
    ]


def finding_line(finding: AuditFinding, unchanged_since: str | None = None) -> str:
    """URL: CODE [warning: ]MESSAGE (hint: HINT)[ (unchanged since WHEN)][ [new]]"""
    warning = "warning: " if finding.severity is Severity.WARNING else ""
    hint = f" (hint: {finding.hint})" if finding.hint else ""
    kept = f" (unchanged since {unchanged_since})" if unchanged_since else ""
    new = " [new]" if finding.new else ""
    return escape_controls(f"{finding.url}: {finding.code} {warning}{finding.message}{hint}{kept}{new}")


def _print_text(options: Options, report: AuditReport) -> None:
    for copy in report.copies:
        for finding in copy.findings:
            click.echo(finding_line(finding, copy.unchanged_since))
        if copy.holds and options.verbose:
            kept = f", unchanged since {copy.unchanged_since}" if copy.unchanged_since else ""
            click.echo(escape_controls(f"{copy.url}: ok ({copy.article} at {copy.endpoint}{kept})"))
    for finding in report.resolved:
        since = report.last_seen.get((finding.article, finding.endpoint), "the last audit")
        click.echo(escape_controls(f"{finding.url}: {finding.code} resolved: no longer found (seen {since})"))
    if not options.quiet:
        for note in report.notes:
            click.echo(escape_controls(f"syndicate audit: note: {note}"), err=True)
        click.echo(_summary_line(report), err=True)


def scheduled_audit_lines(scheduled: ScheduledAudit | None, verbose: bool) -> list[str]:
    """What `run` says of the audit it made: its summary (with -v, or when it found a new
    violation), each new violation, each notice drafted."""
    if scheduled is None:
        return []
    failed = [f"failed: {scheduled.error}"] if scheduled.error else []
    report = scheduled.report
    if report is None:
        return failed
    fresh = [f for c in report.copies for f in c.findings if f.violation and (f.new or not c.compared)]
    lines = [_summary_line(report)] if verbose or fresh else []
    lines += [finding_line(f) for f in fresh] + notice_lines(scheduled.notices)
    return lines + failed


def _summary_line(report: AuditReport) -> str:
    copies = report.copies
    unchecked = sum(1 for c in copies if not c.checked)
    violating = sum(1 for c in copies if any(f.violation for f in c.findings))
    holding = sum(1 for c in copies if c.holds)
    new = sum(1 for f in report.findings if f.new)
    line = (
        f"syndicate audit: {plural(len(copies), 'copy', 'copies')}: {holding} hold, {violating} violate, "
        f"{unchecked} not checked"
    )
    unchanged = sum(1 for c in copies if c.unchanged_since)
    if unchanged:
        line += f"; {unchanged} unchanged since their last audit (HTTP 304: its result kept)"
    if new or report.resolved:
        line += f"; since the last audit: {new} new, {len(report.resolved)} resolved"
    return line


@cli.command()
@click.argument("url", required=False)
@click.option("--article", metavar="SLUG", help="The article the page copies (with URL).")
@click.option("--contact", metavar="ADDR", help="Whom a notice about this copy goes to (e-mail address or page).")
@click.option(
    "--canonical",
    type=click.Choice(["original", "copy", "noindex", "any"]),
    default="original",
    show_default=True,
    help="What the page must tell search engines (any: not checked).",
)
@click.option("--list", "listing", is_flag=True, help="List the tracked addresses.")
@click.option("--remove", metavar="ID|URL", help="Stop tracking an address (its audits go too).")
@format_option("text: one line per address; json: a list of objects (with --list).")
@click.pass_obj
def track(
    options: Options,
    url: str | None,
    article: str | None,
    contact: str | None,
    canonical: str,
    listing: bool,
    remove: str | None,
    output_format: str,
) -> ExitStatus:
    """Register a page that copies an article, found by hand (search,
    referrers): `syndicate audit` then reads it with the copies syndicate
    delivered, and holds it to the same rules (retraction-ignored,
    attribution-missing, ... ; canonical-mismatch against --canonical). Its
    robots.txt is respected: a page it forbids is not-checked, saying so.
    Registering an address again replaces its article, contact and policy.

    \b
    Examples:
      syndicate track https://copier.example/2026/bridge --article river-bridge-reopens
      syndicate track https://copier.example/b --article my-story --contact rights@copier.example
      syndicate track --list
      syndicate track --remove 3

    Exit status: 0 done; 2 bad usage (no such article, not a web address, no
    such tracked address).
    """
    from syndicate.delivery.audit import expectations
    from syndicate.delivery.audit_tracked import track as add
    from syndicate.delivery.audit_tracked import tracked, untrack
    from syndicate.delivery.ledger_open import open_ledger

    config = options.config()
    if sum((url is not None, listing, remove is not None)) != 1:
        raise UsageError("give a URL (with --article), or --list, or --remove ID|URL", "see syndicate track --help")
    with open_ledger(config.ledger_at) as ledger:
        if remove is not None:
            gone = untrack(ledger, remove)
            if gone is None:
                raise UsageError(f"no tracked address {remove!r}", "syndicate track --list shows them")
            if not options.quiet:
                click.echo(escape_controls(f"no longer tracked: {gone.url} (track:{gone.id})"), err=True)
            return ExitStatus.OK
        if listing:
            items = tracked(ledger)
            if output_format == "json":
                click.echo(json.dumps([dataclasses.asdict(i) for i in items], indent=2, ensure_ascii=False))
            for item in items if output_format == "text" else ():
                contact_text = f" contact {item.contact}" if item.contact else ""
                click.echo(escape_controls(
                    f"track:{item.id} {item.url} copies {item.article} (canonical {item.canonical}{contact_text})"
                ))  # fmt: skip
            return ExitStatus.OK
        assert url is not None
        if article is None:
            raise UsageError("--article SLUG is required with a URL", "name the article the page copies")
        if article not in expectations(config):
            raise UsageError(f"no article has the slug {article!r}", "syndicate status lists the articles")
        item = add(ledger, url, article, contact, canonical)
    if not options.quiet:
        click.echo(escape_controls(f"tracking {item.url} as a copy of {item.article} (track:{item.id})"), err=True)
    return ExitStatus.OK
