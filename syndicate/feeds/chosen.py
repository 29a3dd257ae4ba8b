"""The articles the site's feeds carry, and their entries, each made when a document asks for it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import overload
from urllib.parse import urlsplit

from syndicate.articles.article import Article
from syndicate.checks.article_checks import Checks
from syndicate.config import Config
from syndicate.feeds.entries import FeedEntry, PageRights, SourceInfo
from syndicate.feeds.updated import distinct_updated
from syndicate.licences.gate import Decision, decide
from syndicate.licences.profiles import LicenseProfile
from syndicate.render.attribution_block import licence_terms, plain_text, terms_lines
from syndicate.render.html_copy import front_matter_digest, render_copy

#: RFC 4946's licence link of an entry whose licence is not given by a link (it inherits none)
UNSPECIFIED_LICENSE = "http://purl.org/atompub/license#unspecified"


def feed_articles(articles: Sequence[Article], checks: Checks, now: dt.datetime) -> list[tuple[Article, Decision]]:
    """The articles the site's feeds carry, newest first, with the licence decision that allows each."""
    assert checks.config is not None
    chosen = []
    for article in articles:
        profile = checks.registry.get(article.license_id)
        if article.status != "ready" or article.embargoed(now) or profile is None:
            continue
        decision = decide(article.front_matter, profile, checks.config.site.channel, None, checks.today)
        if decision.allowed:
            chosen.append((article, decision))
    chosen.sort(key=lambda pair: (pair[0].published, pair[0].slug), reverse=True)
    return chosen


def feed_entry(
    article: Article, profile: LicenseProfile, decision: Decision, config: Config, updated: dt.datetime | None = None
) -> FeedEntry:
    """The entry of `article`; `updated`: its atom:updated, when not the article's own (feed_updated.py)."""
    copy = render_copy(article.front_matter, article.body, profile, article.front_matter_digest, article.body_key)
    terms = licence_terms(article.front_matter, profile)
    notice = f"© {article.copyright_year} {article.copyright_holder}"
    # the page shows the licence apart, once (a link to its deed), and the rest of the statement
    shown = PageRights(f"{notice}.", profile.short_name, terms.url, profile.name)
    if decision.grant is not None and not profile.channels:
        rights = f"{notice}. {profile.name}; republished with permission."
        shown = replace(shown, statement=f"{notice}. Republished with permission.") if terms.url else PageRights(rights)
    else:
        rights = f"{notice}. Licence: {profile.short_name}" + (f" ({terms.url})" if terms.url else "") + "."
    if said := plain_text(terms_lines(terms)):
        rights += " " + said
        shown = replace(shown, statement=f"{shown.statement} {said}")
    license_url, license_title = terms.url, profile.name
    if license_url is None and config.site.rsl_license:
        # RFC 4946: an entry without a licence link would take the feed's (the RSL file) as its own
        license_url, license_title = UNSPECIFIED_LICENSE, ""
    source = article.source
    link = config.site.article_url.replace("{slug}", article.slug) if config.site.article_url else article.link
    return FeedEntry(
        id=f"tag:{urlsplit(config.site.url).hostname},{article.published.year}:{article.slug}",
        title=article.title,
        link=link,
        summary=article.summary,
        # no JSON-LD script in feeds: feed readers strip it and validators flag it
        content_html=copy.content_html,
        authors=article.authors,
        published=article.published,
        updated=updated or article.updated,
        categories=article.tags,
        rights=rights,
        license_url=license_url,
        license_title=license_title,
        cc_license=terms.url if terms.url and "creativecommons.org" in terms.url else None,
        source=SourceInfo(
            id=source.url,
            title=source.name,
            updated=source.published or article.published,
            link=source.url,
            rights=notice,
        )
        if source.url
        else None,
        via=source.url,
        related=article.original.url if article.original else None,
        page_rights=shown,
    )


class LazyEntries(Sequence[FeedEntry]):
    """The feed entries of chosen articles, each made when a page asks for it and then let go:
    ten thousand entries' content held at once was most of the feeds' memory."""

    def __init__(self, chosen: Sequence[tuple[Article, Decision]], checks: Checks) -> None:
        assert checks.config is not None
        self._chosen, self._registry, self._config = chosen, checks.registry, checks.config
        self._digests: dict[int, str] = {}
        #: each entry's atom:updated, which depends on the other entries (a date alone is told apart)
        self._updated = distinct_updated([article for article, _ in chosen])

    def __len__(self) -> int:
        return len(self._chosen)

    @overload
    def __getitem__(self, index: int) -> FeedEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[FeedEntry]: ...
    def __getitem__(self, index: int | slice) -> FeedEntry | list[FeedEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        article, decision = self._chosen[index]
        profile = self._registry.get(article.license_id)
        assert profile is not None  # feed_articles chose only articles with a known licence
        return feed_entry(article, profile, decision, self._config, self._updated[index])

    def tags(self) -> list[tuple[str, ...]]:
        return [article.tags for article, _ in self._chosen]

    def digest(self, index: int) -> str:
        """What entry `index` is made from (front matter, rendered copy, licence, grant), as a digest."""
        known = self._digests.get(index)
        if known is None:
            article, decision = self._chosen[index]
            profile = self._registry.get(article.license_id)
            assert profile is not None
            copy = render_copy(
                article.front_matter, article.body, profile, article.front_matter_digest, article.body_key
            )
            licence = [profile.id, profile.name, profile.short_name, profile.url, sorted(profile.channels)]
            front_matter = (article.front_matter_digest or front_matter_digest(article.front_matter)).hex()
            updated = self._updated[index].isoformat()
            inputs = [front_matter, copy.content_hash, licence, decision.grant is not None, updated]
            text = json.dumps(inputs, sort_keys=True, default=str)
            known = self._digests[index] = hashlib.sha256(text.encode()).hexdigest()
        return known
