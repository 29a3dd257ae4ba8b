"""`main`, the `syndicate` command: the group of app.py with every command registered.

Each command module registers its commands on the group when imported: articles.py (validate,
import, feeds, licenses), delivery.py (plan, push, run, cron), ledger_view.py (status, retry),
recovery.py (reconcile, ledger migrate), audit.py (audit, track), starting.py (init).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from syndicate.cli import articles, audit, delivery, ledger_view, recovery, starting
from syndicate.cli.app import Options, cli, print_error
from syndicate.errors import ExitStatus, SyndicateError

#: the modules whose commands make up the group
COMMANDS = (articles, delivery, ledger_view, recovery, audit, starting)


def _global_options_after(command: click.Command) -> None:
    """Let -v, -q and --config come after the command too (`syndicate run -v`), as well as before it."""
    command.params += [
        click.Option(["--config", "late_config"], metavar="PATH", hidden=True),
        click.Option(["-v", "--verbose", "late_verbose"], count=True, hidden=True),
        click.Option(["-q", "--quiet", "late_quiet"], is_flag=True, hidden=True),
    ]
    callback = command.callback
    assert callback is not None

    def given_after(*args: Any, late_config: str | None, late_verbose: int, late_quiet: bool, **kwargs: Any) -> Any:
        options = click.get_current_context().find_object(Options)
        if options is not None:
            options.config_path = late_config or options.config_path
            options.verbose += late_verbose
            options.quiet = options.quiet or late_quiet
        return callback(*args, **kwargs)

    command.callback = functools.update_wrapper(given_after, callback)


for _command in cli.commands.values():
    _global_options_after(_command)


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
