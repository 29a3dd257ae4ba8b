"""The permission requests for refused copies, drafted where editors look (`plan --explain`,
`status --explain`), as `validate --explain` drafts them for an endpoint an article names.

A refusal is an expected outcome of a plan, not an error: the article's allowed copies still go
out. The request is what to send to have the refused one allowed too.
"""

from __future__ import annotations

from collections.abc import Iterable

from syndicate.checks.validate import SiteContent
from syndicate.config import Config
from syndicate.licences.gate import decide, our_publication, permission_request


def drafted_requests(site: SiteContent, config: Config, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(article slug, endpoint name) -> the permission request, for each pair the licence refuses
    today. A pair whose article or endpoint is gone, or that is allowed now, gets none."""
    articles = {a.slug: a for a in site.articles}
    drafted: dict[tuple[str, str], str] = {}
    for slug, name in pairs:
        article, endpoint = articles.get(slug), config.endpoint(name)
        profile = site.checks.registry.get(article.license_id) if article is not None else None
        if article is None or endpoint is None or profile is None:
            continue
        decision = decide(article.front_matter, profile, endpoint.channel, endpoint.name, site.checks.today)
        if decision.allowed:
            continue
        where = our_publication(config.site, endpoint.channel, endpoint.description)
        drafted[(slug, name)] = permission_request(article.front_matter, profile, decision, config.site, where)
    return drafted
