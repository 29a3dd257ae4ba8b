"""The command that starts a site: init.

Part of the command line (see __init__.py): it prints and picks the exit status.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from syndicate.cli.app import Options, cli
from syndicate.errors import ExitStatus


@cli.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init(options: Options, folder: Path) -> ExitStatus:
    """Start a site in FOLDER (default: this folder): a commented syndicate.toml,
    content/ with one example article, and a .gitignore for what runs write.

    The site validates and runs as it is: its folder endpoint is on; a
    webhook and a WordPress endpoint are written out, commented. Nothing is
    written over an existing file: then nothing is written at all.

    \b
    Examples:
      syndicate init newsroom && cd newsroom && syndicate validate && syndicate run
      syndicate init                # in this folder

    Exit status: 0 written; 2 a file exists already (named), or the folder
    cannot be written.
    """
    from syndicate.starter import start_site

    site = start_site(folder)
    if not options.quiet:
        for path in site.written:
            click.echo(f"wrote {path}")
        go = "" if folder == Path() else f"cd {shlex.quote(str(folder))} && "
        click.echo(
            f"next: set [site] title and url in {site.written[0].name}, then: {go}syndicate validate && syndicate run",
            err=True,
        )
    return ExitStatus.OK
