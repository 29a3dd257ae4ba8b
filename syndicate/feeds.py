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
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from syndicate.article import Article
from syndicate.config import Config
from syndicate.feed_xml import FeedEntry, FeedPage, SourceInfo, atom_document, newest, rss_document
from syndicate.files import atomic_write, contained
from syndicate.licenses import LicenseProfile
from syndicate.render import render_copy
from syndicate.rights import Decision, decide
from syndicate.validate import Checks

MANAGED_FOLDERS = ("archive", "tags")
#: renders the feeds as a page in a browser; linked from every feed by a relative href
STYLESHEET = "feed.xsl"


@dataclass
class FeedsResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    entries: int = 0

    #: the output folder, resolved
    root: Path | None = None

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def changed_topics(self, config: Config) -> list[str]:
        """The public URLs of the subscription feeds (not archive pages) that were rewritten."""
        if self.root is None:
            return []
        base = config.feeds.url.rstrip("/") + "/"
        relative = [p.relative_to(self.root).as_posix() for p in self.written]
        return [base + r for r in relative if r.endswith(".xml") and not r.startswith("archive/")]


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


def feed_entry(article: Article, profile: LicenseProfile, decision: Decision, config: Config) -> FeedEntry:
    copy = render_copy(article.front_matter, article.body, profile)
    notice = f"© {article.copyright_year} {article.copyright_holder}"
    if decision.grant is not None and not profile.channels:
        rights = f"{notice}. {profile.name}; republished with permission."
    else:
        rights = f"{notice}. Licence: {profile.short_name}" + (f" ({profile.url})" if profile.url else "") + "."
    source = article.source
    link = config.site.article_url.replace("{slug}", article.slug) if config.site.article_url else article.link
    return FeedEntry(
        id=f"tag:{urlsplit(config.site.url).hostname},{article.published.year}:{article.slug}",
        title=article.title,
        link=link,
        summary=article.summary,
        # no JSON-LD script in feeds: feed readers strip it and validators flag it
        content_html=copy.body_html + copy.attribution_html,
        authors=article.authors,
        published=article.published,
        updated=article.updated,
        categories=article.tags,
        rights=rights,
        license_url=profile.url,
        license_title=profile.name,
        cc_license=profile.url if profile.url and "creativecommons.org" in profile.url else None,
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


def tag_slug(tag: str) -> str:
    """A folder name for a tag: ASCII letters, digits and hyphens only, never a path."""
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_tag.lower()).strip("-")[:80] or "tag"


def build_feed_files(config: Config, entries: Sequence[FeedEntry]) -> dict[str, bytes]:
    """Every feed document, by its path relative to the output folder."""
    settings, site = config.feeds, config.site
    base = settings.url.rstrip("/") + "/"
    limit = settings.limit
    files: dict[str, bytes] = {}

    def page(path: str, title: str, items: Sequence[FeedEntry], **extra: object) -> FeedPage:
        depth = path.count("/")
        return FeedPage(
            stylesheet="../" * depth + STYLESHEET,
            title=title,
            description=site.description or title,
            atom_url=base + path + "atom.xml",
            rss_url=base + path + "rss.xml",
            site_url=site.url,
            rights=site.rights,
            language=site.language,
            entries=tuple(items),
            hubs=settings.hubs,
            updated=newest(items),
            **extra,  # type: ignore[arg-type]
        )

    older = list(reversed(entries[limit:]))  # oldest first: a full archive page never changes
    pages = [older[i : i + limit] for i in range(0, len(older), limit)]
    archive_url = [f"{base}archive/atom-{n}.xml" for n in range(1, len(pages) + 1)]
    files[STYLESHEET] = (Path(__file__).parent / STYLESHEET).read_bytes()
    current = page("", site.title, entries[:limit], prev_archive=archive_url[-1] if pages else None)
    files["atom.xml"] = atom_document(current)
    files["rss.xml"] = rss_document(current)
    for index, items in enumerate(pages):
        archive = page(
            "archive/",
            f"{site.title} (archive {index + 1})",
            list(reversed(items)),
            archive=True,
            current=current.atom_url,
            prev_archive=archive_url[index - 1] if index > 0 else None,
            next_archive=archive_url[index + 1] if index + 1 < len(pages) else None,
        )
        files[f"archive/atom-{index + 1}.xml"] = atom_document(
            replace(archive, atom_url=archive_url[index], rss_url="")
        )
    if settings.tag_feeds:
        by_tag: dict[str, tuple[str, list[FeedEntry]]] = {}
        for entry in entries:
            for tag in entry.categories:
                by_tag.setdefault(tag_slug(tag), (tag, []))[1].append(entry)
        for slug, (name, items) in sorted(by_tag.items()):
            tagged = page(f"tags/{slug}/", f"{site.title}: {name}", items[:limit])
            files[f"tags/{slug}/atom.xml"] = atom_document(tagged)
            files[f"tags/{slug}/rss.xml"] = rss_document(tagged)
    return files


def write_feed_files(out_dir: Path, files: dict[str, bytes]) -> FeedsResult:
    """Write what changed, atomically; remove stale pages in the folders syndicate owns."""
    root = out_dir.resolve()
    result = FeedsResult(root=root)
    for relative, content in sorted(files.items()):
        target = contained(root, relative)  # tag_slug makes escaping impossible; checked all the same
        if target.is_file() and target.read_bytes() == content:
            result.unchanged.append(target)
            continue
        atomic_write(target, content)
        result.written.append(target)
    for folder in MANAGED_FOLDERS:
        for stale in sorted((root / folder).rglob("*.xml")) if (root / folder).is_dir() else []:
            if stale.relative_to(root).as_posix() not in files:
                stale.unlink()
                result.removed.append(stale)
    return result


def generate_feeds(
    config: Config, articles: Sequence[Article], checks: Checks, out_dir: Path, now: dt.datetime
) -> FeedsResult:
    chosen = feed_articles(articles, checks, now)
    entries = []
    for article, decision in chosen:
        profile = checks.registry.get(article.license_id)
        assert profile is not None
        entries.append(feed_entry(article, profile, decision, config))
    result = write_feed_files(out_dir, build_feed_files(config, entries))
    result.entries = len(entries)
    return result
