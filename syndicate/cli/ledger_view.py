"""The commands that read and re-queue the ledger's record: status, retry.

Part of the command line (see __init__.py): these print and pick exit statuses.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from syndicate.cli import reports
from syndicate.cli.app import Options, cli, format_option
from syndicate.cli.explain import drafted_requests, explain_option, with_request
from syndicate.errors import ExitStatus, UsageError
from syndicate.findings import display_path
from syndicate.schemas import did_you_mean

if TYPE_CHECKING:
    from syndicate.delivery.status_rows import StatusRow


@cli.command()
@click.option(
    "--failed", "only_failed", is_flag=True, help="Only deliveries that failed (or are still pending), errors whole."
)
@click.option("--endpoint", metavar="NAME", help="Only this endpoint.")
@click.option(
    "--html",
    "html_out",
    metavar="OUT",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the status page (one self-contained HTML file) to OUT instead.",
)
@format_option(
    "text: a table; json: a list of ledger rows (article, endpoint, state, remote_url, last_error, "
    "stranded, last_audit, ...)."
)
@explain_option("After the table (reading the articles as they are now)")
@click.pass_obj
def status(
    options: Options, only_failed: bool, endpoint: str | None, html_out: Path | None, output_format: str, explain: bool
) -> ExitStatus:
    """Show the ledger: each article x endpoint, state, remote URL, last error, when, last audit.

    States: delivered, pending (in flight, or interrupted), failed (with its
    next attempt, if any), refused (the licence's reason), retracted.
    Before the first push or run there is no ledger: status says so, and
    makes none. On a terminal the table fits its width (long cells
    wrapped); piped, it is one line per row. A last error longer than 60
    characters is cut after a word, except with --failed, which shows each
    error whole. Once `syndicate audit` has run, a LAST AUDIT column shows
    what the last audit of each copy found (ok, or its finding codes).
    Addresses tracked by hand (`syndicate track`) follow, as endpoint
    track:ID in state tracked, and are listed with their contact below.

    --html OUT writes the status page instead: every row with its state,
    live address, last audit and findings, a Problems section, one per
    endpoint and one of the addresses tracked by hand; no script, nothing
    loaded from elsewhere.

    \b
    Examples:
      syndicate status
      syndicate status --failed
      syndicate status --endpoint partner --format json
      syndicate status --html /var/www/intranet/copies.html

    Exit status: 0 shown (also when no delivery matches); 2 bad usage or
    config (an endpoint neither configured nor in the ledger, --html with
    --format json, a page that cannot be written).
    """
    config = options.config()
    from syndicate.checks.validate import load_site
    from syndicate.delivery.status_rows import last_audit_dict, read_status, tracked_dict

    if html_out is not None and output_format == "json":
        raise UsageError("--html writes a page, --format json prints rows: give one of them", "drop one of the two")
    rows_kept = read_status(config.ledger_at)
    every = rows_kept or []
    if endpoint is not None and all(r.delivery.endpoint != endpoint for r in every):
        config.require_endpoint(endpoint)  # (an endpoint since removed from the config still has its rows)
    rows = [
        r
        for r in every
        if endpoint in (None, r.delivery.endpoint) and (not only_failed or r.delivery.state in ("failed", "pending"))
    ]
    if html_out is not None:
        return _write_page(options, config.site.title, html_out, rows)
    refused = [r.key for r in rows if r.delivery.state == "refused"]
    requests = drafted_requests(load_site(config), config, refused, explain) if explain and refused else {}
    if output_format == "json":
        listed = [
            with_request(
                {
                    **dataclasses.asdict(r.delivery),
                    "stranded": r.stranded,
                    "last_audit": last_audit_dict(r.last_audit),
                    "tracked": tracked_dict(r),
                },
                requests,
                r.key,
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
    shown = [r for r in rows if r.stranded is not None]
    if shown:
        click.echo("\nlive copies that should come down (as the last run or push found):")
        for r in shown:
            click.echo(f"  {r.delivery.article} -> {r.delivery.endpoint}: {r.stranded}")
    hand = [r.tracked for r in rows if r.tracked is not None]
    if hand:
        click.echo("\naddresses tracked by hand (`syndicate track --list`):")
        for t in hand:
            contact = f"contact {t.contact}" if t.contact else "no contact (`track URL --article SLUG --contact ADDR`)"
            click.echo(f"  {t.endpoint}: {t.url} ({t.article}), {contact}, canonical {t.canonical}")
    return ExitStatus.OK


def _write_page(options: Options, site_title: str, out: Path, rows: list[StatusRow]) -> ExitStatus:
    import datetime as dt

    from syndicate.delivery.status_page import write_status_page

    write_status_page(out, rows, site_title, dt.datetime.now(dt.UTC))
    if not options.quiet:
        problems = sum(1 for r in rows if r.problem)
        click.echo(
            f"status page written to {display_path(out)}: {reports.plural(len(rows), 'copy', 'copies')}, "
            f"{reports.plural(problems, 'problem')}",
            err=True,
        )
    return ExitStatus.OK


@cli.command()
@click.argument("article", required=False)
@click.option("--all", "everything", is_flag=True, help="Every failed delivery.")
@click.pass_obj
def retry(options: Options, article: str | None, everything: bool) -> ExitStatus:
    """Re-queue failed deliveries so that the next run (or push) tries them now.

    Resets their attempts, so a delivery that run gave up on is tried again.
    While a run, push or audit holds the lock, exits 75 and changes nothing.

    \b
    Examples:
      syndicate retry turkey-agreed-to-buy-russias-s-400
      syndicate retry --all

    Exit status: 0 re-queued (or nothing failed); 2 bad usage or config (an
    article with no delivery recorded); 75 a run, push or audit holds the lock.
    """
    import datetime as dt

    from syndicate.delivery.ledger_open import exclusive

    if bool(article) == everything:
        raise UsageError("name one article, or --all", "syndicate retry SLUG, or syndicate retry --all")
    config = options.config()
    # one writer of delivery rows at a time: mid-run, a re-queue would race the rows the run is recording
    with exclusive(config.ledger_at, "wait for it to finish, then retry again") as ledger:
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
