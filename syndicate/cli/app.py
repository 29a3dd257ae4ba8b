"""The command group, its options, and what every command shares (the config, formats, progress).

The command line (this package) is the only code that prints or exits: the library returns
results, and the commands here and in articles.py, delivery.py and recovery.py report them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from syndicate import __version__
from syndicate.characters import escape_controls
from syndicate.config import CONFIG_ENV, Config, find_config, load_config
from syndicate.errors import ConfigError, ExitStatus, SyndicateError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Options:
    config_path: str | None
    verbose: int
    quiet: bool

    def config(self, trusted: Callable[[Path, bytes], bool] | None = None) -> Config:
        """The site's config; none found is a usage error. `trusted` may skip revalidation (see run)."""
        config = self.optional_config(trusted)
        if config is None:
            raise ConfigError(
                "no syndicate.toml in this folder",
                f"pass --config PATH, set ${CONFIG_ENV}, or run from the site's folder",
            )
        return config

    def optional_config(self, trusted: Callable[[Path, bytes], bool] | None = None) -> Config | None:
        path = find_config(self.config_path)
        if path is None:
            return None
        return load_config(path, trusted=(lambda raw: trusted(path, raw)) if trusted else None)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="syndicate")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help=f"The site's config file. Default: ${CONFIG_ENV}, else ./syndicate.toml.",
)
@click.option("-v", "--verbose", count=True, help="Say more (each file checked, summaries).")
@click.option("-q", "--quiet", is_flag=True, help="Say only what is wrong.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, quiet: bool) -> None:
    """Validate, render and syndicate articles under their licence terms.

    Articles are Markdown files with YAML front matter that records their
    source, byline, copyright and licence. syndicate checks them, writes RSS and
    Atom feeds, and pushes copies only where each licence allows.

    \b
    Examples:
      syndicate validate                       # every article in the content folder
      syndicate --config site/syndicate.toml validate site/content/new.md
      syndicate validate --format json > findings.json
      syndicate COMMAND --help                 # what a command does, with examples

    -v, -q and --config may also follow the command: syndicate run -v.

    Exit status: 0 ok; 1 an article is invalid or a delivery failed; 2 usage or
    configuration error; 75 another run, push or audit holds the lock (nothing done).
    """
    ctx.obj = Options(config_path, verbose, quiet)


def format_option(help_text: str) -> Callable[[Callable[..., ExitStatus]], Callable[..., ExitStatus]]:
    """`--format text|json` (as `output_format`), with what each form prints."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


@contextlib.contextmanager
def progress_bar(
    options: Options, label: str, output_format: str = "text"
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error when it is a terminal; None (no bar) otherwise."""
    with phased_progress_bar(options, output_format, label) as show:
        yield None if show is None else (lambda done, total: show(label, done, total))


@contextlib.contextmanager
def phased_progress_bar(
    options: Options, output_format: str = "text", label: str = ""
) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on standard error when it is a terminal, `show(label, done, total)` moving
    it; None (no bar) with -q, --format json, or standard error not a terminal (cron, a pipe)."""
    if options.quiet or output_format != "text" or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    # lines printed meanwhile go above the bar; standard output only when it is a terminal too
    # (a file or a pipe gets its lines as it would without a bar)
    redirect = sys.stdout.isatty()
    with Progress(transient=True, console=Console(stderr=True), redirect_stdout=redirect) as bar:
        task = bar.add_task(label, total=None)
        shown = [label]

        def show(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)
            if label != shown[0]:  # each phase drawn at least once, however short
                shown[0] = label
                bar.refresh()

        yield show


def print_error(error: SyndicateError) -> None:
    # a message may name a file or quote input: its control characters are shown, not obeyed
    click.echo(escape_controls(f"syndicate: error: {error.message}", keep_newlines=True), err=True)
    for problem in getattr(error, "problems", ()):
        click.echo(escape_controls(f"  {problem}", keep_newlines=True), err=True)
    if error.hint:
        click.echo(escape_controls(f"  hint: {error.hint}", keep_newlines=True), err=True)
