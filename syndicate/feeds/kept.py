"""The feeds' choice, order, atom:updated values and document digests, kept from one run to the next.

A run after one change took every article's place in the feeds again: it sorted 10,000
articles, told their atom:updated values apart (updated.py), and digested every entry and every
one of 313 documents, whatever the change touched. `run` now keeps what that gave in the ledger
(table `kept_state`, name "feeds"): the chosen files, newest first, each with its grant, whether
its updated is a date alone, its first moment (updated.first_moment) and, when another entry
moved it on, its atom:updated, as instants; the other files whose article was considered; and
each document's page, the places of its entries and its digest. The next run starts from it:

- an article known by its record (cron/records.py) whose file was considered then keeps its
  place and grant (its record is the same, so is everything these are made from); every other
  article (read again, or not considered then) is decided and placed as feed_articles does;
- atom:updated: distinct_updated's rule, followed on the kept instants (integers: no datetime,
  no digest of a slug, for an entry that is not built);
- a document whose page is the same and whose entries are the same entries, in the same order,
  each with the atom:updated it had, keeps its digest; the others are digested (LazyEntries.digest).

It is used only under the same inputs: the same config, licence profiles, version and year (the
records' `made_under`, as a record that stands all year; an article whose checks depend on the
day, bound_to_the_day, is read again each day, so decided again), the same files as the run that
kept it stored (the ledger's `files_digest`, which a run that stores other files changes), and
before the first embargo then to come (`until`: an article under embargo joins the feeds then),
and not before the moment of the run that kept it (`at`: a clock set back would otherwise keep an
article in the feeds that is under embargo again at the earlier moment). Otherwise the feeds'
entries are chosen and placed in full, and kept again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import marshal
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from syndicate.articles.article import Article
from syndicate.cron.records import RecordedArticle
from syndicate.feeds.chosen import LazyEntries, feed_articles
from syndicate.feeds.updated import distinct_instants, first_moment, microseconds

if TYPE_CHECKING:
    from syndicate.checks.article_checks import Checks
    from syndicate.delivery.ledger import Ledger

#: raised when what is kept changes form: a kept value of another version is not used
KEPT_VERSION = 2
#: its name in the ledger's kept_state
NAME = "feeds"
#: a document's page as its digest takes it (generate._document_digest), its entries' places, its digest
DocumentKept = tuple[tuple[Any, ...], tuple[int, ...], str]


@dataclasses.dataclass
class Kept:
    """What a run kept of its feeds (see the module's docstring); lists are in the feeds' order."""

    made: str  #: records.made_under() of that run, for its year
    files: str  #: the ledger's files_digest that run stored
    until: str | None  #: ISO: the first embargo to come then, if any
    at: str  #: ISO: the moment (`now`) of the run that kept it
    prefix: str  #: what every file's path starts with (left out of `keys` and `others`)
    keys: list[str]  #: the chosen files, newest first
    others: list[str]  #: the files of the other articles considered (not in the feeds)
    granted: list[bool]
    dated: list[bool]  #: its article's updated is a date alone
    firsts: list[int]  #: its first moment (updated.first_moment), as microseconds since 1970
    moved: dict[int, int]  #: place -> its atom:updated (likewise), of each entry another moved on
    documents: dict[str, DocumentKept] = dataclasses.field(default_factory=dict)

    def dumps(self) -> bytes:
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        return marshal.dumps((KEPT_VERSION, *values))

    @classmethod
    def loads(cls, stored: bytes) -> Kept | None:
        try:
            values = marshal.loads(stored)  # noqa: S302 (the ledger's own: dumps wrote it)
            if values[0] != KEPT_VERSION:
                return None
            return cls(*values[1:])
        except (ValueError, EOFError, TypeError, IndexError):  # (not of this version: computed again)
            return None


def read(ledger: Ledger) -> Kept | None:
    with ledger.connection() as db:
        row = db.execute("SELECT value FROM kept_state WHERE name = ?", (NAME,)).fetchone()
    return Kept.loads(bytes(row[0])) if row else None


def write(ledger: Ledger, kept: Kept | None) -> None:
    """Keep `kept` for the next run (None: nothing, the next run chooses in full)."""
    with ledger.connection(write=True) as db:
        db.execute("DELETE FROM kept_state WHERE name = ?", (NAME,))
        if kept is not None:
            db.execute("INSERT INTO kept_state (name, value) VALUES (?, ?)", (NAME, kept.dumps()))


class _Updated(Sequence[dt.datetime]):
    """Each entry's atom:updated, made only when an entry is built or digested: its first moment,
    moved on as distinct_updated moves it (`finals`, as instants)."""

    def __init__(self, chosen: Sequence[tuple[Article, bool]], firsts: list[int], finals: list[int]) -> None:
        self._chosen, self._firsts, self._finals = chosen, firsts, finals

    def __len__(self) -> int:
        return len(self._chosen)

    @overload
    def __getitem__(self, index: int) -> dt.datetime: ...
    @overload
    def __getitem__(self, index: slice) -> list[dt.datetime]: ...
    def __getitem__(self, index: int | slice) -> dt.datetime | list[dt.datetime]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        first = first_moment(self._chosen[index][0])
        moved = self._finals[index] - self._firsts[index]
        return first + dt.timedelta(microseconds=moved) if moved else first

    def __iter__(self) -> Iterator[dt.datetime]:
        return (self[i] for i in range(len(self)))


class Keeping:
    """One run's use of what the last run kept (`previous`), under `made` (records.made_under)
    and `files` (the ledger's files_digest before this run stored its own); `prefix`: what the
    path of every article file starts with (the content folder's, and "/")."""

    def __init__(self, previous: Kept | None, made: str, files: str | None, prefix: str) -> None:
        self._previous, self._made, self._files = previous, made, files
        self._prefix: str | None = prefix
        self._chosen: list[tuple[Article, bool]] = []
        self._keys: list[str] = []
        self._others: list[str] = []
        self._firsts: list[int] = []
        self._finals: list[int] = []
        self._dated: list[bool] = []
        #: each entry's place in the last run's feeds, if it is the same entry there, else -1
        self._was: list[int] = []
        self._until: dt.datetime | None = None
        self._now: dt.datetime | None = None
        self._entries: LazyEntries | None = None
        #: each document's (page, entries' places, digest): the last run's, then this run's
        self._documents_before: dict[str, DocumentKept] = {}
        self.documents: dict[str, DocumentKept] = {}

    def entries(self, articles: Sequence[Article], checks: Checks, now: dt.datetime) -> LazyEntries:
        """The feeds' entries of `articles` (feed_articles' choice), with what the last run kept."""
        # (the collector off meanwhile: lists of every entry, no cycle; it walked them again and
        # again, 0.18 s of 0.5 at 100,000 articles)
        was_on = gc.isenabled()
        gc.disable()
        try:
            return self._entries_of(articles, checks, now)
        finally:
            if was_on:
                gc.enable()

    def _entries_of(self, articles: Sequence[Article], checks: Checks, now: dt.datetime) -> LazyEntries:
        previous, self._now = self._previous, now
        if previous is not None and not (
            previous.made == self._made
            and previous.files == self._files
            and previous.prefix == self._prefix
            and (previous.until is None or now < dt.datetime.fromisoformat(previous.until))
            and dt.datetime.fromisoformat(previous.at) <= now  # (a clock set back: embargoes start again)
        ):
            previous = None
        # the entries kept, in their order (of articles known by their records, considered then);
        # then each other article decided, and put in its place if chosen
        chosen: list[tuple[Article, bool]] = []
        suffixes: list[str] = []  # (each file's path after the prefix)
        was: list[int] = []
        firsts: list[int] = []
        dated: list[bool] = []
        others: list[str] = []  # (considered, not in the feeds)
        fresh: list[Article] = []
        if previous is not None:
            recorded: dict[str, Article] = {}
            for article in articles:
                if isinstance(article, RecordedArticle) and not article.read_again:
                    recorded[article.file] = article
                else:
                    fresh.append(article)
            prefix, granted, kept_dated = previous.prefix, previous.granted, previous.dated
            kept_firsts = previous.firsts
            for i, suffix in enumerate(previous.keys):
                known = recorded.pop(prefix + suffix, None)
                if known is not None:
                    chosen.append((known, granted[i]))
                    suffixes.append(suffix)
                    was.append(i)
                    firsts.append(kept_firsts[i])
                    dated.append(kept_dated[i])
            for suffix in previous.others:  # (as they were: not in the feeds)
                if recorded.pop(prefix + suffix, None) is not None:
                    others.append(prefix + suffix)
            fresh += recorded.values()  # (known by their records, not considered then: decided now)
            self._until = dt.datetime.fromisoformat(previous.until) if previous.until else None
            self._documents_before = previous.documents
        else:
            fresh = list(articles)
        for article in fresh:
            if article.embargo_until is not None and article.embargo_until > now:
                self._until = min(filter(None, (self._until, article.embargo_until)))
        new = feed_articles(fresh, checks, now)
        for article, allowed_by_grant in new:
            at = _place(chosen, article)
            chosen.insert(at, (article, allowed_by_grant))
            suffixes.insert(at, self._suffix(_key(article)))
            was.insert(at, -1)
            firsts.insert(at, microseconds(first_moment(article)))
            dated.insert(at, article.updated_is_date)
        taken = {id(article) for article, _ in new}
        others += [_key(article) for article in fresh if id(article) not in taken]
        finals = distinct_instants(firsts, dated, [article.slug for article, _ in chosen])
        if previous is not None:  # (an entry another moves on now, or no more, is not the entry it was)
            moved, kept_firsts = previous.moved, previous.firsts
            was = [
                w if w >= 0 and final == moved.get(w, kept_firsts[w]) else -1
                for w, final in zip(was, finals, strict=True)
            ]
        self._chosen, self._keys, self._firsts, self._finals, self._dated, self._was = (
            chosen,
            suffixes,
            firsts,
            finals,
            dated,
            was,
        )
        self._others = [self._suffix(key) for key in others]
        self._entries = LazyEntries(chosen, checks, _Updated(chosen, firsts, finals))
        return self._entries

    def _suffix(self, key: str) -> str:
        prefix = self._prefix
        if prefix is not None and key.startswith(prefix):
            return key[len(prefix) :]
        self._prefix = None  # (a file elsewhere: nothing is kept)
        return key

    def document_digest(self, path: str, page: tuple[Any, ...], indexes: Sequence[int]) -> str | None:
        """The digest document `path` had, if its page and entries are as they were; else None."""
        before = self._documents_before.get(path)
        if before is None or before[0] != page or len(before[1]) != len(indexes):
            return None
        was = self._was
        return before[2] if [was[i] for i in indexes] == list(before[1]) else None

    def kept(self, files: str | None) -> Kept | None:
        """What this run keeps for the next, once its feeds were made from `entries()`; `files`:
        the ledger's files_digest this run stored."""
        if self._entries is None or files is None or self._prefix is None or self._now is None:
            return None
        return Kept(
            self._made,
            files,
            self._until.isoformat() if self._until else None,
            self._now.isoformat(),
            self._prefix,
            self._keys,
            self._others,
            [granted for _, granted in self._chosen],
            self._dated,
            self._firsts,
            {i: final for i, final in enumerate(self._finals) if final != self._firsts[i]},
            self.documents,
        )


def _key(article: Article) -> str:
    """The file of `article`, as the scan names it (cron/incremental.py)."""
    return article.file if isinstance(article, RecordedArticle) else str(article.path)


def _place(chosen: Sequence[tuple[Article, bool]], article: Article) -> int:
    """Where `article` goes in `chosen` (newest first by published, then by slug, as
    feed_articles sorts; slugs are unique)."""
    key = (article.published, article.slug)
    low, high = 0, len(chosen)
    while low < high:
        middle = (low + high) // 2
        other = chosen[middle][0]
        if (other.published, other.slug) > key:
            low = middle + 1
        else:
            high = middle
    return low
