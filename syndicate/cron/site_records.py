"""The site as a run after a small change reads it: articles read again, and records (records.py).

`site_from` makes what `checks.validate.site_content` makes (the report, the articles, drafts,
invalid and unnamed files), with the same checks across files (`validate_articles`: duplicate
slugs, bodies delivered), but an unchanged file is not read back from its row: a stand-in
holding its record's slug, status, licence, body digest and own findings takes its place in
the checks, and a `RecordedArticle` in the site's articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.articles.article import Article
from syndicate.articles.parsed_article import ParsedArticle
from syndicate.cron.records import Loader, RecordedArticle, finding_of
from syndicate.findings import Severity, ValidationReport

if TYPE_CHECKING:
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.validate import SiteContent


def needs_row(record: dict[str, Any], delivered: Mapping[str, Mapping[str, str]], checks: Checks) -> bool:
    """Whether the file's body must be checked against the copies delivered (a no-derivatives
    article whose live copies carry another body, or whose digest the record lacks): its row is
    read then, and the check made on it as on a file read again (attribution.check_delivered_body)."""
    copies = delivered.get(record["slug"]) if record["slug"] is not None else None
    if not copies or record["status"] == "retracted" or record["license"] is None:
        return False
    profile = checks.registry.get(record["license"])
    if profile is None or not profile.requires("no-derivatives"):
        return False
    digest = record["body_digest"]
    return not digest or any(known != digest for known in copies.values())


def _stand_in(record: dict[str, Any]) -> ParsedArticle:
    """What validate_articles reads of an article (its slug, the slug's line, its own findings),
    for a file known by its record. (Its delivered-body check adds nothing: needs_row.)"""
    data = None
    if record["read"]:
        data = {"slug": record["slug"]} if record["slug"] is not None else {}
    lines = {"/slug": record["slug_line"]} if record["slug_line"] is not None else {}
    findings = [finding_of(f) for f in record["findings"]]
    return ParsedArticle(record["path"], data, lines=lines, findings=findings, body_digest=record["body_digest"])


def site_from(
    files: list[Path],
    parsed: Sequence[ParsedArticle | None],
    records: Mapping[str, dict[str, Any]],
    checks: Checks,
    delivered: Mapping[str, Mapping[str, str]],
    loader: Loader,
    lazy: bool = True,
) -> SiteContent:
    """The site, from `parsed` (in the order of `files`; None where the file's record stands for
    it). `lazy`: recorded articles are read in full only when asked for (the ledger must then
    stay open while they are used); else all of them now."""
    from syndicate.checks.validate import SiteContent, validate_articles

    items = [
        item if item is not None else _stand_in(records[str(path)]) for path, item in zip(files, parsed, strict=True)
    ]
    report = ValidationReport(findings=[], checked=files)
    report.findings.extend(validate_articles(items, checks, already_checked=True, delivered=delivered))
    articles: list[Article] = []
    drafts, invalid, unnamed = [], [], []
    for path, item, read in zip(files, items, parsed, strict=True):
        if item.data is None or any(f.severity is Severity.ERROR for f in item.findings):
            slug = item.data.get("slug") if item.data else None
            invalid.append(slug if isinstance(slug, str) else path.stem)
            if not isinstance(slug, str):
                unnamed.append(item.path)
            continue
        record = records.get(str(path)) if read is None else None
        status = record["status"] if record is not None else item.data.get("status", "ready")
        if status == "draft":
            drafts.append(str(item.data.get("slug", path.stem)))
        elif record is not None:
            articles.append(RecordedArticle.of(str(path), record, loader))
        else:
            articles.append(Article.from_data(path, item.data, item.body, item.front_matter_digest))
    if not lazy:
        loader.load(articles)
    # (the files of a shared slug are all invalid: one plan row for them)
    return SiteContent(report, articles, drafts, checks, list(dict.fromkeys(invalid)), unnamed)
