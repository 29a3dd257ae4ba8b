"""The article commands: validate, import, feeds, licenses.

Part of the command line (see app.py): these print and pick exit statuses.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from syndicate.characters import escape_controls
from syndicate.cli import reports
from syndicate.cli.app import Options, cli, format_option, print_error, progress_bar
from syndicate.errors import ExitStatus, SyndicateError, UsageError
from syndicate.feeds.websub import ping_problems
from syndicate.findings import display_path, finding_line
from syndicate.schemas import did_you_mean

if TYPE_CHECKING:
    from syndicate.importer.drafts import Choices


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
            click.echo(finding_line(finding))
            if explain and finding.permission_request:
                click.echo("".join(f"    | {line}\n" for line in finding.permission_request.splitlines()), nl=False)
    if options.verbose and output_format == "text":
        for line in reports.checked_files(report):
            click.echo(line, err=True)
    if not options.quiet:
        click.echo(reports.validation_summary(report), err=True)
    return ExitStatus.OK if report.ok else ExitStatus.FAILURE


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the articles. Default: paths.content.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing article of the same slug.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch URLs on private, loopback and link-local networks too (refused by default).",
)
@click.option(
    "--unlink-placeholders",
    is_flag=True,
    help="Turn placeholder links ([text](#)) into plain text (by default they are kept and counted).",
)
@click.pass_obj
def import_(
    options: Options,
    sources: tuple[str, ...],
    out: Path | None,
    force: bool,
    allow_private: bool,
    unlink_placeholders: bool,
) -> ExitStatus:
    """Turn scraped articles into front-matter articles, as drafts.

    SOURCE is a text or Markdown file (as scraped, with its footer), a saved
    HTML page, or an http(s) URL, of at most 5 MB. Nothing is guessed: what
    the text does not state stays out of the front matter and is reported, and
    the validator names it; placeholder links ([text](#)) are kept and
    counted (--unlink-placeholders makes them plain text). A file that starts
    with another tool's front matter (a web clipper, Jekyll, Hugo) is read:
    keys whose meaning is certain are mapped, the others kept as comments.
    Addresses on private networks are refused unless --allow-private. The
    licence is recognised (Creative Commons wordings to SPDX ids, Global
    Research's cross-post terms, a page's metadata) or kept verbatim as
    `custom`. Each
    article is written as SLUG.md, never over an existing one without --force.

    \b
    Examples:
      syndicate import scraped/globalresearch-s400.txt
      syndicate import saved/page.html https://example.org/2024/06/story --out drafts/

    Exit status: 0 every source imported; 1 a URL could not be fetched; 2
    bad usage (a missing, non-UTF-8 or too large file, an article of that
    slug already there without --force, no --out and no config).
    """
    if out is None:
        config = options.optional_config()
        if config is None:
            raise UsageError("no --out and no syndicate.toml to take paths.content from", "pass --out DIR")
        out = config.paths.content
    from syndicate.importer.drafts import Choices

    choices = Choices(allow_private=allow_private, unlink_placeholders=unlink_placeholders)
    worst = ExitStatus.OK
    stems: dict[str, str] = {}
    with progress_bar(options, "importing") if len(sources) > 1 else contextlib.nullcontext() as progress:
        for done, source in enumerate(sources, 1):
            worst = max(worst, _import_one(options, source, out, force, stems, choices))
            if progress is not None:
                progress(done, len(sources))
    return worst


def _import_one(
    options: Options, source: str, out: Path, force: bool, stems: dict[str, str], choices: Choices
) -> ExitStatus:
    """Import one source, saying what became of it; `stems` (file stem -> source) so far."""
    from syndicate.importer.drafts import import_source
    from syndicate.importer.output import write_article

    try:
        result = import_source(source, choices=choices)
        if result.file_stem in stems:
            raise UsageError(
                f"{source}: would be written as {result.file_stem}.md, like {stems[result.file_stem]}",
                "import them one at a time, or fix one title",
            )
        stems[result.file_stem] = source
        written = write_article(result, out, force)
    except SyndicateError as e:
        print_error(e)
        return e.exit_status
    # a name or a note may hold what a terminal acts on (ESC ]0;...BEL): it is shown, not obeyed
    click.echo(escape_controls(f"{source} -> {display_path(written)}"))
    if not options.quiet:
        for line in result.found:
            click.echo(escape_controls(f"  found: {line}"))
        for line in result.missing:
            click.echo(escape_controls(f"  missing: {line}"))
        if result.kept:
            keys = ", ".join(result.kept)
            click.echo(escape_controls(f"  kept: the file's own front matter keys {keys} (as comments in the draft)"))
    return ExitStatus.OK


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
    from syndicate.feeds.chosen import copies_shown
    from syndicate.feeds.generate import generate_feeds
    from syndicate.feeds.websub import notify_hubs
    from syndicate.files import FEEDS_FOLDER_HINT, feeds_folder_problem

    config = options.config()
    problem = feeds_folder_problem(out, config.paths.content) if out is not None else None
    if problem is not None:
        raise UsageError(f"feeds --out {out!r}: {problem}", FEEDS_FOLDER_HINT)
    # the feeds carry the copies, rendered on the workers (of summaries: only those shown)
    site = load_site(config, bodies=False, copy_wanted=copies_shown(config))
    for finding in site.report.errors:
        click.echo(finding_line(finding), err=True)
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
    for line in ping_problems(failed_pings):
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
