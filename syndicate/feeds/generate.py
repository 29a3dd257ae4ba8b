"""`feeds`: the site's RSS and Atom feeds, per-tag feeds and RFC 5005 archive pages.

The feeds carry the articles the site's own channel may carry: ready, not
retracted, not under embargo, newest first. Output is deterministic (dates
come from the articles, never the clock), and a file is replaced, atomically,
only when its bytes change: a run that changed nothing touches no file.

Layout under the output folder:

    atom.xml, rss.xml                 the newest `limit` entries
    feed.xsl                          shows the feeds as a page in a browser
    archive/atom-1.xml, -2.xml ...    older entries, oldest page first (Atom, RFC 5005)
    tags/<tag>/atom.xml, rss.xml      one pair per tag (newest `limit`)

`archive/` and `tags/` belong to syndicate: stale pages there are removed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

from syndicate import OUTPUT_REVISION, __version__
from syndicate.articles.article import Article
from syndicate.checks.article_checks import Checks
from syndicate.checks.parallel import fork_map
from syndicate.config import Config
from syndicate.feeds.entries import FeedEntry, SourceInfo, WrittenEntries
from syndicate.feeds.feed_xml import EPOCH, FeedPage, atom_document, rss_document
from syndicate.feeds.updated import distinct_updated
from syndicate.feeds.writing import TDMREP_FILE, FeedsResult, write_feed_files
from syndicate.licences.gate import Decision, decide
from syndicate.licences.profiles import LicenseProfile
from syndicate.render.attribution_block import licence_terms, plain_text, terms_lines
from syndicate.render.html_copy import front_matter_digest, render_copy

#: renders the feeds as a page in a browser; linked from every feed by a relative href
STYLESHEET = "feed.xsl"
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
    copy = render_copy(article.front_matter, article.body, profile, article.front_matter_digest)
    terms = licence_terms(article.front_matter, profile)
    notice = f"© {article.copyright_year} {article.copyright_holder}"
    if decision.grant is not None and not profile.channels:
        rights = f"{notice}. {profile.name}; republished with permission."
    else:
        rights = f"{notice}. Licence: {profile.short_name}" + (f" ({terms.url})" if terms.url else "") + "."
    if said := plain_text(terms_lines(terms)):
        rights += " " + said
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
    )


def tdmrep_json(config: Config) -> bytes:
    """W3C TDMRep's tdmrep.json: text and data mining rights reserved on the feeds' path (and the policy)."""
    path = urlsplit(config.feeds.url).path.rstrip("/") + "/"
    # "*" and "$" are the pattern's wildcards: as themselves, percent-encoded
    rule: dict[str, object] = {"location": path.replace("*", "%2A").replace("$", "%24"), "tdm-reservation": 1}
    if config.site.tdm_policy:
        rule["tdm-policy"] = config.site.tdm_policy
    return (json.dumps([rule], indent=2) + "\n").encode()


@functools.lru_cache(maxsize=4096)  # a site has a few hundred tags, each on many articles
def tag_slug(tag: str) -> str:
    """A folder name for a tag: ASCII letters, digits and hyphens only, never a path.

    Accents go ("Économie" is economie); a tag with no Latin letter or digit at all
    ("Политика", "経済") is "tag-" and 8 hex digits of its hash, so that two such tags do not
    share one folder (they all were "tag").
    """
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_tag.lower()).strip("-")[:80]
    if slug:
        return slug
    named = tag.strip()
    return "tag-" + hashlib.sha256(named.encode("utf-8", "surrogatepass")).hexdigest()[:8] if named else "tag"


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
            copy = render_copy(article.front_matter, article.body, profile, article.front_matter_digest)
            licence = [profile.id, profile.name, profile.short_name, profile.url, sorted(profile.channels)]
            front_matter = (article.front_matter_digest or front_matter_digest(article.front_matter)).hex()
            updated = self._updated[index].isoformat()
            inputs = [front_matter, copy.content_hash, licence, decision.grant is not None, updated]
            text = json.dumps(inputs, sort_keys=True, default=str)
            known = self._digests[index] = hashlib.sha256(text.encode()).hexdigest()
        return known


def build_feed_files(config: Config, entries: Sequence[FeedEntry]) -> dict[str, bytes]:
    """Every feed document, by its path relative to the output folder."""
    return {path: content for path, content, _ in feed_documents(config, entries) if content is not None}


@dataclass(frozen=True)
class _Document:
    """One feed document to write: which entries, as what page, in which format."""

    path: str  #: relative to the output folder
    folder: str  #: "", "archive/" or "tags/<slug>/": where the page's atom.xml and rss.xml would be
    title: str
    indexes: Sequence[int]  #: of the entries, in the order shown
    atom: bool  #: Atom, else RSS
    #: archive pages only: their links to the current feed and the neighbouring pages, and own URL
    archive: tuple[str, str | None, str | None, str] | None = None
    prev_archive: str | None = None


#: what `_build` builds from: set before the workers fork, so they inherit the entries and rendered copies
_building: tuple[Config, WrittenEntries] | None = None
#: fewer documents than this a worker are built in this process
DOCUMENTS_PER_WORKER = 16
#: past this (MB resident: about 4,000 articles) feed documents are built in this process (parallel.fork_map)
MAX_PARENT_MB = 120.0


def feed_documents(
    config: Config,
    entries: Sequence[FeedEntry],
    tags: Sequence[tuple[str, ...]] | None = None,
    entry_digest: Callable[[int], str] | None = None,
    unchanged: Callable[[str, str], bool] | None = None,
) -> Iterator[tuple[str, bytes | None, str]]:
    """Every feed document (path relative to the output folder, bytes, digest of its inputs),
    one at a time, built on every core when there are many.

    `entries` are newest first; `tags` are their categories, if known without making them.
    With `entry_digest(index)`, each document gets the digest of what it is made from, and a
    document that `unchanged(path, digest)` says is as it was is not built: its bytes are None.
    """
    global _building
    documents = _documents(config, entries, tags)
    yield STYLESHEET, (Path(__file__).parent / STYLESHEET).read_bytes(), ""
    if config.site.tdm_reservation:
        yield TDMREP_FILE, tdmrep_json(config), ""
    digests = [_document_digest(config, d, entry_digest) if entry_digest else "" for d in documents]
    skip = [
        bool(digest) and unchanged is not None and unchanged(d.path, digest)
        for d, digest in zip(documents, digests, strict=True)
    ]
    todo = [d for d, skipped in zip(documents, skip, strict=True) if not skipped]
    # an entry shown by several documents is made and written once (its archive page, its tags' feeds)
    mine = _building = (config, WrittenEntries(entries, ((i, d.atom) for d in todo for i in d.indexes)))
    try:
        # documents are large: two a chunk; and workers read every article, so only from a small process
        built = iter(fork_map(_build, todo, DOCUMENTS_PER_WORKER, chunk=2, max_parent_mb=MAX_PARENT_MB))
        for document, digest, skipped in zip(documents, digests, skip, strict=True):
            yield document.path, None if skipped else next(built), digest
    finally:
        # a generator left unfinished is closed when it is collected, maybe while a later one builds
        if _building is mine:
            _building = None


def _document_digest(config: Config, document: _Document, entry_digest: Callable[[int], str]) -> str:
    """What a document is made from: syndicate's version and output revision, the config, the page, its entries."""
    page = [document.path, document.folder, document.title, document.atom, document.archive, document.prev_archive]
    inputs = [__version__, OUTPUT_REVISION, config.digest, page, [entry_digest(i) for i in document.indexes]]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _documents(config: Config, entries: Sequence[FeedEntry], tags: Sequence[tuple[str, ...]] | None) -> list[_Document]:
    settings, title = config.feeds, config.site.title
    base, limit = settings.url.rstrip("/") + "/", settings.limit
    older = range(len(entries) - 1, limit - 1, -1)  # oldest first: a full archive page never changes
    pages = [older[i : i + limit] for i in range(0, len(older), limit)]
    archive_url = [f"{base}archive/atom-{n}.xml" for n in range(1, len(pages) + 1)]
    newest_entries = range(min(limit, len(entries)))
    last_archive = archive_url[-1] if pages else None
    documents = [
        _Document("atom.xml", "", title, newest_entries, True, prev_archive=last_archive),
        _Document("rss.xml", "", title, newest_entries, False, prev_archive=last_archive),
    ]
    for index, items in enumerate(pages):
        links = (
            base + "atom.xml",
            archive_url[index - 1] if index > 0 else None,
            archive_url[index + 1] if index + 1 < len(pages) else None,
            archive_url[index],
        )
        documents.append(
            _Document(
                f"archive/atom-{index + 1}.xml", "archive/", f"{title} (archive {index + 1})", items[::-1], True, links
            )
        )
    if settings.tag_feeds:
        # tags that share a folder ("Water" and "water", "Économie" and "Economie") share a feed:
        # an article is in it once (twice was a duplicate guid), and its title names every spelling
        by_tag: dict[str, tuple[dict[str, None], dict[int, None]]] = {}
        for index, categories in enumerate(tags if tags is not None else [e.categories for e in entries]):
            for tag in categories:
                names, shown = by_tag.setdefault(tag_slug(tag), ({}, {}))
                names[tag] = None
                shown[index] = None
        for slug, (spellings, members) in sorted(by_tag.items()):
            folder, name, newest = f"tags/{slug}/", " / ".join(spellings), list(members)[:limit]
            for atom in (True, False):
                documents.append(
                    _Document(f"{folder}{'atom' if atom else 'rss'}.xml", folder, f"{title}: {name}", newest, atom)
                )
    return documents


def _build(document: _Document) -> bytes:
    assert _building is not None
    config, entries = _building
    settings, site = config.feeds, config.site
    base = settings.url.rstrip("/") + "/"
    items = [entries.get(i, document.atom) for i in document.indexes]
    page = FeedPage(
        stylesheet="../" * document.folder.count("/") + STYLESHEET,
        title=document.title,
        description=site.description or document.title,
        atom_url=base + document.folder + "atom.xml",
        rss_url=base + document.folder + "rss.xml",
        site_url=site.url,
        rights=site.rights,
        language=site.language,
        entries=(),  # given already written, below
        hubs=settings.hubs,
        rsl_license=site.rsl_license or None,
        updated=max((updated for updated, _ in items), default=EPOCH),
        prev_archive=document.prev_archive,
    )
    if document.archive is not None:
        current, previous, following, own = document.archive
        page = replace(
            page, archive=True, current=current, prev_archive=previous, next_archive=following, atom_url=own, rss_url=""
        )
    written = [entry for _, entry in items]
    return atom_document(page, written) if document.atom else rss_document(page, written)


def generate_feeds(
    config: Config,
    articles: Sequence[Article],
    checks: Checks,
    out_dir: Path,
    now: dt.datetime,
    known: Mapping[str, str] | None = None,
) -> FeedsResult:
    """Write the site's feeds into `out_dir`. With `known` (the `marks` of an earlier result: run
    keeps them in its ledger), a document whose inputs and file are the same as then is not built
    again: a run after a small change rebuilds the pages that change, not 200 archive pages."""
    entries = LazyEntries(feed_articles(articles, checks, now), checks)
    root, marks = out_dir.resolve(), known or {}

    def unchanged(path: str, digest: str) -> bool:
        try:
            stat = (root / path).stat()
        except OSError:
            return False
        return marks.get(path) == f"{digest}:{stat.st_mtime_ns}:{stat.st_size}"

    if known is None:
        documents = feed_documents(config, entries, entries.tags())
    else:
        documents = feed_documents(config, entries, entries.tags(), entries.digest, unchanged)
    result = write_feed_files(out_dir, documents)
    result.entries = len(entries)
    return result
