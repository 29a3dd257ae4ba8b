"""The commands that deliver: plan, push, run, cron (status and retry: ledger_view.py).

Part of the command line (see __init__.py): these print and pick exit statuses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from syndicate.cli import reports
from syndicate.cli.app import Options, cli, format_option, phased_progress_bar, progress_bar
from syndicate.cli.explain import drafted_requests, explain_option, with_request
from syndicate.config import Config
from syndicate.errors import ExitStatus, SyndicateError, UsageError
from syndicate.findings import ValidationReport, finding_line

if TYPE_CHECKING:
    from syndicate.checks.validate import SiteContent
    from syndicate.delivery.ledger import Delivery
    from syndicate.delivery.plan import PlannedAction


@cli.command()
@click.option("--endpoint", metavar="NAME", help="Plan for this endpoint only.")
@format_option("text: a table; json: a list of objects (article, endpoint, action, reason, ...).")
@explain_option("After the table")
@click.pass_obj
def plan(options: Options, endpoint: str | None, output_format: str, explain: bool) -> ExitStatus:
    """Show what push would do per article and endpoint, and why.

    Each pair is create, update (content or metadata changed), delete
    (retracted, or no longer allowed), unchanged, refused (the licence's
    reason and whom to ask) or skipped (a draft, an embargo, an article with
    errors, one that names other endpoints, a file that is gone, a schedule
    not yet due). Nothing is sent.

    \b
    Examples:
      syndicate plan
      syndicate plan --endpoint partner --format json

    A copy at a disabled endpoint that should come down (its article was
    retracted, set back to draft, deleted or is no longer allowed there) is
    skipped, and named: "retracted, copy still live at partner: endpoint
    disabled".

    --explain drafts, for each refused copy, the email asking its rights
    holder for permission, in the words a rights desk uses ("our print
    edition, Daily Example": an endpoint's `description`, else its channel's).

    An endpoint with copies to send whose secret's environment variable is
    not set gets one warning line naming the variable: push and run would
    send nothing there.

    Exit status: 0 planned; 1 an article has errors (its row says skipped),
    or a live copy at a disabled endpoint should come down; 2 bad usage or
    config.
    """
    import os

    from syndicate.delivery.plan import Action
    from syndicate.delivery.push import unopenable

    config = _config_for(options, endpoint)
    stream, site = _plan(config, endpoint)
    report = site.report
    actions = list(stream)
    requests = drafted_requests(
        site, config, [(a.article, a.endpoint) for a in actions if a.action is Action.REFUSED], explain
    )
    if output_format == "json":
        listed = [with_request(a.to_dict(), requests, (a.article, a.endpoint), explain) for a in actions]
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
    else:
        click.echo(reports.plan_table(actions), nl=False)
        click.echo(reports.permission_requests(requests), nl=False)
    _print_errors(report)
    for error in unopenable(config, (a.endpoint for a in actions if a.sends), os.environ):
        click.echo(f"syndicate: warning: {error.message}: push and run will send nothing there", err=True)
    stranded = [a for a in actions if a.stranded]
    for action in stranded:
        click.echo(f"syndicate: {action.article} -> {action.endpoint}: {action.reason}", err=True)
    return ExitStatus.OK if report.ok and not stranded else ExitStatus.FAILURE


def _print_errors(report: ValidationReport) -> None:
    for finding in report.errors:
        click.echo(finding_line(finding), err=True)


def _config_for(options: Options, endpoint: str | None) -> Config:
    """The config, checked to have `endpoint` (when one is named)."""
    config = options.config()
    if endpoint is not None:
        config.require_endpoint(endpoint)
    return config


def _plan(
    config: Config, endpoint: str | None, rows: list[Delivery] | None = None
) -> tuple[Iterator[PlannedAction], SiteContent]:
    """The plan as a stream (each copy is rendered as the stream is read), and the site as read
    (its `report` is the validation report). `rows`: the ledger's, when the caller has it open."""
    import datetime as dt

    from syndicate.checks.validate import load_site
    from syndicate.delivery.ledger_open import recorded_at
    from syndicate.delivery.plan import iter_plan

    site = load_site(config)
    # (before the first push there is no ledger: a plan, which only reads, makes none)
    rows = rows if rows is not None else recorded_at(config.ledger_at) or []
    actions = iter_plan(site, config, rows, dt.datetime.now(dt.UTC), endpoint)
    return actions, site


@cli.command()
@click.option("--endpoint", metavar="NAME", help="Push to this endpoint only.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing, record nothing.")
@click.pass_obj
def push(options: Options, endpoint: str | None, dry_run: bool) -> ExitStatus:
    """Deliver copies to the endpoints; record every outcome in the ledger.

    Creates, updates and deletes what plan shows, one ledger transaction
    before and one after each delivery, so a rerun never duplicates a copy.
    Transient failures are retried; credentials come from the environment
    variables the endpoint names. Prints one line per delivery unless -q.
    Holds the lock run takes: while a run or another push holds it, push
    exits 75 and sends nothing (--dry-run only reads, and takes no lock);
    with [ledger] url several push and run processes share the deliveries.

    \b
    Examples:
      syndicate push --dry-run
      syndicate push --endpoint partner

    An endpoint with copies to send is checked before anything is sent
    there: when its secret's environment variable is not set (or it would
    send credentials over plain http), one line says so, nothing is sent or
    recorded for it (so the next push with the variable set sends its
    copies), the other endpoints are pushed all the same, and push exits 2
    (--dry-run warns the same, and exits 2 too).

    Exit status: 0 every delivery done; 1 a delivery failed (or would, with
    --dry-run), an article has errors, or a live copy at a disabled endpoint
    should come down; 2 bad usage or config, or an endpoint's secret not
    set (the other endpoints were pushed); 75 a run or another push holds
    the lock (nothing done).
    """
    import os

    from syndicate.cron.run import versions
    from syndicate.delivery.ledger_open import shared
    from syndicate.delivery.plan import Action, stranded_state
    from syndicate.delivery.push import push as deliver
    from syndicate.delivery.push import unopenable

    config = _config_for(options, endpoint)
    if dry_run:  # sends and records nothing: a look while a run delivers is harmless
        actions, site = _plan(config, endpoint)
        report = site.report
        _print_errors(report)
        would_send = [a for a in actions if a.sends]
        click.echo(reports.plan_table(would_send), nl=False)
        blocked = unopenable(config, (a.endpoint for a in would_send), os.environ)
        for error in blocked:
            click.echo(f"syndicate: warning: {error.message}: push would send nothing there", err=True)
            click.echo(f"  hint: {error.hint}", err=True)
        if blocked:
            return ExitStatus.USAGE
        return ExitStatus.OK if report.ok else ExitStatus.FAILURE
    # locked before the ledger is read: a plan made while another process delivers would send its creates
    # again (a shared PostgreSQL ledger: each delivery is claimed against the rows as read here)
    hint = "wait for it to finish, then push again: what it delivered is not sent twice"
    with shared(config.ledger_at, hint) as (ledger, alone), progress_bar(options, "pushing") as progress:
        rows = ledger.all()
        actions, site = _plan(config, endpoint, rows)
        report = site.report
        _print_errors(report)
        stranded: list[PlannedAction] = []

        def sending() -> Iterator[PlannedAction]:
            # push takes the plan as it is made: the first copy goes out before the last one is rendered
            for action in actions:
                if action.stranded:
                    stranded.append(action)
                if action.sends or action.action is Action.REFUSED:
                    yield action

        result = deliver(sending(), config, ledger, os.environ, progress=progress, seen=versions(rows))
        if endpoint is None and alone:  # the whole site was planned: what status shows
            ledger.set_state({"stranded": stranded_state(stranded)})
    for outcome in result.outcomes:
        a = outcome.action
        for warning in outcome.warnings:
            click.echo(f"syndicate: warning: {a.action} {a.article} -> {a.endpoint}: {warning}", err=True)
        if outcome.ok and not outcome.lost and not options.quiet:  # (a lost one: its warning says it)
            click.echo(f"{a.action}d {a.article} -> {a.endpoint}: {outcome.detail}")
        elif not outcome.ok:
            hint = f" (hint: {outcome.hint})" if outcome.hint else ""
            click.echo(f"syndicate: {a.action} {a.article} -> {a.endpoint} failed: {outcome.detail}{hint}", err=True)
    for action in stranded:
        click.echo(f"syndicate: {action.article} -> {action.endpoint}: {action.reason}", err=True)
    for held in result.held_endpoints:
        click.echo(f"syndicate: error: {held.line()}", err=True)
        click.echo(f"  hint: {held.error.hint}", err=True)
    if result.held_endpoints:
        return ExitStatus.USAGE
    return ExitStatus.OK if report.ok and not result.failures and not stranded else ExitStatus.FAILURE


@cli.command()
@format_option("text: silent unless -v or a problem; json: one summary object (README lists its keys).")
@click.option("--now", "now_text", hidden=True, help="Pretend it is this ISO datetime (tests).")
@click.pass_obj
def run(options: Options, output_format: str, now_text: str | None) -> ExitStatus:
    """The cron entry point: lock, validate, feeds, push, notify hubs.

    Silent on success (cron mails whatever is printed; on a terminal, a
    progress bar shows each phase meanwhile); -v prints a summary;
    problems print a short report and exit 1. A second run while one holds
    the lock exits 75 at once, saying so only with -v (with [ledger] url, a
    shared PostgreSQL ledger: it delivers its share of the copies, exit 0).
    Unchanged articles are not read again: a run with nothing to do costs
    one stat per file. Failed deliveries are retried
    when their time comes, up to [run] max_attempts; endpoints with a
    `schedule` are pushed only when a scheduled time has passed. An endpoint
    whose secret's environment variable is not set gets one line naming it,
    nothing is sent or recorded there (the next run with it set sends its
    copies), the other endpoints are pushed, and run exits 2.

    \b
    Examples:
      syndicate run
      syndicate -v run
      syndicate run --format json >> /var/log/syndicate.jsonl
    \b
    crontab (syndicate cron prints one for this config):
      */10 * * * *  syndicate --config /srv/site/syndicate.toml run; s=$?; [ $s -eq 75 ] && exit 0; exit $s

    Exit status: 0 done (or nothing to do); 1 a problem was reported (an
    article with errors, a failed delivery or hub ping); 2 bad usage or
    config, or an endpoint's secret not set (the other endpoints were
    pushed); 75 another run holds the lock (nothing done).
    """
    import datetime as dt
    import os

    from syndicate.cli.audit import scheduled_audit_lines
    from syndicate.cron.incremental import config_known
    from syndicate.cron.run import run as run_once

    try:
        config = options.config(trusted=config_known)
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now(dt.UTC)
        with phased_progress_bar(options, output_format) as progress:
            result = run_once(config, now, os.environ, progress=progress)
    except SyndicateError as e:
        if output_format == "json":  # a log collector gets its line for a run that could not start too
            click.echo(json.dumps(reports.run_error_summary(e), ensure_ascii=False, sort_keys=True))
        if e.exit_status == ExitStatus.LOCKED:
            # an overlap is normal under cron: one line with -v, else nothing (cron would mail it)
            if options.verbose:
                click.echo(f"syndicate run: {e.message}", err=True)
            return ExitStatus.LOCKED
        raise
    summary = reports.run_summary(result)
    if output_format == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    else:
        if options.verbose:
            click.echo(reports.run_summary_line(summary), err=True)
        if result.warnings():
            click.echo("syndicate run: warnings:", err=True)
            for line in result.warnings():
                click.echo(f"  {line}", err=True)
        if not result.ok:
            click.echo("syndicate run: problems:", err=True)
            for line in result.problems():
                click.echo(f"  {line}", err=True)
        for line in scheduled_audit_lines(result.audit, bool(options.verbose)):
            click.echo(f"syndicate run: audit: {line.removeprefix('syndicate audit: ')}", err=True)
    if result.held_endpoints:
        return ExitStatus.USAGE
    return ExitStatus.OK if result.ok else ExitStatus.FAILURE


@cli.command()
@click.option("--every", default=10, show_default=True, help="Minutes between runs.")
@click.pass_obj
def cron(options: Options, every: int) -> ExitStatus:
    """Print a crontab line, and a systemd service and timer, that run this config.

    \b
    Examples:
      syndicate cron >> my-crontab
      syndicate --config /srv/site/syndicate.toml cron --every 5

    Exit status: 0 printed; 2 bad usage or config.
    """
    from syndicate.cron.schedules import cron_text, syndicate_program

    config = options.config()
    if not 1 <= every <= 59:
        raise UsageError(f"--every {every}: give minutes from 1 to 59", "e.g. --every 10")
    click.echo(cron_text(syndicate_program(), config, every))
    return ExitStatus.OK
