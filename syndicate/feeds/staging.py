"""The feed documents of many articles known by their records, each article read in full only
while the documents that show it are built.

An article known by its file's record (cron/records.py) is read from its row in the ledger
when an entry is made of it. A cold run knows every article so (incremental.py stores them
first) and builds every document: read all at once, they were 10 KB an article (front matter,
body, rendered copy), 1 GB at 100,000. Here the documents are built in order in this process,
each one's articles read just before it (in one query) and let go once no document soon shows
them again: a build holds at most `BUDGET` of them at once, whatever the site's size. What
every document shows is known before the first is built, so what is let go first is what is
shown again last (Belady's rule): an article shown by its archive page and a few tag feeds is
read once or twice, not once a document.

A build of fewer articles (a run after a small change) reads them all at once, before
building, and may build on forked workers (generate.feed_documents), as before.
"""

from __future__ import annotations

import array
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from syndicate.articles.article import Article
from syndicate.cron.records import RecordedArticle, load
from syndicate.render.html_copy import forget, front_matter_digest

T = TypeVar("T")
R = TypeVar("R")

#: articles read in full at once at most (about 10 KB each) when a build streams them
BUDGET = 1_000


class Staged:
    """Builds documents in order, each with its articles read in full just before (`groups`: the
    entry indexes of each document to build, in the order built; `articles`: by entry index)."""

    def __init__(self, articles: Sequence[Article], groups: Sequence[Sequence[int]], budget: int) -> None:
        self._articles, self._groups, self._budget = articles, groups, budget
        # the positions of the documents that show each entry, in order, in one array (a deque an
        # entry was 700 bytes: 70 MB at 100,000): entry i's are _uses[_start[i]:_start[i + 1]],
        # _next[i] the first of them still to come
        counts = array.array("q", bytes(8 * (len(articles) + 1)))
        for group in groups:
            for index in group:
                counts[index + 1] += 1
        for index in range(len(articles)):
            counts[index + 1] += counts[index]
        self._start, self._next = counts, array.array("q", counts)
        self._uses = array.array("q", bytes(8 * counts[-1]))
        for position, group in enumerate(groups):
            for index in group:
                self._uses[self._next[index]] = position
                self._next[index] += 1
        self._next = array.array("q", counts)
        self._loaded: set[int] = set()
        #: articles read from their rows (for the tests and benchmarks: a second read of one counts again)
        self.reads = 0

    def build(self, function: Callable[[T], R], documents: Sequence[T]) -> Iterator[R]:
        """`function(document)` for each document, in order, in this process."""
        try:
            for position, document in enumerate(documents):
                self._read(self._groups[position])
                yield function(document)
                self._done(position)
        finally:
            for index in list(self._loaded):
                self._let_go(index)

    def _read(self, group: Sequence[int]) -> None:
        wanted = [i for i in group if i not in self._loaded and isinstance(self._articles[i], RecordedArticle)]
        self.reads += sum(_unread(self._articles[i]) for i in wanted)
        load(self._articles[i] for i in wanted)
        self._loaded.update(wanted)

    def _done(self, position: int) -> None:
        for index in self._groups[position]:
            self._next[index] += 1
            if self._next[index] == self._start[index + 1] and index in self._loaded:  # shown no more
                self._let_go(index)
        if len(self._loaded) > self._budget:  # what is shown again last goes first
            latest = sorted(self._loaded, key=lambda i: self._uses[self._next[i]], reverse=True)
            for index in latest[: len(self._loaded) - self._budget]:
                self._let_go(index)

    def _let_go(self, index: int) -> None:
        article = self._articles[index]
        assert isinstance(article, RecordedArticle)
        if article.loaded:  # (a copy not made with the checks was made under the digest render_copy took)
            digest = article.front_matter_digest or front_matter_digest(article.front_matter)
            forget(digest, article.body, article.license_id, article.body_key)
            article.unload()
        self._loaded.discard(index)


def staged(articles: Sequence[Article], groups: Sequence[Sequence[int]], budget: int | None = None) -> Staged | None:
    """What builds the documents of `groups` (entry indexes of each, in the order built):
    None when at most `budget` (default BUDGET) articles must be read for them, which are then
    read now, at once (the documents may then be built anywhere, forked workers included); else
    a Staged."""
    budget = BUDGET if budget is None else budget
    unread = {i for group in groups for i in group if _unread(articles[i])}
    if len(unread) <= budget:
        load(articles[i] for i in unread)
        return None
    return Staged(articles, groups, budget)


def _unread(article: Article) -> bool:
    return isinstance(article, RecordedArticle) and not article.loaded
