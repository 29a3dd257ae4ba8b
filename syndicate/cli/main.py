"""`main`, the `syndicate` command: the group of app.py with every command registered.

Each command module registers its commands on the group when imported: articles.py (validate,
import, feeds, licenses), delivery.py (plan, push, run, status, retry, cron), recovery.py
(reconcile).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from syndicate.cli import articles, delivery, recovery
from syndicate.cli.app import cli, print_error
from syndicate.errors import ExitStatus, SyndicateError

#: the modules whose commands make up the group
COMMANDS = (articles, delivery, recovery)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the `syndicate` command."""
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="syndicate", standalone_mode=False)
    except click.exceptions.Exit as e:  # --help, --version
        sys.exit(e.exit_code)
    except click.ClickException as e:  # usage errors: bad option, missing argument
        e.show()
        sys.exit(ExitStatus.USAGE)
    except click.Abort:
        click.echo("syndicate: interrupted", err=True)
        sys.exit(130)
    except SyndicateError as e:
        print_error(e)
        sys.exit(e.exit_status)
    sys.exit(int(status) if isinstance(status, int) else ExitStatus.OK)
