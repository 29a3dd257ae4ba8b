"""The command line: parses arguments, calls the library, prints, picks the exit status.

This package is the only place that prints or exits, but for __main__.py, which answers a
no-op `run` before it loads. Here: the group, its options and the article commands (validate,
import, feeds, licenses); delivery.py: the commands of the ledger and the endpoints (plan,
push, run, status, retry, cron).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from syndicate import __version__
from syndicate.cli import reports
from syndicate.config import CONFIG_ENV, Config, find_config, load_config
from syndicate.errors import ConfigError, ExitStatus, SyndicateError, UsageError
from syndicate.findings import display_path
from syndicate.schemas import did_you_mean
from syndicate.terminal import escape_controls

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

    Exit status: 0 ok; 1 an article is invalid or a delivery failed; 2 usage or
    configuration error; 75 another run or push holds the lock (nothing done).
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@format_option("text: one finding a line; json: a list of finding objects.")
@click.option(
    "--explain",
    is_flag=True,
    help="Under each licence refusal, print a ready-to-send permission request (JSON always has it).",
)
@click.pass_obj
def validate(options: Options, paths: tuple[Path, ...], output_format: str, explain: bool) -> ExitStatus:
    """Check articles: schema, attribution, licence terms, and where each may go.

    PATHS are article files or folders (searched for *.md and *.markdown);
    default: the content folder of the config. Every problem in every file is
    reported in one run, one line each:

    \b
      PATH:LINE: CODE message (hint: ...)

    A draft (status: draft) may be incomplete: what a ready article must have
    is a warning on a draft. Warnings do not fail the run. An article that
    names an endpoint its licence keeps it from, or that the site's own
    channel may not carry, is an error (license-refused); --explain adds the
    email asking the rights holder for permission.

    \b
    Examples:
      syndicate validate
      syndicate validate content/2026-11-turkey.md content/archive/
      syndicate validate --explain content/2026-11-turkey.md
      syndicate validate --format json | jq '.[] | select(.severity == "error")'

    Exit status: 0 no errors; 1 at least one error; 2 bad usage or config.
    """
    from syndicate.checks.validate import validate_paths

    config = options.config() if not paths else options.optional_config()
    with progress_bar(options, "validating", output_format) as progress:
        report = validate_paths(list(paths), config, progress=progress)
    if output_format == "json":
        click.echo(json.dumps([f.to_dict() for f in report.findings], indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            click.echo(reports.finding_line(finding))
            if explain and finding.permission_request:
                click.echo("".join(f"    | {line}\n" for line in finding.permission_request.splitlines()), nl=False)
    if not options.quiet:
        click.echo(reports.validation_summary(report), err=True)
    return ExitStatus.OK if report.ok else ExitStatus.FAILURE


@contextlib.contextmanager
def progress_bar(
    options: Options, label: str, output_format: str = "text"
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error when it is a terminal; None (no bar) otherwise."""
    if options.quiet or output_format != "text" or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the articles. Default: paths.content.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing article of the same slug.")
@click.pass_obj
def import_(options: Options, sources: tuple[str, ...], out: Path | None, force: bool) -> ExitStatus:
    """Turn scraped articles into front-matter articles, as drafts.

    SOURCE is a text or Markdown file (as scraped, with its footer), a saved
    HTML page, or an http(s) URL, of at most 5 MB. Nothing is guessed: what
    the text does not state stays out of the front matter and is reported, and
    the validator names it; placeholder links ([text](#)) are kept and
    counted. The licence is recognised (Creative Commons wordings to SPDX ids,
    Global Research's cross-post terms) or kept verbatim as `custom`. Each
    article is written as SLUG.md, never over an existing one without --force.

    \b
    Examples:
      syndicate import scraped/globalresearch-s400.txt
      syndicate import saved/page.html https://example.org/2024/06/story --out drafts/

    Exit status: 0 every source imported; 1 a URL could not be fetched; 2
    bad usage (a missing, non-UTF-8 or too large file, an article of that
    slug already there without --force, no --out and no config).
    """
    from syndicate.importer.drafts import import_source, write_article

    if out is None:
        config = options.optional_config()
        if config is None:
            raise UsageError("no --out and no syndicate.toml to take paths.content from", "pass --out DIR")
        out = config.paths.content
    worst = ExitStatus.OK
    stems: dict[str, str] = {}
    for source in sources:
        try:
            result = import_source(source)
            if result.file_stem in stems:
                raise UsageError(
                    f"{source}: would be written as {result.file_stem}.md, like {stems[result.file_stem]}",
                    "import them one at a time, or fix one title",
                )
            stems[result.file_stem] = source
            written = write_article(result, out, force)
        except SyndicateError as e:
            _print_error(e)
            worst = max(worst, e.exit_status)
            continue
        # a name or a note may hold what a terminal acts on (ESC ]0;...BEL): it is shown, not obeyed
        click.echo(escape_controls(f"{source} -> {display_path(written)}"))
        if not options.quiet:
            for line in result.found:
                click.echo(escape_controls(f"  found: {line}"))
            for line in result.missing:
                click.echo(escape_controls(f"  missing: {line}"))
    return worst


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), help="Where to write the feeds. Default: paths.feeds.")
@click.pass_obj
def feeds(options: Options, out: str | None) -> ExitStatus:
    """Write rss.xml and atom.xml of the articles the site's channel may carry.

    Ready articles that are not under embargo and whose licence (or a grant)
    allows the site's channel, newest first, [feeds] limit of them (default
    50) with full content, attribution and rights; older ones on RFC 5005
    archive pages (archive/atom-N.xml), and a feed pair per tag
    (tags/TAG/). A file is rewritten only when its content changes.
    Articles with errors are left out and reported (exit 1). The folder
    must be one of their own: not empty, the root, or the content folder,
    in it or around it.

    \b
    Examples:
      syndicate feeds
      syndicate feeds --out public/feeds/

    Exit status: 0 written; 1 an article has errors (left out) or a hub was
    not told; 2 bad usage or config.
    """
    import datetime as dt

    from syndicate.checks.validate import load_site
    from syndicate.feeds.generate import generate_feeds
    from syndicate.feeds.websub import notify_hubs
    from syndicate.files import FEEDS_FOLDER_HINT, feeds_folder_problem

    config = options.config()
    problem = feeds_folder_problem(out, config.paths.content) if out is not None else None
    if problem is not None:
        raise UsageError(f"feeds --out {out!r}: {problem}", FEEDS_FOLDER_HINT)
    site = load_site(config)
    for finding in site.report.errors:
        click.echo(reports.finding_line(finding), err=True)
    now = dt.datetime.now(dt.UTC)
    result = generate_feeds(config, site.articles, site.checks, Path(out) if out else config.paths.feeds, now)
    if options.verbose or (not options.quiet and result.changed):
        for path in result.written:
            click.echo(f"wrote {display_path(path)}", err=True)
        for path in result.removed:
            click.echo(f"removed {display_path(path)}", err=True)
    if not options.quiet:
        click.echo(
            f"{reports.plural(result.entries, 'entry', 'entries')} in the feeds; "
            f"{len(result.written)} written, {len(result.unchanged)} unchanged",
            err=True,
        )
    failed_pings = [p for p in notify_hubs(config.feeds.hubs, result.changed_topics(config)) if not p.ok]
    for line in reports.ping_problems(failed_pings):
        click.echo(f"syndicate: {line}", err=True)
    return ExitStatus.OK if site.report.ok and not failed_pings else ExitStatus.FAILURE


@cli.command()
@click.argument("license_id", required=False, metavar="[ID]")
@click.pass_obj
def licenses(options: Options, license_id: str | None) -> ExitStatus:
    """List the known licence profiles and what each allows, or explain one.

    Profiles ship for the Creative Commons 4.0 and 3.0 families (SPDX ids),
    CC0, public domain, all rights reserved and the Global Research cross-post
    terms; a site adds its own from the folder named by paths.licenses.
    Channels: community-web, commercial-web, print, newsletter, social.

    \b
    Examples:
      syndicate licenses
      syndicate licenses CC-BY-ND-4.0

    Exit status: 0 shown; 2 no such profile, or a bad config.
    """
    from syndicate.licences.profiles import load_registry

    config = options.optional_config()
    registry = load_registry(config.paths.licenses if config else None)
    if license_id is None:
        width = max(len(p.id) for p in registry)
        for profile in registry:
            channels = ", ".join(sorted(profile.channels)) or "none without permission"
            click.echo(f"{profile.id:<{width}}  {channels}")
        return ExitStatus.OK
    found = registry.get(license_id)
    if found is None:
        raise UsageError(
            f"no licence profile {license_id!r}",
            did_you_mean(license_id, (p.id for p in registry)) + "`syndicate licenses` lists them",
        )
    click.echo(reports.explain_profile(found))
    return ExitStatus.OK


def _print_error(error: SyndicateError) -> None:
    # a message may name a file or quote input: its control characters are shown, not obeyed
    click.echo(escape_controls(f"syndicate: error: {error.message}", keep_newlines=True), err=True)
    for problem in getattr(error, "problems", ()):
        click.echo(escape_controls(f"  {problem}", keep_newlines=True), err=True)
    if error.hint:
        click.echo(escape_controls(f"  hint: {error.hint}", keep_newlines=True), err=True)


from syndicate.cli import delivery as delivery  # noqa: E402  (registers its commands on `cli`)
from syndicate.cli import recovery as recovery  # noqa: E402


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
        _print_error(e)
        sys.exit(e.exit_status)
    sys.exit(int(status) if isinstance(status, int) else ExitStatus.OK)
