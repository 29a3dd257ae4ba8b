"""`audit`: read the copies out in the world and report where they differ from the licence
and from the newsroom's latest decision.

Part of the command line (see __init__.py): prints and picks the exit status.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from syndicate.characters import escape_controls
from syndicate.cli.app import Options, cli, format_option, progress_bar
from syndicate.cli.reports import plural
from syndicate.errors import ExitStatus
from syndicate.findings import Severity, display_path

if TYPE_CHECKING:
    from syndicate.delivery.audit import AuditFinding, AuditReport


@cli.command()
@click.option("--endpoint", metavar="NAME", help="Audit the copies at this endpoint only.")
@click.option("--article", metavar="SLUG", help="Audit the copies of this article only.")
@format_option("text: one line per finding; json: one object (findings, resolved, counts).")
@click.pass_obj
def audit(options: Options, endpoint: str | None, article: str | None, output_format: str) -> ExitStatus:
    """Read every copy the ledger records at a web address, and check it.

    A copy taken down (retracted, back to draft, no longer allowed) must be
    gone: one still showing the article is retraction-ignored. A live copy
    must show the source's name, a link to the original, the copyright notice
    (what its licence requires: attribution-missing) and the licence
    (license-missing), anywhere on the page a reader sees. Warnings:
    copy-missing (404/410, or a page without the article), jsonld-stripped,
    and not-checked (the page could not be read: one line each, saying why).
    Findings new since the last audit of a copy end with [new]; findings no
    longer found are listed as resolved. Outcomes are kept in the ledger.

    With [status] page = true, the status page (status.html in the feeds
    folder) is written again afterwards, showing this audit.

    Pages are read without credentials or cookies, at most one request per
    host every [audit] per_host_interval seconds (default 1), within [audit]
    timeout, 5 MB at most, following redirects only within the same host.

    \b
    Examples:
      syndicate audit
      syndicate audit --endpoint partner --article my-story
      syndicate audit --format json

    Exit status: 0 no copy violates (copies that could not be checked, and
    warnings, do not count: look for not-checked); 1 a copy violates its
    licence or ignores a retraction; 2 bad usage or config.
    """
    from syndicate.delivery.audit import audit as run_audit
    from syndicate.delivery.ledger_open import open_ledger, recorded_at

    config = options.config()
    rows = recorded_at(config.ledger_at)
    if endpoint is not None and all(r.endpoint != endpoint for r in rows or []):
        config.require_endpoint(endpoint)  # (an endpoint since removed from the config still has its copies)
    if rows is None:
        if output_format == "json":
            click.echo(json.dumps(_summary(None), indent=2, ensure_ascii=False))
        elif not options.quiet:
            click.echo(f"nothing to audit: no ledger at {display_path(config.paths.state)}", err=True)
        return ExitStatus.OK
    with open_ledger(config.ledger_at) as ledger, progress_bar(options, "auditing", output_format) as advance:
        report = run_audit(config, ledger, endpoint, article, progress=advance)
        if config.status.page:  # the page shows each copy's last audit: this one
            import datetime as dt

            from syndicate.delivery.status_page import write_configured_page

            write_configured_page(config, ledger, dt.datetime.now(dt.UTC))
    if output_format == "json":
        click.echo(json.dumps(_summary(report), indent=2, ensure_ascii=False))
    else:
        _print_text(options, report)
    return ExitStatus.OK if report.ok else ExitStatus.FAILURE


def finding_line(finding: AuditFinding) -> str:
    """URL: CODE [warning: ]MESSAGE (hint: HINT)[ [new]]"""
    warning = "warning: " if finding.severity is Severity.WARNING else ""
    hint = f" (hint: {finding.hint})" if finding.hint else ""
    new = " [new]" if finding.new else ""
    return escape_controls(f"{finding.url}: {finding.code} {warning}{finding.message}{hint}{new}")


def _print_text(options: Options, report: AuditReport) -> None:
    for copy in report.copies:
        for finding in copy.findings:
            click.echo(finding_line(finding))
        if copy.holds and options.verbose:
            click.echo(escape_controls(f"{copy.url}: ok ({copy.article} at {copy.endpoint})"))
    for finding in report.resolved:
        since = report.last_seen.get((finding.article, finding.endpoint), "the last audit")
        click.echo(escape_controls(f"{finding.url}: {finding.code} resolved: no longer found (seen {since})"))
    if not options.quiet:
        click.echo(_summary_line(report), err=True)


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
    if new or report.resolved:
        line += f"; since the last audit: {new} new, {len(report.resolved)} resolved"
    return line


def _summary(report: AuditReport | None) -> dict[str, object]:
    """What `audit --format json` prints."""
    if report is None:
        return {"ok": True, "copies": 0, "hold": 0, "not_checked": 0, "findings": [], "resolved": []}
    return {
        "ok": report.ok,
        "copies": len(report.copies),
        "hold": sum(1 for c in report.copies if c.holds),
        "not_checked": sum(1 for c in report.copies if not c.checked),
        "findings": [f.to_dict() for f in report.findings],
        "resolved": [
            f.to_dict() | {"last_seen": report.last_seen.get((f.article, f.endpoint))} for f in report.resolved
        ],
    }
