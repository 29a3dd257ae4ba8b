"""The command that rebuilds a lost ledger from the endpoints: reconcile.

Part of the command line (see __init__.py): it prints and picks the exit status.
"""

from __future__ import annotations

import click

from syndicate.cli import reports
from syndicate.cli.app import Options, cli
from syndicate.errors import ExitStatus, UsageError


@cli.command()
@click.option("--endpoint", metavar="NAME", help="Only this endpoint (the ledger is taken back only after all).")
@click.option("--assume-new", is_flag=True, help="A webhook's copies are not at the receiver: push sends them.")
@click.option(
    "--assume-delivered", is_flag=True, help="A webhook's copies are at the receiver, as the articles are now."
)
@click.pass_obj
def reconcile(options: Options, endpoint: str | None, assume_new: bool, assume_delivered: bool) -> ExitStatus:
    """Rebuild the ledger's record of delivered copies from what the endpoints hold.

    For a ledger that was emptied, replaced or lost (syndicate refuses to run
    on one, exit 2, while the receipt beside it says copies were delivered).
    Each article x endpoint the ledger has no row for is looked up: a folder
    copy by its file, a WordPress post by its slug and syndicate's marker (a
    post of the site's own with the same slug is never taken). Found copies
    are recorded as delivered; the next push sends each as the article is
    now: updates, never a second copy. A webhook cannot be asked: the copies
    a push would create there are recorded as unknown and held back (plan
    and run name them) until --assume-new or --assume-delivered decides.
    Nothing is sent. Holds the lock run takes.

    \b
    Examples:
      syndicate reconcile
      syndicate reconcile --endpoint newsroom-hook --assume-new
      syndicate -v reconcile

    Exit status: 0 every endpoint asked (the ledger is in use again); 1 an
    endpoint could not be asked (the found copies are kept: run it again);
    2 bad usage or config; 75 a run or push holds the lock.
    """
    import os

    from syndicate.checks.validate import load_site
    from syndicate.delivery.ledger_open import exclusive
    from syndicate.delivery.reconcile import Assume, Finding
    from syndicate.delivery.reconcile import reconcile as rebuild

    if assume_new and assume_delivered:
        raise UsageError("--assume-new and --assume-delivered say opposite things", "give one of them, or neither")
    assume = Assume.NEW if assume_new else Assume.DELIVERED if assume_delivered else Assume.UNKNOWN
    config = options.config()
    if endpoint is not None:
        config.require_endpoint(endpoint)
    with exclusive(config.ledger_at, "wait for it to finish, then reconcile", adopt=True) as ledger:
        site = load_site(config, delivered=ledger.delivered_bodies())
        result = rebuild(config, site, ledger, os.environ, endpoint, assume)
    for row in result.rows:
        if options.verbose or row.finding is Finding.UNKNOWN:
            where = f": {row.url}" if row.url else ""
            click.echo(f"{row.finding.value:<17}  {row.article} -> {row.endpoint}{where}")
    for name, error in result.failures:
        click.echo(f"syndicate: endpoint {name!r} could not be asked: {error.message}", err=True)
        if error.hint:
            click.echo(f"  hint: {error.hint}", err=True)
    if not options.quiet:
        counts = [f"{reports.plural(result.count(f), 'copy', 'copies')} {f.value}" for f in Finding if result.count(f)]
        counts.append(f"{result.not_found} not found")
        ledger_state = "the ledger is in use again" if result.ok else "run it again when every endpoint answers"
        click.echo(f"syndicate reconcile: {', '.join(counts)}; {ledger_state}", err=True)
    return ExitStatus.OK if result.ok else ExitStatus.FAILURE
