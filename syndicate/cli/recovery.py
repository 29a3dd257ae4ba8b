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
    2 bad usage or config; 75 a run, push or audit holds the lock.
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


@cli.group()
def ledger() -> None:
    """Move the ledger: syndicate ledger migrate --to postgresql://..."""


@ledger.command()
@click.option("--to", "url", required=True, metavar="URL", help="postgresql://user@host:port/database (no password).")
@click.option(
    "--site", metavar="NAME", help="The site's name in the database (default: [ledger] site, or [site] url's host)."
)
@click.pass_obj
def migrate(options: Options, url: str, site: str | None) -> ExitStatus:
    """Copy the SQLite ledger at [paths] state into PostgreSQL, checked row by row.

    Every delivery, what run remembers, the schedules' last pushes, the
    audits and the tracked addresses are copied into a site of the database that holds nothing yet, in
    one transaction; then both ledgers are read back and compared row by
    row (a difference removes the copy: exit 2). The SQLite ledger is not
    changed. Holds its lock meanwhile. The password comes from PGPASSWORD
    (or [ledger] password_env's variable), never from the URL. Then set
    [ledger] url (and site) in syndicate.toml: runs use PostgreSQL from there.

    \b
    Examples:
      PGPASSWORD=... syndicate ledger migrate --to postgresql://syndicate@db.internal/syndicate

    Exit status: 0 copied and checked; 2 bad usage or config, no SQLite
    ledger, the site in the database not empty, or the copy differs;
    75 a run holds the lock.
    """
    import os
    import urllib.parse

    from syndicate.config_secrets import literal_secrets
    from syndicate.delivery.ledger_copy import copy_ledger
    from syndicate.delivery.ledger_open import exclusive, exists
    from syndicate.delivery.ledger_pg import PostgresLedger
    from syndicate.ledger_settings import check_url, ledger_settings

    config = options.config()
    check_url(url, "--to")
    if urllib.parse.urlsplit(url).scheme not in ("postgresql", "postgres") or literal_secrets(url, "--to", set()):
        raise UsageError(
            "--to: give a postgresql:// URL without a password",
            "e.g. --to postgresql://syndicate@db.internal/syndicate, with the password in PGPASSWORD",
        )
    state = config.paths.state
    if not exists(state):
        raise UsageError(f"no SQLite ledger at {state}: nothing to migrate", "check [paths] state in syndicate.toml")
    kept = config.ledger
    table = {"url": url, "site": site or (kept.site if kept else None), "password_env": kept and kept.password_env}
    target = ledger_settings({key: value for key, value in table.items() if value}, config.site.url)
    assert target is not None  # (a url was given)
    with exclusive(state, "wait for it to finish, then migrate") as source, PostgresLedger(target, os.environ) as copy:
        assert isinstance(copy, PostgresLedger)
        copied = copy_ledger(source, copy)
    if not options.quiet:
        counts = ", ".join(f"{reports.plural(n, 'row', 'rows')} of {name}" for name, n in copied.rows.items())
        click.echo(f"syndicate ledger migrate: {counts}: copied to {target.display} and checked row by row", err=True)
        click.echo(f'  next: set [ledger] url = "{url}" and site = "{target.site}" in syndicate.toml', err=True)
    return ExitStatus.OK
