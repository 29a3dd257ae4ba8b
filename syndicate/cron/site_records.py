"""The site as a run after a small change reads it: articles read again, and records (records.py).

`site_from` makes what `checks.validate.site_content` makes (the report, the articles, drafts,
invalid and unnamed files), with the same checks across files (`validate_articles`: duplicate
slugs, bodies delivered), without reading an unchanged file back from its row. The checks
across files are made on the files read again and on the recorded files that share a slug with
another file (a stand-in for each, holding its record's slug, the slug's line and its own
findings); a recorded file whose body must be checked against the copies delivered is read
from its row (`needs_row`). Every other recorded file keeps its own findings, and becomes a
`RecordedArticle` in the site's articles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

from syndicate.articles.article import Article
from syndicate.articles.parsed_article import ParsedArticle
from syndicate.cron.records import Loader, Record, RecordedArticle, Validity, finding_of, read_record
from syndicate.findings import Finding, Severity, ValidationReport

if TYPE_CHECKING:
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.parallel import CheckedFile
    from syndicate.checks.validate import SiteContent


def left_to_its_record(
    item: CheckedFile,
    stat: tuple[int, int],
    made: Validity,
    delivered: Mapping[str, Mapping[str, str]],
    checks: Checks,
) -> bool:
    """On a worker, once the file's record is made (`item.record`): whether the record stands for
    the article, which is then let go with its copy (`item.recorded`): nothing more is sent back.
    An article checked against the copies delivered (needs_row) comes back whole."""
    record = read_record(item.record, stat, made)
    if record is None or needs_row(record, delivered, checks):
        return False
    item.article, item.rendered, item.recorded = ParsedArticle(item.article.path), None, True
    return True


def needs_row(record: Record, delivered: Mapping[str, Mapping[str, str]], checks: Checks) -> bool:
    """Whether the file's body must be checked against the copies delivered: a no-derivatives
    article whose live copies carry another body (or whose body digest the record lacks). Its
    row is read then, and the check made on it as on a file read again
    (attribution.check_delivered_body); when they carry its body, the check finds nothing."""
    copies = delivered.get(record.slug) if record.slug is not None else None
    if not copies or record.status == "retracted" or record.license is None:
        return False
    profile = checks.registry.get(record.license)
    if profile is None or not profile.requires("no-derivatives"):
        return False
    return not record.body_digest or any(digest != record.body_digest for digest in copies.values())


class Paths(Sequence[Path]):
    """The files checked, as the report lists them: each a Path only when asked for (a Path is
    5 us: 50 ms at 10,000 files, for a list a run only counts)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...
    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [Path(key) for key in self._keys[index]]
        return Path(self._keys[index])

    def __iter__(self) -> Iterator[Path]:
        return (Path(key) for key in self._keys)


def _stand_in(record: Record) -> ParsedArticle:
    """What validate_articles reads of an article (its slug, the slug's line, its own findings)."""
    data = None
    if record.read:
        data = {"slug": record.slug} if record.slug is not None else {}
    lines = {"/slug": record.slug_line} if record.slug_line is not None else {}
    findings = [finding_of(f) for f in record.findings]
    return ParsedArticle(record.path, data, lines=lines, findings=findings, body_digest=record.body_digest)


def site_from(
    keys: Sequence[str],
    parsed: Sequence[ParsedArticle | None],
    records: Mapping[str, Record],
    checks: Checks,
    delivered: Mapping[str, Mapping[str, str]],
    loader: Loader,
    lazy: bool = True,
    copy_hashes: Mapping[str, str] | None = None,
) -> SiteContent:
    """The site, from `parsed` (the files read again, in the order of `keys`, the files' paths;
    None where the file's record stands for it). `lazy`: recorded articles are read in full only
    when asked for (the ledger must then stay open while they are used); else all of them now.
    `copy_hashes`: the hashes of their copies that earlier plans kept (records.keep_copy_hashes)."""
    from syndicate.checks.validate import SiteContent, validate_articles

    slugs: dict[str, int] = {}
    for key, read in zip(keys, parsed, strict=True):
        slug = records[key].slug if read is None else read.data.get("slug") if read.data else None
        if isinstance(slug, str):
            slugs[slug] = slugs.get(slug, 0) + 1
    # the files the checks across files look at: those read again, and recorded ones of a shared slug
    items: list[ParsedArticle | Record] = []
    for key, read in zip(keys, parsed, strict=True):
        if read is not None:
            items.append(read)
            continue
        record = records[key]
        items.append(_stand_in(record) if record.slug is not None and slugs[record.slug] > 1 else record)
    validate_articles([i for i in items if isinstance(i, ParsedArticle)], checks, True, delivered=delivered)
    findings: list[Finding] = []
    articles: list[Article] = []
    drafts, invalid, unnamed = [], [], []
    for key, item, read in zip(keys, items, parsed, strict=True):
        recorded = records[key] if read is None else None  # (the file's record stands for it)
        if isinstance(item, ParsedArticle):
            own, slug, path = item.findings, item.data.get("slug") if item.data else None, item.path
            errors = item.data is None
        else:
            own = [finding_of(f) for f in item.findings] if item.findings else []
            slug, path, errors = item.slug, item.path, not item.read
        if own:
            findings.extend(sorted(own, key=lambda f: f.line))
            errors = errors or any(f.severity is Severity.ERROR for f in own)
        if errors:
            invalid.append(slug if isinstance(slug, str) else _stem(key))
            if not isinstance(slug, str):
                unnamed.append(path)
        elif recorded is not None and recorded.status == "draft":
            drafts.append(slug if isinstance(slug, str) else _stem(key))
        elif recorded is not None:
            articles.append(RecordedArticle.of(key, recorded, loader, (copy_hashes or {}).get(key)))
        else:
            assert read is not None and read.data is not None
            if read.data.get("status", "ready") == "draft":
                drafts.append(str(read.data.get("slug", _stem(key))))
            else:
                digest, body_key = read.front_matter_digest, read.body_key  # (body_key: the body left on a worker)
                articles.append(Article.from_data(Path(key), read.data, read.body, digest, body_key))
    if not lazy:
        loader.load(articles)
    report = ValidationReport(findings=findings, checked=Paths(keys))
    # (the files of a shared slug are all invalid: one plan row for them)
    return SiteContent(report, articles, drafts, checks, list(dict.fromkeys(invalid)), unnamed)


def _stem(key: str) -> str:
    """Path(key).stem, without making the Path."""
    name = key.rpartition("/")[2]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name
