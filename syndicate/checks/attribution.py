"""Attribution rules: what every republished copy owes its source, as findings.

Codes (stable): unknown-license, placeholder-link, relative-link,
implausible-year, updated-before-published, missing-original,
missing-body-hash, body-changed, body-changed-since-delivery.

The no-derivatives check compares a hash of the body, recorded when the
article was first taken in (`body_hash` in the front matter), with the body
now. The body is normalised first so that only edits to the article's own
text count (see `normalised_body`). Once copies are out, the body is also
compared with the bodies they carry, as the ledger records them
(`check_delivered_body`): an editor can record a new `body_hash`, but not
change what was delivered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from syndicate.articles.article import parse_timestamp
from syndicate.articles.front_matter import ParsedArticle
from syndicate.checks.body_links import bad_links
from syndicate.findings import Code, Severity
from syndicate.licences.gate import contact_of
from syndicate.licences.profiles import LicenseProfile, LicenseRegistry
from syndicate.schemas import did_you_mean, field_name

#: a trailing paragraph that starts with one of these is attribution, not the article's text
FOOTER_OPENINGS = (
    "the original source of this article is",
    "this article first appeared",
    "this article was first published",
    "this article was originally published",
    "originally published",
    "first published",
    "republished",
    "copyright",
    "©",
    "(c)",
    "licensed under",
    "licence:",
    "license:",
    "this work is licensed",
    "featured image",
)
#: phrases saying the source itself republished the article (searched for in lower case: a
#: case-blind search of every body was a tenth of validate)
_REPUBLICATION = re.compile(
    r"(the original source of this article is|originally (?:published|appeared)|first (?:appeared|published))"
    r"(?P<rest>[^\n]*)"
)
#: every text _REPUBLICATION matches contains one of these
_REPUBLICATION_PHRASES = (
    "the original source of this article is",
    "originally published",
    "originally appeared",
    "first appeared",
    "first published",
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def normalised_body(body: str) -> str:
    """The body as the no-derivatives hash sees it.

    1. Unicode NFC; line endings to \\n.
    2. Trailing paragraphs that are attribution (they start, ignoring case and
       Markdown emphasis, with one of FOOTER_OPENINGS) and trailing thematic
       breaks (---, ***) are dropped: fixing a footer is not a derivative.
    3. Every run of whitespace becomes one space; leading and trailing space goes.
    """
    paragraphs = body_paragraphs(body)
    # str.split() cuts at the characters `\s` matches (both ask str.isspace) and drops the ends:
    # what re.sub(r"\s+", " ", ...).strip() gives, ten times faster (a space is a match each)
    return " ".join(" ".join(paragraphs).split())


def body_paragraphs(body: str) -> list[str]:
    """The paragraphs the no-derivatives hash covers (steps 1 and 2 of normalised_body), as Markdown."""
    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    while paragraphs and _is_footer(paragraphs[-1].strip()):
        paragraphs.pop()
    return paragraphs


def _is_footer(paragraph: str) -> bool:
    plain = paragraph.lstrip("*_>#[ ").lower()
    return re.fullmatch(r"([-*_]\s*){3,}", paragraph) is not None or plain.startswith(FOOTER_OPENINGS)


def body_hash(body: str) -> str:
    """`sha256:<hex>` of the normalised body: the value to record in `body_hash`."""
    return "sha256:" + hashlib.sha256(normalised_body(body).encode("utf-8")).hexdigest()


def check_license_id(article: ParsedArticle, registry: LicenseRegistry) -> LicenseProfile | None:
    """The article's licence profile; an unknown id is a finding."""
    data = article.data or {}
    license_ = data.get("license")
    license_id = license_.get("id") if isinstance(license_, dict) else None
    if not isinstance(license_id, str):
        return None  # the schema reports it
    profile = registry.get(license_id)
    if profile is None:
        article.add(
            Code.UNKNOWN_LICENSE,
            f"licence {license_id!r} is not a known licence profile",
            did_you_mean(license_id, (p.id for p in registry))
            + "`syndicate licenses` lists them; a site adds its own in paths.licenses",
            "/license/id",
        )
    return profile


def check_attribution(article: ParsedArticle, profile: LicenseProfile | None, today: dt.date) -> None:
    data = article.data or {}
    _check_body_links(article)
    _check_copyright_year(article, data, today)
    _check_date_years(article, data)
    _check_updated(article, data)
    _check_original(article, data)
    # a retracted article's body goes nowhere: an edited one must not keep its copies from coming down
    if profile is not None and profile.requires("no-derivatives") and data.get("status") != "retracted":
        _check_body_hash(article, data, profile)


def _check_body_links(article: ParsedArticle) -> None:
    for link in bad_links(article.body):
        line = article.body_line + link.line
        if link.placeholder:
            article.add(
                Code.PLACEHOLDER_LINK,
                f"the link [{link.text}]({link.href}) points nowhere",
                "restore the real address of the page it named, or remove the link; never guess one",
                line=line,
            )
        else:
            article.add(
                Code.RELATIVE_LINK,
                f"the link {link.href!r} is relative: it breaks on every other site",
                "write the absolute address, https://...",
                line=line,
            )


def _check_copyright_year(article: ParsedArticle, data: dict[str, Any], today: dt.date) -> None:
    copyright_ = data.get("copyright")
    year = copyright_.get("year") if isinstance(copyright_, dict) else None
    if "/copyright/year" in article.reported:
        return  # the schema already said what is wrong with it
    if isinstance(year, int) and not isinstance(year, bool) and not 1800 <= year <= today.year + 1:
        article.add(
            Code.IMPLAUSIBLE_YEAR,
            f"copyright year {year} is implausible",
            f"the year of first publication, between 1800 and {today.year + 1}",
            "/copyright/year",
        )


#: the years a date may have, in its own time zone and in UTC
DATE_YEARS = range(1000, 10000)


def _check_date_years(article: ParsedArticle, data: dict[str, Any]) -> None:
    """Every date's year has four digits, in UTC too: a feed entry's id is a tag URI with the
    year of `published` (RFC 4151 wants four digits), and feeds write dates in UTC's terms."""
    for pointer, value in _dates(data):
        if pointer in article.reported:
            continue  # the schema or the reader already said what is wrong with it
        try:
            moment = parse_timestamp(value)
        except ValueError:
            continue
        try:
            utc_year = moment.astimezone(dt.UTC).year
        except OverflowError:  # past 9999-12-31 in UTC
            utc_year = 10000
        if moment.year in DATE_YEARS and utc_year in DATE_YEARS:
            continue
        in_utc = f" (year {utc_year} in UTC)" if moment.year in DATE_YEARS else ""
        article.add(
            Code.IMPLAUSIBLE_YEAR,
            f"{field_name(pointer)} {value} is in the year {moment.year}{in_utc}",
            "write the date in full, e.g. 2017-07-23: feeds need a year from 1000 to 9999, in UTC too",
            pointer,
        )


def _dates(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The front matter's dates (those given as text), by JSON Pointer."""
    found = [(f"/{key}", data.get(key)) for key in ("published", "updated", "embargo_until")]
    for key in ("source", "original"):
        part = data.get(key)
        if isinstance(part, dict):
            found.append((f"/{key}/published", part.get("published")))
    license_ = data.get("license")
    grants = license_.get("grants") if isinstance(license_, dict) else None
    for index, grant in enumerate(grants if isinstance(grants, list) else []):
        if isinstance(grant, dict):
            found += [(f"/license/grants/{index}/{key}", grant.get(key)) for key in ("date", "expires")]
    return [(pointer, value) for pointer, value in found if isinstance(value, str)]


def _check_updated(article: ParsedArticle, data: dict[str, Any]) -> None:
    """A warning: `updated` before `published` says the article changed before it appeared;
    feeds and copies take `published` for both, so the editor should know which is wrong."""
    published, updated = data.get("published"), data.get("updated")
    if {"/published", "/updated"} & article.reported or not (isinstance(published, str) and isinstance(updated, str)):
        return
    try:
        if parse_timestamp(updated) >= parse_timestamp(published):
            return
    except ValueError:
        return  # (the schema says what is wrong with the form)
    article.add(
        Code.UPDATED_BEFORE_PUBLISHED,
        f"updated {updated} is before published {published}",
        "updated is when the article last changed: fix whichever date is wrong (feeds show published for both)",
        "/updated",
        severity=Severity.WARNING,
    )


def _check_original(article: ParsedArticle, data: dict[str, Any]) -> None:
    """A body that says it first appeared elsewhere needs `original` (unless elsewhere is the source)."""
    if "original" in data:
        return
    source = data.get("source")
    source_name = str(source.get("name", "")).lower() if isinstance(source, dict) else ""
    lower = article.body.lower()  # keeps every newline where it was
    # The expression tried at every character was most of this check; the phrases are found
    # by substring search, and the expression runs from the first one (usually in the footer).
    first = min((at for at in map(lower.find, _REPUBLICATION_PHRASES) if at >= 0), default=-1)
    if first < 0:
        return
    for match in _REPUBLICATION.finditer(lower, first):
        if not (source_name and source_name in match.group("rest")):
            article.add(
                Code.MISSING_ORIGINAL,
                f"the body says the article was first published elsewhere ({match.group(1)!r}), "
                "but the front matter has no 'original'",
                "add original: {name: ..., url: ..., published: ...} for the first publisher",
                line=article.body_line + lower.count("\n", 0, match.start()),
            )
            return


def _check_body_hash(article: ParsedArticle, data: dict[str, Any], profile: LicenseProfile) -> None:
    actual = article.body_digest = body_hash(article.body)  # (compared with the copies' bodies later)
    recorded = data.get("body_hash")
    if recorded is None:
        article.add(
            Code.MISSING_BODY_HASH,
            f"{profile.id} forbids derivatives, but no body_hash records the text as received",
            f"once the body is verbatim as received, add: body_hash: {actual}",
            "/license/id",
        )
    elif isinstance(recorded, str) and recorded != actual:
        article.add(
            Code.BODY_CHANGED,
            f"the body has changed since it was recorded, and {profile.id} forbids derivatives",
            "restore the text as received (footer and whitespace edits do not count), or get permission",
            "/body_hash",
        )


def check_delivered_body(article: ParsedArticle, delivered: Mapping[str, str], registry: LicenseRegistry) -> None:
    """A no-derivatives body must stay the one its live copies carry (`delivered`: endpoint -> the
    body's digest, from the ledger), whatever `body_hash` says. Not cached with the file's other
    findings: it depends on the ledger. A draft gets a warning (it is never sent, and its copies
    come down); a retracted article nothing (its copies come down, its body goes nowhere)."""
    data = article.data or {}
    status = data.get("status", "ready")
    license_ = data.get("license")
    license_id = license_.get("id") if isinstance(license_, dict) else None
    profile = registry.get(license_id) if isinstance(license_id, str) else None
    if status == "retracted" or profile is None or not profile.requires("no-derivatives"):
        return
    # (body_digest is taken with the file's checks; only a row cached by an older version lacks it)
    digest = article.body_digest or body_hash(article.body)
    differing = sorted(endpoint for endpoint, delivered_digest in delivered.items() if delivered_digest != digest)
    if not differing:
        return
    draft = status == "draft"
    outcome = "it is not sent, whatever body_hash says"
    if draft:
        outcome = "a draft is not sent (a push takes its copies down)"
    article.add(
        Code.BODY_CHANGED_SINCE_DELIVERY,
        f"the body is not the one delivered to {', '.join(differing)}, and {profile.id} forbids derivatives: {outcome}",
        "restore the body as delivered (footer and whitespace edits do not count); or retract the article, "
        "which takes its copies down, and import it again; or, to publish this text, ask "
        f"{contact_of(data)} for permission to adapt it and record that as the licence "
        "(license.id: custom, the permission in license.terms, a grant in license.grants for each channel)",
        line=article.body_line,
        severity=Severity.WARNING if draft else Severity.ERROR,
    )
