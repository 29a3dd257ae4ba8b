"""The checks of one article that need the site: its licence's channels (the site's and each
endpoint's), the endpoints it names; and Checks, what every file is checked against.

Split from validate.py so that the worker processes (parallel.py) import these without the
whole-site code, which imports them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from syndicate.articles.front_matter import ParsedArticle
from syndicate.checks.attribution import check_attribution, check_license_id
from syndicate.config import Config
from syndicate.findings import Code
from syndicate.licences.gate import decide, our_publication, permission_request
from syndicate.licences.profiles import LicenseProfile, LicenseRegistry, load_registry
from syndicate.schemas import schema_problems

DRAFT_LENIENT = frozenset(
    {
        Code.MISSING_FIELD,
        Code.PLACEHOLDER_LINK,
        Code.RELATIVE_LINK,
        Code.MISSING_ORIGINAL,
        Code.MISSING_BODY_HASH,
        Code.BODY_CHANGED,
        Code.LICENSE_REFUSED,
    }
)


@dataclass(frozen=True)
class Checks:
    """What articles are checked against: the site's config, the licences, today's date."""

    config: Config | None
    registry: LicenseRegistry
    today: dt.date

    @classmethod
    def for_config(cls, config: Config | None, today: dt.date | None = None) -> Checks:
        registry = load_registry(config.paths.licenses if config else None)
        return cls(config, registry, today or dt.datetime.now(dt.UTC).date())


def check_article(article: ParsedArticle, checks: Checks) -> None:
    """Add the schema, attribution and licence findings of one parsed article to it."""
    data = article.data
    if data is None:
        return
    for problem in schema_problems("article", data):
        if _already_reported(problem.pointer, article.reported):
            continue
        article.add(problem.code, problem.message, problem.hint, problem.pointer)
    if checks.config is not None:
        _check_endpoint_names(article, checks.config)
    profile = check_license_id(article, checks.registry)
    check_attribution(article, profile, checks.today)
    if profile is not None and checks.config is not None and data.get("status") != "retracted":
        _check_channels(article, profile, checks)
    if data.get("status") == "draft":
        article.findings = [f.as_warning() if f.code in DRAFT_LENIENT else f for f in article.findings]


def _check_channels(article: ParsedArticle, profile: LicenseProfile, checks: Checks) -> None:
    """The site must be allowed to carry the article, and so must each endpoint it names."""
    assert checks.config is not None and article.data is not None
    config, data = checks.config, article.data
    site_decision = decide(data, profile, config.site.channel, None, checks.today)
    if not site_decision.allowed:
        where = our_publication(config.site, config.site.channel)
        article.add(
            Code.LICENSE_REFUSED,
            f"the site's own channel may not carry it: {site_decision.reason}",
            "get a grant for the site's channel (license.grants), or do not publish it here",
            "/license/id",
            request=permission_request(data, profile, site_decision, config.site, where),
        )
    names = data.get("endpoints")
    for index, name in enumerate(names if isinstance(names, list) else []):
        endpoint = config.endpoint(name) if isinstance(name, str) else None
        if endpoint is None:
            continue  # reported as unknown-endpoint
        decision = decide(data, profile, endpoint.channel, endpoint.name, checks.today)
        if not decision.allowed:
            where = our_publication(config.site, endpoint.channel, endpoint.description)
            article.add(
                Code.LICENSE_REFUSED,
                f"endpoint {endpoint.name!r} is named, but {decision.reason}",
                "remove it from endpoints, or record a grant for its channel in license.grants",
                f"/endpoints/{index}",
                request=permission_request(data, profile, decision, config.site, where),
            )


def _already_reported(pointer: str, reported: set[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in reported)


def _check_endpoint_names(article: ParsedArticle, config: Config) -> None:
    names = article.data.get("endpoints") if article.data else None
    if not isinstance(names, list):
        return
    known = [e.name for e in config.endpoints]
    for index, name in enumerate(names):
        if isinstance(name, str) and name not in known:
            article.add(
                Code.UNKNOWN_ENDPOINT,
                f"endpoints[{index}] {name!r} is not an endpoint of {config.path.name}",
                f"configured endpoints: {', '.join(known) or '(none)'}",
                f"/endpoints/{index}",
            )
