"""The command line: parses arguments, calls the library, prints, picks the exit status.

This is the only module that prints or exits, but for __main__.py, which answers a no-op
`run` before this module loads. Commands of the contract in DESIGN.md that this version does
not implement yet are listed with their help, and exit 2 with a one-line "not available yet".
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from syndicate import __version__, reports
from syndicate.config import CONFIG_ENV, Config, find_config, load_config
from syndicate.errors import ConfigError, ExitStatus, SyndicateError, UsageError
from syndicate.findings import ValidationReport, display_path
from syndicate.schemas import did_you_mean

if TYPE_CHECKING:
    from syndicate.ledger import Delivery
    from syndicate.plan import PlannedAction

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
    from syndicate.validate import validate_paths

    config = options.config() if not paths else options.optional_config()
    with _progress(options, "validating", output_format) as progress:
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
def _progress(options: Options, label: str, output_format: str = "text") -> Iterator[Callable[[int, int], None] | None]:
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
    HTML page, or an http(s) URL. Nothing is guessed: what the text does not
    state stays out of the front matter and is reported, and the validator
    names it; placeholder links ([text](#)) are kept and counted. The licence
    is recognised (Creative Commons wordings to SPDX ids, Global Research's
    cross-post terms) or kept verbatim as `custom`. Each article is written as
    SLUG.md, never over an existing one without --force.

    \b
    Examples:
      syndicate import scraped/globalresearch-s400.txt
      syndicate import saved/page.html https://example.org/2024/06/story --out drafts/

    Exit status: 0 every source imported; 1 a URL could not be fetched; 2
    bad usage (a missing or non-UTF-8 file, an article of that slug already
    there without --force, no --out and no config).
    """
    from syndicate.importer import import_html_bytes, import_text, import_url, refuse_unimportable, write_article

    if out is None:
        config = options.optional_config()
        if config is None:
            raise UsageError("no --out and no syndicate.toml to take paths.content from", "pass --out DIR")
        out = config.paths.content
    worst = ExitStatus.OK
    stems: dict[str, str] = {}
    for source in sources:
        try:
            if source.startswith(("http://", "https://")):
                result = import_url(source)
            else:
                path = Path(source)
                if not path.is_file():
                    raise UsageError(f"{source}: no such file", "check the path")
                raw = path.read_bytes()
                if path.suffix.lower() in (".html", ".htm"):
                    result = import_html_bytes(raw, source)
                else:
                    text = _utf8(raw, source)
                    refuse_unimportable(text, source)
                    result = import_text(text, source)
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
        click.echo(f"{source} -> {display_path(written)}")
        if not options.quiet:
            for line in result.found:
                click.echo(f"  found: {line}")
            for line in result.missing:
                click.echo(f"  missing: {line}")
    return worst


def _utf8(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UsageError(
            f"{source}:{line}: byte 0x{raw[e.start]:02x} is not UTF-8", "convert the file to UTF-8 first"
        ) from e


@cli.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Where to write the feeds. Default: paths.feeds."
)
@click.pass_obj
def feeds(options: Options, out: Path | None) -> ExitStatus:
    """Write rss.xml and atom.xml of the articles the site's channel may carry.

    Ready articles that are not under embargo and whose licence (or a grant)
    allows the site's channel, newest first, [feeds] limit of them (default
    50) with full content, attribution and rights; older ones on RFC 5005
    archive pages (archive/atom-N.xml), and a feed pair per tag
    (tags/TAG/). A file is rewritten only when its content changes.
    Articles with errors are left out and reported (exit 1).

    \b
    Examples:
      syndicate feeds
      syndicate feeds --out public/feeds/

    Exit status: 0 written; 1 an article has errors (left out) or a hub was
    not told; 2 bad usage or config.
    """
    import datetime as dt

    from syndicate.feeds import generate_feeds
    from syndicate.validate import load_site
    from syndicate.websub import notify_hubs, ping_problems

    config = options.config()
    site = load_site(config)
    for finding in site.report.errors:
        click.echo(reports.finding_line(finding), err=True)
    now = dt.datetime.now(dt.UTC)
    result = generate_feeds(config, site.articles, site.checks, out or config.paths.feeds, now)
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
    for line in ping_problems(failed_pings):
        click.echo(f"syndicate: {line}", err=True)
    return ExitStatus.OK if site.report.ok and not failed_pings else ExitStatus.FAILURE


@cli.command()
@click.option("--endpoint", metavar="NAME", help="Plan for this endpoint only.")
@format_option("text: a table; json: a list of objects (article, endpoint, action, reason, ...).")
@click.pass_obj
def plan(options: Options, endpoint: str | None, output_format: str) -> ExitStatus:
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

    Exit status: 0 planned; 1 an article has errors (its row says skipped);
    2 bad usage or config.
    """
    stream, report = _plan(_config_for(options, endpoint), endpoint)
    actions = list(stream)
    if output_format == "json":
        click.echo(json.dumps([a.to_dict() for a in actions], indent=2, ensure_ascii=False))
    else:
        click.echo(reports.plan_table(actions), nl=False)
    _print_errors(report)
    return ExitStatus.OK if report.ok else ExitStatus.FAILURE


def _print_errors(report: ValidationReport) -> None:
    for finding in report.errors:
        click.echo(reports.finding_line(finding), err=True)


def _config_for(options: Options, endpoint: str | None) -> Config:
    """The config, checked to have `endpoint` (when one is named)."""
    config = options.config()
    if endpoint is not None:
        _known_endpoint(config, endpoint)
    return config


def _plan(config: Config, endpoint: str | None) -> tuple[Iterator[PlannedAction], ValidationReport]:
    """The plan as a stream (each copy is rendered as the stream is read) and the validation report."""
    import datetime as dt

    from syndicate.plan import iter_plan
    from syndicate.validate import load_site

    site = load_site(config)
    # (before the first push there is no ledger: a plan, which only reads, makes none)
    actions = iter_plan(site, config, _recorded(config.paths.state) or [], dt.datetime.now(dt.UTC), endpoint)
    return actions, site.report


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
    exits 75 and sends nothing (--dry-run only reads, and takes no lock).

    \b
    Examples:
      syndicate push --dry-run
      syndicate push --endpoint partner

    Exit status: 0 every delivery done; 1 a delivery failed (or would, with
    --dry-run) or an article has errors; 2 bad usage or config; 75 a run or
    another push holds the lock (nothing done).
    """
    import os

    from syndicate.ledger import Ledger
    from syndicate.lock import run_lock
    from syndicate.publish import push as deliver
    from syndicate.publish import unopenable

    config = _config_for(options, endpoint)
    if dry_run:  # sends and records nothing: a look while a run delivers is harmless
        actions, report = _plan(config, endpoint)
        _print_errors(report)
        would_send = [a for a in actions if a.sends]
        click.echo(reports.plan_table(would_send), nl=False)
        blocked = unopenable(config, (a.endpoint for a in would_send), os.environ)
        for error in blocked:
            click.echo(f"syndicate: push would fail: {error.message}", err=True)
            click.echo(f"  hint: {error.hint}", err=True)
        return ExitStatus.OK if report.ok and not blocked else ExitStatus.FAILURE
    # locked before the ledger is read: a plan made while another process delivers would send its creates again
    with run_lock(config.paths.state, "wait for it to finish, then push again: what it delivered is not sent twice"):
        actions, report = _plan(config, endpoint)
        _print_errors(report)
        # push takes the plan as it is made: the first copy goes out before the last one is rendered
        sending = (a for a in actions if a.sends or a.action == "refused")
        with Ledger(config.paths.state) as ledger, _progress(options, "pushing") as progress:
            result = deliver(sending, config, ledger, os.environ, progress=progress)
    for outcome in result.outcomes:
        a = outcome.action
        if outcome.ok and not options.quiet:
            click.echo(f"{a.action}d {a.article} -> {a.endpoint}: {outcome.detail}")
        elif not outcome.ok:
            hint = f" (hint: {outcome.hint})" if outcome.hint else ""
            click.echo(f"syndicate: {a.action} {a.article} -> {a.endpoint} failed: {outcome.detail}{hint}", err=True)
    return ExitStatus.OK if report.ok and not result.failures else ExitStatus.FAILURE


@cli.command()
@format_option("text: silent unless -v or a problem; json: one summary object (README lists its keys).")
@click.option("--now", "now_text", hidden=True, help="Pretend it is this ISO datetime (tests).")
@click.pass_obj
def run(options: Options, output_format: str, now_text: str | None) -> ExitStatus:
    """The cron entry point: lock, validate, feeds, push, notify hubs.

    Silent on success (cron mails whatever is printed); -v prints a summary;
    problems print a short report and exit 1. A second run while one holds
    the lock exits 75 at once. Unchanged articles are not read again: a run
    with nothing to do costs one stat per file. Failed deliveries are retried
    when their time comes, up to [run] max_attempts; endpoints with a
    `schedule` are pushed only when a scheduled time has passed.

    \b
    Examples:
      syndicate run
      syndicate -v run
      syndicate run --format json >> /var/log/syndicate.jsonl
    \b
    crontab (syndicate cron prints one for this config):
      */10 * * * *  syndicate --config /srv/site/syndicate.toml run

    Exit status: 0 done (or nothing to do); 1 a problem was reported (an
    article with errors, a failed delivery or hub ping); 2 bad usage or
    config; 75 another run holds the lock (nothing done).
    """
    import datetime as dt
    import os

    from syndicate.incremental import config_known
    from syndicate.run import run as run_once

    try:
        config = options.config(trusted=config_known)
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now(dt.UTC)
        result = run_once(config, now, os.environ)
    except SyndicateError as e:
        if output_format == "json":  # a log collector gets its line for a run that could not start too
            click.echo(json.dumps(reports.run_error_summary(e), ensure_ascii=False, sort_keys=True))
        raise
    summary = reports.run_summary(result)
    if output_format == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    else:
        if options.verbose:
            click.echo(reports.run_summary_line(summary), err=True)
        if not result.ok:
            click.echo("syndicate run: problems:", err=True)
            for line in result.problems():
                click.echo(f"  {line}", err=True)
    return ExitStatus.OK if result.ok else ExitStatus.FAILURE


@cli.command()
@click.option("--failed", "only_failed", is_flag=True, help="Only deliveries that failed (or are still pending).")
@click.option("--endpoint", metavar="NAME", help="Only this endpoint.")
@format_option("text: a table; json: a list of ledger rows (article, endpoint, state, remote_url, last_error, ...).")
@click.pass_obj
def status(options: Options, only_failed: bool, endpoint: str | None, output_format: str) -> ExitStatus:
    """Show the ledger: each article x endpoint, state, remote URL, last error, when.

    States: delivered, pending (in flight, or interrupted), failed (with its
    next attempt, if any), refused (the licence's reason), retracted.
    Before the first push or run there is no ledger: status says so, and
    makes none.

    \b
    Examples:
      syndicate status
      syndicate status --failed
      syndicate status --endpoint partner --format json

    Exit status: 0 shown (also when no delivery matches); 2 bad usage or
    config (an endpoint neither configured nor in the ledger).
    """
    config = options.config()
    recorded = _recorded(config.paths.state)
    every = recorded or []
    if endpoint is not None and all(r.endpoint != endpoint for r in every):
        _known_endpoint(config, endpoint)  # (an endpoint since removed from the config still has its rows)
    rows = [
        r for r in every if endpoint in (None, r.endpoint) and (not only_failed or r.state in ("failed", "pending"))
    ]
    if output_format == "json":
        click.echo(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, ensure_ascii=False))
        return ExitStatus.OK
    if recorded is None:
        click.echo(f"no deliveries recorded yet: no ledger at {display_path(config.paths.state)}", err=True)
        return ExitStatus.OK
    if not rows:
        click.echo("no deliveries recorded" + (" that match" if only_failed or endpoint else ""), err=True)
        return ExitStatus.OK
    click.echo(reports.status_table(rows), nl=False)
    return ExitStatus.OK


def _recorded(state: Path) -> list[Delivery] | None:
    """Every row of the ledger at `state`; None when there is none yet (status and plan only read: they make none)."""
    from syndicate.ledger import Ledger

    try:
        state.stat()
    except FileNotFoundError:
        return None
    except OSError:
        pass  # a parent that is a file, say: the ledger names the problem
    with Ledger(state) as ledger:
        return ledger.all()


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

    from syndicate.ledger import Ledger
    from syndicate.lock import run_lock

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
    import shutil

    config = options.config()
    if not 1 <= every <= 59:
        raise UsageError(f"--every {every}: give minutes from 1 to 59", "e.g. --every 10")
    script = Path(sys.argv[0])
    program = str(script.resolve()) if script.name == "syndicate" and script.is_file() else None
    program = program or shutil.which("syndicate") or f"{sys.executable} -m syndicate"
    click.echo(reports.cron_text(f"{program} --config {config.path} run", config, every))
    return ExitStatus.OK


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
    from syndicate.licenses import load_registry

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


def _known_endpoint(config: Config, name: str) -> None:
    """Raise a usage error (exit 2) when the config has no endpoint `name`."""
    if config.endpoint(name) is None:
        names = [e.name for e in config.endpoints]
        raise UsageError(
            f"no endpoint {name!r} in {config.path.name}",
            did_you_mean(name, names) + f"configured endpoints: {', '.join(names) or '(none)'}",
        )


def _print_error(error: SyndicateError) -> None:
    click.echo(f"syndicate: error: {error.message}", err=True)
    for problem in getattr(error, "problems", ()):
        click.echo(f"  {problem}", err=True)
    if error.hint:
        click.echo(f"  hint: {error.hint}", err=True)


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
