"""`feeds`: the site's RSS and Atom feeds, per-tag feeds and RFC 5005 archive pages.

The feeds carry the articles the site's own channel may carry: ready, not
retracted, not under embargo, newest first. Output is deterministic (dates
come from the articles, never the clock), and a file is replaced, atomically,
only when its bytes change: a run that changed nothing touches no file.

Layout under the output folder:

    atom.xml, rss.xml                 the newest `limit` entries
    index.html                        the same entries, as a page for people (page_html.py)
    feed.xsl                          [feeds] xsl = true: shows a feed as a page in a browser
    archive/atom-1.xml, -2.xml ...    older entries, oldest page first (Atom, RFC 5005)
    tags/<tag>/atom.xml, rss.xml      one pair per tag (newest `limit`)
    tags/<tag>/index.html             and its page

`archive/` and `tags/` belong to syndicate: stale pages there are removed. A tag
feed stays once published: when its tag's last article leaves the feeds
(retracted, a draft again, its tag removed), its documents are written empty
(a 404 would tell its subscribers nothing); removing its folder retires it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from syndicate import OUTPUT_REVISION, __version__, fast_paths
from syndicate.articles.article import Article
from syndicate.checks.article_checks import Checks
from syndicate.checks.parallel import fork_map
from syndicate.config import Config
from syndicate.feeds.chosen import LazyEntries, feed_articles
from syndicate.feeds.entries import WRITERS, FeedEntry, WrittenEntries
from syndicate.feeds.feed_xml import EPOCH, FeedPage, atom_document, rss_document
from syndicate.feeds.kept import Keeping
from syndicate.feeds.page_html import PAGE_NAME, FeedsPage, page_document, page_entry
from syndicate.feeds.staging import Staged
from syndicate.feeds.tag_heads import published_tags
from syndicate.feeds.writing import STYLESHEET, TDMREP_FILE, FeedsResult, write_feed_files


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
    form: str  #: "atom", "rss" or "html" (the page)
    #: archive pages only: their links to the current feed and the neighbouring pages, and own URL
    archive: tuple[str, str | None, str | None, str] | None = None
    prev_archive: str | None = None
    #: an emptied tag feed's: the updated it had (no entry gives one)
    updated: dt.datetime | None = None
    #: Atom and RSS archive pages and tag feeds with [feeds] archive_content = "summary": entries.shows_content
    summaries: bool = False

    @property
    def entry_form(self) -> str:
        """How its entries are written (entries.WRITERS)."""
        return self.form + "-summary" if self.summaries else self.form


#: what `_build` builds from: set before the workers fork, so they inherit the entries and rendered copies
_building: tuple[Config, Sequence[FeedEntry], WrittenEntries] | None = None
#: Atom and RSS entries written by entries.py (the fast path "feed-entries"), else feedgen writes each
#: document whole (entries_feedgen.py): the same bytes (tests/test_feed_xml.py)
_FAST_ENTRIES = fast_paths.enabled("feed-entries")
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
    published_tags: Mapping[str, tuple[str, dt.datetime | None]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    prepare: Callable[[Sequence[Sequence[int]]], Staged | None] | None = None,
    kept: Keeping | None = None,
) -> Generator[tuple[str, bytes | None, str]]:
    """Every feed document (path relative to the output folder, bytes, digest of its inputs),
    one at a time, built on every core when there are many.

    `entries` are newest first; `tags` are their categories, if known without making them.
    With `entry_digest(index)`, each document gets the digest of what it is made from, and a
    document that `unchanged(path, digest)` says is as it was is not built: its bytes are None.
    `published_tags` (tag folder -> the tag's name, and the feed's updated) are the tag feeds
    already out: one with no entry left is written empty, keeping its updated.
    `progress(done, total)` is called after each feed document is taken (built or not).
    `prepare(groups)` is told the entries of each document to build, before any is built; a
    Staged it returns builds them (in this process, each one's articles read just before it).
    `kept`: the digests of the last run's documents (a document as it was keeps its digest).
    """
    global _building
    documents = _documents(config, entries, tags, published_tags or {})
    if config.feeds.xsl:
        stylesheet = (Path(__file__).parent / STYLESHEET).read_bytes()
        # a digest, so that the last run's marks hold it and a no-op run sees it removed
        yield STYLESHEET, stylesheet, hashlib.sha256(stylesheet).hexdigest()
    if config.site.tdm_reservation:
        yield TDMREP_FILE, tdmrep_json(config), ""
    digests = [_document_digest(config, d, entry_digest, kept) if entry_digest else "" for d in documents]
    skip = [
        bool(digest) and unchanged is not None and unchanged(d.path, digest)
        for d, digest in zip(documents, digests, strict=True)
    ]
    todo = [d for d, skipped in zip(documents, skip, strict=True) if not skipped]
    stage = prepare([d.indexes for d in todo]) if prepare is not None else None
    # an entry shown by several documents is made and written once (its archive page, its tags' feeds)
    uses = ((i, d.entry_form) for d in todo if _FAST_ENTRIES or d.form == "html" for i in d.indexes)
    mine = _building = (config, entries, WrittenEntries(entries, uses, writers={**WRITERS, "html": page_entry}))
    try:
        # documents are large: two a chunk; and workers read every article, so only from a small process
        if stage is not None:
            built = stage.build(_build, todo)
        else:
            built = iter(fork_map(_build, todo, DOCUMENTS_PER_WORKER, chunk=2, max_parent_mb=MAX_PARENT_MB))
        for done, (document, digest, skipped) in enumerate(zip(documents, digests, skip, strict=True), 1):
            yield document.path, None if skipped else next(built), digest
            if progress is not None:
                progress(done, len(documents))
    finally:
        # a generator left unfinished is closed when it is collected, maybe while a later one builds
        if _building is mine:
            _building = None


def _document_digest(
    config: Config, document: _Document, entry_digest: Callable[[int], str], kept: Keeping | None = None
) -> str:
    """What a document is made from: syndicate's version and output revision, the config, the page, its entries."""
    updated = document.updated.isoformat() if document.updated else None
    page = [document.path, document.folder, document.title, document.form, document.archive, document.prev_archive]
    page += [updated] if updated else []  # (only emptied tag feeds: other digests stay as they were)
    page += ["summaries"] if document.summaries else []  # (likewise)
    # (a document as it was, the same entries in it, keeps its digest: feeds/kept.py)
    digest = kept.document_digest(document.path, tuple(page), document.indexes) if kept else None
    if digest is None:
        inputs = [__version__, OUTPUT_REVISION, config.digest, page, [entry_digest(i) for i in document.indexes]]
        digest = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    if kept is not None:
        kept.documents[document.path] = (tuple(page), tuple(document.indexes), digest)
    return digest


def _documents(
    config: Config,
    entries: Sequence[FeedEntry],
    tags: Sequence[tuple[str, ...]] | None,
    published_tags: Mapping[str, tuple[str, dt.datetime | None]],
) -> list[_Document]:
    settings, title = config.feeds, config.site.title
    base, limit = settings.url.rstrip("/") + "/", settings.limit
    summaries = settings.archive_content == "summary"
    older = range(len(entries) - 1, limit - 1, -1)  # oldest first: a full archive page never changes
    pages = [older[i : i + limit] for i in range(0, len(older), limit)]
    archive_url = [f"{base}archive/atom-{n}.xml" for n in range(1, len(pages) + 1)]
    newest_entries = range(min(limit, len(entries)))
    last_archive = archive_url[-1] if pages else None
    documents = [
        _Document(name, "", title, newest_entries, form, prev_archive=last_archive)
        for name, form in (("atom.xml", "atom"), ("rss.xml", "rss"), (PAGE_NAME, "html"))
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
                f"archive/atom-{index + 1}.xml",
                "archive/",
                f"{title} (archive {index + 1})",
                items[::-1],
                "atom",
                links,
                summaries=summaries,
            )
        )
    if settings.tag_feeds:
        # tags that share a folder ("Water" and "water", "Économie" and "Economie") share a feed:
        # an article is in it once (twice was a duplicate guid), and its title names every spelling
        spelt: dict[str, list[int]] = {}  # (each spelling's entries first: one dict look-up a tag)
        for index, categories in enumerate(tags if tags is not None else [e.categories for e in entries]):
            for tag in categories:
                found = spelt.get(tag)
                if found is None:
                    spelt[tag] = [index]
                else:
                    found.append(index)
        by_tag: dict[str, tuple[dict[str, None], dict[int, None]]] = {}
        for tag, indexes in spelt.items():  # (in the order each spelling is first met)
            known = by_tag.get(slug := tag_slug(tag))
            if known is None:
                by_tag[slug] = ({tag: None}, dict.fromkeys(indexes))
            else:  # another spelling of a tag met before: one feed, each entry once, newest first
                known[0][tag] = None
                by_tag[slug] = (known[0], dict.fromkeys(sorted({*known[1], *indexes})))
        for slug, (name, _) in published_tags.items():  # its last entry gone: kept, empty, for its subscribers
            by_tag.setdefault(slug, ({name: None}, {}))
        for slug, (spellings, members) in sorted(by_tag.items()):
            folder, name, newest = f"tags/{slug}/", " / ".join(spellings), list(members)[:limit]
            # an empty feed keeps the updated it had: 1970 is "implausible" to the W3C validator
            updated = None if members else published_tags[slug][1]
            for file, form in (("atom.xml", "atom"), ("rss.xml", "rss"), (PAGE_NAME, "html")):
                brief = summaries and form != "html"  # (the page shows summaries either way)
                document = _Document(folder + file, folder, f"{title}: {name}", newest, form, updated=updated)
                documents.append(replace(document, summaries=brief))
    return documents


def _build(document: _Document) -> bytes:
    assert _building is not None
    config, entries, written = _building
    if document.form == "html":
        return page_document(_about(config, document), (written.get(i, "html")[1] for i in document.indexes))
    page = replace(_feed_page(config, document), summaries=document.summaries)
    if _FAST_ENTRIES:
        items = [written.get(i, document.entry_form) for i in document.indexes]
        # (an emptied tag feed keeps the date it had: document.updated)
        page = replace(page, updated=document.updated or max((updated for updated, _ in items), default=EPOCH))
        ready = [entry for _, entry in items]
        return atom_document(page, ready) if document.form == "atom" else rss_document(page, ready)
    # the library alone: feedgen writes every entry of every document
    from syndicate.feeds import entries_feedgen  # (imported only then: feedgen and dateutil are 10 ms)

    shown = tuple(entries[i] for i in document.indexes)
    newest = max((entry.updated for entry in shown), default=EPOCH)
    page = replace(page, entries=shown, updated=document.updated or newest)
    return entries_feedgen.atom_document(page) if document.form == "atom" else entries_feedgen.rss_document(page)


def _about(config: Config, document: _Document) -> FeedsPage:
    """What the feeds' page of `document` says about them."""
    site, base = config.site, config.feeds.url.rstrip("/") + "/"
    return FeedsPage(
        document.title,
        site.description or document.title,
        atom_url=base + document.folder + "atom.xml",
        rss_url=base + document.folder + "rss.xml",
        site_url=site.url,
        rights=site.rights,
        language=site.language,
    )


def _feed_page(config: Config, document: _Document) -> FeedPage:
    """The Atom or RSS `document` with no entry, last updated at the epoch."""
    settings, site = config.feeds, config.site
    base = settings.url.rstrip("/") + "/"
    page = FeedPage(
        stylesheet="../" * document.folder.count("/") + STYLESHEET if settings.xsl else None,
        title=document.title,
        description=site.description or document.title,
        atom_url=base + document.folder + "atom.xml",
        rss_url=base + document.folder + "rss.xml",
        site_url=site.url,
        rights=site.rights,
        language=site.language,
        entries=(),
        hubs=settings.hubs,
        rsl_license=site.rsl_license or None,
        prev_archive=document.prev_archive,
        html_url=base + document.folder + PAGE_NAME,
    )
    if document.archive is None:
        return page
    current, previous, following, own = document.archive
    return replace(
        page,
        archive=True,
        current=current,
        prev_archive=previous,
        next_archive=following,
        atom_url=own,
        rss_url="",
        html_url=None,  # archive pages have no page of their own
    )


def generate_feeds(
    config: Config,
    articles: Sequence[Article],
    checks: Checks,
    out_dir: Path,
    now: dt.datetime,
    known: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    kept: Keeping | None = None,
) -> FeedsResult:
    """Write the site's feeds into `out_dir`. With `known` (the `marks` of an earlier result: run
    keeps them in its ledger), a document whose inputs and file are the same as then is not built
    again: a run after a small change rebuilds the pages that change, not 200 archive pages.
    `progress(done, total)` after each feed document. `kept`: what the last run kept of its
    feeds (kept.py; used with `known`); what this run keeps is then `kept.kept()`."""
    if kept is not None and known is not None:
        entries = kept.entries(articles, checks, now)
    else:
        kept, entries = None, LazyEntries(feed_articles(articles, checks, now), checks)
    root, marks = out_dir.resolve(), known or {}

    def unchanged(path: str, digest: str) -> bool:
        try:
            stat = (root / path).stat()
        except OSError:
            return False
        return marks.get(path) == f"{digest}:{stat.st_mtime_ns}:{stat.st_size}"

    tags = entries.tags()
    current = {tag_slug(tag) for tag in set(itertools.chain.from_iterable(tags))}
    published = published_tags(config, root, current) if config.feeds.tag_feeds else {}
    if known is None:
        documents = feed_documents(
            config, entries, tags, published_tags=published, progress=progress, prepare=entries.prepare
        )
    else:
        documents = feed_documents(
            config, entries, tags, entries.digest, unchanged, published, progress, entries.prepare, kept
        )
    try:
        result = write_feed_files(out_dir, documents)
    finally:
        # a write that failed leaves the generator suspended, its forked workers alive: they hold
        # the run lock's descriptor (and the lock) until it is closed
        documents.close()
    result.entries = len(entries)
    return result
