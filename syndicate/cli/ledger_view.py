"""The commands that read and re-queue the ledger's record: status, retry.

Part of the command line (see __init__.py): these print and pick exit statuses.
"""

from __future__ import annotations

import dataclasses
import json

import click

from syndicate.cli import reports
from syndicate.cli.app import Options, cli, format_option
from syndicate.cli.explain import drafted_requests, explain_option, with_request
from syndicate.errors import ExitStatus, UsageError
from syndicate.findings import display_path
from syndicate.schemas import did_you_mean


@cli.command()
@click.option(
    "--failed", "only_failed", is_flag=True, help="Only deliveries that failed (or are still pending), errors whole."
)
@click.option("--endpoint", metavar="NAME", help="Only this endpoint.")
@format_option("text: a table; json: a list of ledger rows (article, endpoint, state, remote_url, last_error, ...).")
@explain_option("After the table (reading the articles as they are now)")
@click.pass_obj
def status(options: Options, only_failed: bool, endpoint: str | None, output_format: str, explain: bool) -> ExitStatus:
    """Show the ledger: each article x endpoint, state, remote URL, last error, when.

    States: delivered, pending (in flight, or interrupted), failed (with its
    next attempt, if any), refused (the licence's reason), retracted.
    Before the first push or run there is no ledger: status says so, and
    makes none. On a terminal the table fits its width (long cells
    wrapped); piped, it is one line per row. A last error longer than 60
    characters is cut after a word, except with --failed, which shows each
    error whole.

    \b
    Examples:
      syndicate status
      syndicate status --failed
      syndicate status --endpoint partner --format json

    Exit status: 0 shown (also when no delivery matches); 2 bad usage or
    config (an endpoint neither configured nor in the ledger).
    """
    config = options.config()
    from syndicate.checks.validate import load_site
    from syndicate.delivery.ledger import recorded, recorded_state
    from syndicate.delivery.plan import read_stranded

    rows_kept = recorded(config.paths.state)
    every = rows_kept or []
    if endpoint is not None and all(r.endpoint != endpoint for r in every):
        config.require_endpoint(endpoint)  # (an endpoint since removed from the config still has its rows)
    rows = [
        r for r in every if endpoint in (None, r.endpoint) and (not only_failed or r.state in ("failed", "pending"))
    ]
    stranded = read_stranded(recorded_state(config.paths.state, "stranded")) if rows_kept else {}
    refused = [(r.article, r.endpoint) for r in rows if r.state == "refused"]
    requests = drafted_requests(load_site(config), config, refused, explain) if explain and refused else {}
    if output_format == "json":
        listed = [
            with_request(
                {**dataclasses.asdict(r), "stranded": stranded.get((r.article, r.endpoint))},
                requests,
                (r.article, r.endpoint),
                explain,
            )
            for r in rows
        ]
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return ExitStatus.OK
    if rows_kept is None:
        click.echo(f"no deliveries recorded yet: no ledger at {display_path(config.paths.state)}", err=True)
        return ExitStatus.OK
    if not rows:
        click.echo("no deliveries recorded" + (" that match" if only_failed or endpoint else ""), err=True)
        return ExitStatus.OK
    import shutil
    import sys

    # a terminal gets a table of its width (COLUMNS, when set, says which); a pipe one line a row
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    table, shortened = reports.status_table(rows, width, whole_errors=only_failed)
    click.echo(table, nl=False)
    if shortened:
        click.echo("(errors shortened: `syndicate status --failed` shows them whole)", err=True)
    click.echo(reports.permission_requests(requests), nl=False)
    shown = [(r.article, r.endpoint) for r in rows if (r.article, r.endpoint) in stranded]
    if shown:
        click.echo("\nlive copies that should come down (as the last run or push found):")
        for pair in shown:
            click.echo(f"  {pair[0]} -> {pair[1]}: {stranded[pair]}")
    return ExitStatus.OK


@cli.command()
@click.argument("article", required=False)
@click.option("--all", "everything", is_flag=True, help="Every failed delivery.")
@click.pass_obj
def retry(options: Options, article: str | None, everything: bool) -> ExitStatus:
    """Re-queue failed deliveries so that the next run (or push) tries them now.

    Resets their attempts, so a delivery that run gave up on is tried again.
    While a run or push holds the lock, exits 75 and changes nothing.

    \b
    Examples:
      syndicate retry turkey-agreed-to-buy-russias-s-400
      syndicate retry --all

    Exit status: 0 re-queued (or nothing failed); 2 bad usage or config (an
    article with no delivery recorded); 75 a run or push holds the lock.
    """
    import datetime as dt

    from syndicate.delivery.ledger import Ledger
    from syndicate.delivery.lock import run_lock

    if bool(article) == everything:
        raise UsageError("name one article, or --all", "syndicate retry SLUG, or syndicate retry --all")
    config = options.config()
    # one writer of delivery rows at a time: mid-run, a re-queue would race the rows the run is recording
    with run_lock(config.paths.state, "wait for it to finish, then retry again"), Ledger(config.paths.state) as ledger:
        if article is not None:
            recorded = {r.article for r in ledger.all()}
            if article not in recorded:
                raise UsageError(
                    f"no delivery of {article!r} is recorded",
                    did_you_mean(article, recorded) + "give an article's slug, as `syndicate status` lists them",
                )
        count = ledger.requeue(article)
        ledger.set_state({"next_wakeup": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    if not options.quiet:
        click.echo(f"{reports.plural(count, 'delivery', 'deliveries')} re-queued", err=True)
    return ExitStatus.OK
