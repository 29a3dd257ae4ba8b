"""`validate`: every article file checked against the schema and the site's config.

Every problem in every file is collected into one ValidationReport; nothing
here prints or exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate.articles.article import Article
from syndicate.articles.content_folder import article_files, content_files, require_folder, slugs_elsewhere
from syndicate.articles.front_matter import MAX_FILE_BYTES, ParsedArticle
from syndicate.checks.article_checks import Checks, check_article
from syndicate.checks.attribution import check_delivered_body
from syndicate.checks.parallel import check_files
from syndicate.config import Config
from syndicate.delivery.ledger_open import bodies_at
from syndicate.findings import Code, Finding, Severity, ValidationReport, display_path


def collect_article_files(paths: Sequence[Path]) -> tuple[list[Path], list[Finding]]:
    """The article files named by `paths` (folders are searched for *.md and *.markdown).

    Hidden files and folders (starting with '.') are skipped. A named file is
    taken whatever its suffix; a missing path or a folder without articles is a finding.
    """
    files: dict[Path, None] = {}  # ordered and without repeats
    findings: list[Finding] = []
    for path in paths:
        if path.is_dir():
            found = article_files(path)
            if not found:
                findings.append(
                    Finding(
                        display_path(path),
                        0,
                        Code.NO_ARTICLES,
                        "the folder has no articles (*.md, *.markdown)",
                        "check the path, or paths.content in syndicate.toml",
                    )
                )
            files.update(dict.fromkeys(found))
        elif path.is_file():
            files[path] = None
        else:
            findings.append(Finding(display_path(path), 0, Code.NOT_FOUND, "no such file or folder", "check the path"))
    return list(files), findings


#: what a ready article must have or do: a warning on a draft, which may be incomplete
def validate_articles(
    articles: Iterable[ParsedArticle],
    checks: Checks,
    already_checked: bool = False,
    elsewhere: Mapping[str, Sequence[Path]] | None = None,
    delivered: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Finding]:
    """Check each article (unless `already_checked`) and the set as a whole (slugs are unique),
    and against the ledger (a no-derivatives body stays the one delivered).

    Every file of a shared slug gets the error, not all but the first: which
    one is meant is for an editor to say, so none of them is pushed, updated,
    retracted or put in a feed until they do (a new file must not take over
    the copy an older article was delivered as). `elsewhere`: files not
    checked here that use a slug (content_folder.slugs_elsewhere).
    `delivered`: slug -> endpoint -> the body digest of its live copy
    (ledger_open.bodies_at). These findings depend on more than the file:
    they are made here, never kept with the file's (incremental.py).
    """
    articles = list(articles)
    by_slug: dict[str, list[str]] = {}
    for article in articles:
        if not already_checked:
            check_article(article, checks)
        slug = article.data.get("slug") if article.data else None
        if isinstance(slug, str):
            by_slug.setdefault(slug, []).append(article.path)
    findings: list[Finding] = []
    for article in articles:
        slug = article.data.get("slug") if article.data else None
        others = [path for path in by_slug.get(slug, ()) if path != article.path] if isinstance(slug, str) else []
        if isinstance(slug, str) and elsewhere:
            others += [display_path(path) for path in elsewhere.get(slug, ())]
        if others:
            article.add(
                Code.DUPLICATE_SLUG,
                f"slug {slug!r} is also used by {', '.join(others)}",
                "each article needs its own slug (copies are named after it): change or remove all but one; "
                "until then none of them is pushed",
                "/slug",
            )
        copies = delivered.get(slug) if delivered and isinstance(slug, str) else None
        if copies:
            check_delivered_body(article, copies, checks.registry)
        findings.extend(sorted(article.findings, key=lambda f: f.line))
    return findings


def validate_paths(
    paths: Sequence[Path],
    config: Config | None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate the named files and folders (default: the config's content folder).

    `progress(done, total)` is called after each file, for a progress bar.
    """
    checks = Checks.for_config(config, today)
    named = bool(paths) and all(path.is_file() for path in paths)  # files named alone, not folders
    if not paths and config is not None:
        require_folder(config)  # a configured folder that is not there is the config's problem, not a finding
        paths = [config.paths.content]
    files, findings = collect_article_files(paths)
    report = ValidationReport(findings=findings, checked=files)
    max_bytes = config.limits.max_article_bytes if config is not None else MAX_FILE_BYTES
    delivered = bodies_at(config.ledger_at) if config is not None else {}
    checked = list(check_files(files, checks, max_bytes, report_only=True, progress=progress))
    elsewhere: dict[str, list[Path]] = {}
    if named and config is not None:  # files named alone (the pre-commit hook): slugs the folder already has
        slugs = [c.article.data.get("slug") for c in checked if c.article.data]
        elsewhere = slugs_elsewhere(config, files, (slug for slug in slugs if isinstance(slug, str)))
    report.findings.extend(
        validate_articles(
            (c.article for c in checked), checks, already_checked=True, elsewhere=elsewhere, delivered=delivered
        )
    )
    return report


@dataclass
class SiteContent:
    """Every article of a site, validated: the report, the articles that passed, and the drafts."""

    report: ValidationReport
    #: ready and retracted articles without errors
    articles: list[Article]
    #: slugs (or file names) of drafts, which are never published
    drafts: list[str]
    checks: Checks
    #: slugs (or file names) of articles left out for their errors
    invalid: list[str] = field(default_factory=list)
    #: files left out for errors whose slug cannot be read (any delivered copy may be theirs)
    unnamed: list[str] = field(default_factory=list)


def load_site(
    config: Config,
    today: dt.date | None = None,
    delivered: Mapping[str, Mapping[str, str]] | None = None,
    bodies: bool = True,
    copy_wanted: Callable[[Mapping[str, Any]], bool] | None = None,
) -> SiteContent:
    """Read and validate the content folder; articles with errors are left out (and reported).
    Without `bodies`, the articles that can be published come without their body (Article.body_key):
    for the feeds, which carry the copies; and those copies are the feeds' alone, without the
    JSON-LD script and digest that only a pushed copy carries (RenderedCopy.complete).
    With `copy_wanted`, only the copies of the front matters it wants are made (check_files).

    The ledger, when there is one, is read (not made) unless `delivered` gives its pins: a
    no-derivatives body must stay the one delivered. A content folder that is missing or holds
    no article raises (content_folder.py).
    """
    checks = Checks.for_config(config, today)
    files = content_files(config)
    if delivered is None:
        delivered = bodies_at(config.ledger_at)
    max_bytes = config.limits.max_article_bytes
    checked = check_files(files, checks, max_bytes, render=True, bodies=bodies, json_ld=bodies, copy_wanted=copy_wanted)
    parsed = [c.article for c in checked]
    return site_content(files, parsed, [], checks, already_checked=True, delivered=delivered)


def site_content(
    files: list[Path],
    parsed: list[ParsedArticle],
    findings: list[Finding],
    checks: Checks,
    already_checked: bool = False,
    delivered: Mapping[str, Mapping[str, str]] | None = None,
) -> SiteContent:
    report = ValidationReport(findings=findings, checked=files)
    report.findings.extend(validate_articles(parsed, checks, already_checked, delivered=delivered))
    articles, drafts, invalid, unnamed = [], [], [], []
    for path, item in zip(files, parsed, strict=True):
        if item.data is None or any(f.severity is Severity.ERROR for f in item.findings):
            slug = item.data.get("slug") if item.data else None
            invalid.append(slug if isinstance(slug, str) else path.stem)
            if not isinstance(slug, str):
                unnamed.append(item.path)
            continue
        if item.data.get("status", "ready") == "draft":
            drafts.append(str(item.data.get("slug", path.stem)))
        else:
            articles.append(Article.from_data(path, item.data, item.body, item.front_matter_digest, item.body_key))
    # (the files of a shared slug are all invalid: one plan row for them)
    return SiteContent(report, articles, drafts, checks, list(dict.fromkeys(invalid)), unnamed)
