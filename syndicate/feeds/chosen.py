"""The articles the site's feeds carry, and their entries, each made when a document asks for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, overload
from urllib.parse import urlsplit

from syndicate.articles.article import Article, read_at
from syndicate.articles.front_matter import read_article_file
from syndicate.checks.article_checks import Checks
from syndicate.checks.parallel import body_key
from syndicate.config import Config
from syndicate.cron.records import RecordedArticle
from syndicate.errors import ContentChangedError
from syndicate.feeds.entries import FeedEntry, PageRights, SourceInfo, summary_suffices
from syndicate.feeds.entry_digest import entry_digest, inputs_digest
from syndicate.feeds.staging import Staged, staged
from syndicate.feeds.updated import distinct_updated
from syndicate.findings import display_path
from syndicate.licences.gate import decide
from syndicate.licences.profiles import LicenseProfile
from syndicate.render.attribution_block import licence_terms, plain_text, terms_lines
from syndicate.render.html_copy import (
    RenderedCopy,
    front_matter_digest,
    is_rendered,
    remember,
    render_copy,
    render_copy_uncached,
)

#: RFC 4946's licence link of an entry whose licence is not given by a link (it inherits none)
UNSPECIFIED_LICENSE = "http://purl.org/atompub/license#unspecified"


def feed_articles(articles: Sequence[Article], checks: Checks, now: dt.datetime) -> list[tuple[Article, bool]]:
    """The articles the site's feeds carry, newest first, each with whether a grant allows it (else
    its licence does). An article known by its record (cron/records.py) brings its decision."""
    assert checks.config is not None
    chosen: list[tuple[Article, bool]] = []
    for article in articles:
        if article.status != "ready" or article.embargoed(now):
            continue
        if isinstance(article, RecordedArticle):
            if article.site_decision is not None and article.site_decision[0]:
                chosen.append((article, article.site_decision[1]))
            continue
        profile = checks.registry.get(article.license_id)
        if profile is None:
            continue
        decision = decide(article.front_matter, profile, checks.config.site.channel, None, checks.today)
        if decision.allowed:
            chosen.append((article, decision.grant is not None))
    chosen.sort(key=lambda pair: (pair[0].published, pair[0].slug), reverse=True)
    return chosen


def entry_link(config: Config, slug: str, link: str | None) -> str | None:
    """Where an entry links: the site's page of the article ([site] article_url), else where it is
    read (`link`: Article.link)."""
    return config.site.article_url.replace("{slug}", slug) if config.site.article_url else link


def copies_shown(config: Config) -> Callable[[Mapping[str, Any]], bool] | None:
    """Which articles' copies (by their validated front matter) the documents of summaries show,
    when the feeds do not show every copy ([feeds] archive_content = "summary"): those whose summary
    does not suffice. The newest entries' copies are shown too; their bodies are read again
    (LazyEntries.prepare). None: every copy is shown."""
    if config.feeds.archive_content != "summary":
        return None

    def shown(data: Mapping[str, Any]) -> bool:
        link = entry_link(config, data["slug"], read_at(data.get("canonical_url"), data["source"].get("url")))
        return not summary_suffices(link, data.get("summary", ""))

    return shown


def feed_entry(
    article: Article,
    profile: LicenseProfile,
    granted: bool,
    config: Config,
    updated: dt.datetime | None = None,
    content: bool = True,
) -> FeedEntry:
    """The entry of `article` (`granted`: a grant, not its licence, allows the site's channel);
    `updated`: its atom:updated, when not the article's own (feed_updated.py). Without `content`,
    the entry's content is left empty: for documents of summaries whose summary suffices."""
    fm_digest, key = article.front_matter_digest, article.body_key
    copy = render_copy(article.front_matter, article.body, profile, fm_digest, key) if content else None
    terms = licence_terms(article.front_matter, profile)
    notice = f"© {article.copyright_year} {article.copyright_holder}"
    # the page shows the licence apart, once (a link to its deed), and the rest of the statement
    shown = PageRights(f"{notice}.", profile.short_name, terms.url, profile.name)
    if granted and not profile.channels:
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
    link = entry_link(config, article.slug, article.link)
    return FeedEntry(
        id=f"tag:{urlsplit(config.site.url).hostname},{article.published.year}:{article.slug}",
        title=article.title,
        link=link,
        summary=article.summary,
        # no JSON-LD script in feeds: feed readers strip it and validators flag it
        content_html=copy.content_html if copy is not None else "",
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

    def __init__(
        self,
        chosen: Sequence[tuple[Article, bool]],
        checks: Checks,
        updated: Sequence[dt.datetime] | None = None,
        digests: dict[int, str] | None = None,
    ) -> None:
        """`updated` and `digests` (each entry's atom:updated, some entries' digests), when known
        (feeds/kept.py: kept from the last run); else computed."""
        assert checks.config is not None
        self._chosen, self._registry, self._config = chosen, checks.registry, checks.config
        self._digests: dict[int, str] = digests if digests is not None else {}
        #: each entry's atom:updated, which depends on the other entries (a date alone is told apart)
        self._updated = updated if updated is not None else distinct_updated([article for article, _ in chosen])

    def __len__(self) -> int:
        return len(self._chosen)

    @overload
    def __getitem__(self, index: int) -> FeedEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[FeedEntry]: ...
    def __getitem__(self, index: int | slice) -> FeedEntry | list[FeedEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        article, granted = self._chosen[index]
        profile = self._registry.get(article.license_id)
        assert profile is not None  # feed_articles chose only articles with a known licence
        content = self._shows_content(index, article)
        return feed_entry(article, profile, granted, self._config, self._updated[index], content)

    def _shows_content(self, index: int, article: Article) -> bool:
        """Whether a document shows entry `index`'s content: every entry of the newest, which show
        content (generate._documents), and in documents of summaries those whose summary does not suffice."""
        settings = self._config.feeds
        if settings.archive_content != "summary" or index < settings.limit:
            return True
        return not summary_suffices(entry_link(self._config, article.slug, article.link), article.summary)

    def tags(self) -> list[tuple[str, ...]]:
        return [article.tags for article, _ in self._chosen]

    def prepare(self, groups: Sequence[Sequence[int]]) -> Staged | None:
        """Before documents are built from the entries `groups` (those of each document): read in
        full, at once, their articles known by their record (cron/records.py) and return None (the
        documents may then be built in forked workers); or, when they are many, a Staged that
        builds the documents reading each one's articles just before it (staging.py). And make
        the copies those entries show that were not made with the checks (copies_shown), of the
        articles held whole (one read from its record or spool has its body, and its copy is
        made when its entry is)."""
        articles = [article for article, _ in self._chosen]
        stage = staged(articles, groups)
        for index in sorted({i for group in groups for i in group}):
            article = articles[index]
            if stage is not None and isinstance(article, RecordedArticle):
                continue  # (read when its document is built)
            profile = self._registry.get(article.license_id)
            assert profile is not None
            key = article.body_key
            if not key or not self._shows_content(index, article):
                continue
            # (a worker gives the digest of the front matter of the copies it makes alone)
            digest = article.front_matter_digest or front_matter_digest(article.front_matter)
            if not is_rendered(digest, key, profile.id):
                copy = self._render_again(article, profile)
                remember(digest, "", profile.id, copy, key)
        return stage

    def _render_again(self, article: Article, profile: LicenseProfile) -> RenderedCopy:
        """The feeds' copy of `article`, whose body was left in its file, read again: the body checked."""
        shown = display_path(article.path)
        parsed, _ = read_article_file(article.path, shown, self._config.limits.max_article_bytes)
        if parsed.data is None or body_key(parsed.body) != article.body_key:
            raise ContentChangedError(
                f"{shown}: the file changed while syndicate was writing the feeds",
                "run the command again: the feeds carry an article as it was checked",
            )
        return render_copy_uncached(article.front_matter, parsed.body, profile, with_json_ld=False)

    def digest(self, index: int) -> str:
        """What entry `index` is made from (front matter, rendered copy, licence, grant), as a digest."""
        known = self._digests.get(index)
        if known is None:
            article, granted = self._chosen[index]
            inputs = article.entry_inputs if isinstance(article, RecordedArticle) else None
            if inputs is None:
                profile = self._registry.get(article.license_id)
                assert profile is not None
                fm_digest, body_key = article.front_matter_digest, article.body_key
                copy = render_copy(article.front_matter, article.body, profile, fm_digest, body_key)
                digest = article.front_matter_digest or front_matter_digest(article.front_matter)
                inputs = inputs_digest(digest, copy.content_hash, profile, granted)
            known = self._digests[index] = entry_digest(inputs, self._updated[index])
        return known
