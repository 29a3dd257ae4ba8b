"""Archive feeds for Pelican, as `syndicate feeds` writes them: the articles older than the main
feed's FEED_MAX_ITEMS, oldest first, in Atom pages of FEED_MAX_ITEMS (archive/atom-1.xml holds the
oldest), newest first within a page. Pelican's feed writer has no RFC 5005 links (prev-archive,
next-archive, fh:archive): the pages are written without them."""

from __future__ import annotations

from typing import Any

from pelican.plugins.signals import article_writer_finalized  # type: ignore[import-untyped]


def write_archives(generator: Any, writer: Any) -> None:
    limit = generator.settings["FEED_MAX_ITEMS"]
    oldest_first = sorted(generator.articles, key=lambda article: article.date)
    archived = oldest_first[: max(len(oldest_first) - limit, 0)]
    for number, start in enumerate(range(0, len(archived), limit), 1):
        page = archived[start : start + limit][::-1]
        writer.write_feed(page, generator.context, f"archive/atom-{number}.xml", feed_type="atom")


def register() -> None:
    article_writer_finalized.connect(write_archives)
