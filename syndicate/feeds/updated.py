"""Each feed entry's atom:updated, told apart from every other entry's.

Most scraped dates are dates alone, and a date is midnight UTC: two articles
of one day were both updated at 2026-03-02T00:00:00+00:00, which the W3C
validator reports (DuplicateUpdated) and feed readers that key on the pair
(id, updated) may take for one edit. So an entry whose updated value is a
date alone is shown as updated at a time in the first hour of that day, taken
from its slug (the seconds of sha256(slug) modulo 3600), the same on every
machine and run; should two such times meet (or meet a time an editor gave),
the slug later in order moves on a second at a time. The time is the feed's
own: the entry's published date stays as given, and so do the copies.

The time depends on the slug alone, so a new article on the same day changes
no other entry's updated value (only in the rare meeting of two times, one
in 3,600 for a pair, can it move the later slug by a second). An entry that
is alone on its day gets its time too: were it to keep midnight until a
second article came, that article would change it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from syndicate.articles.article import Article

#: a date alone is shown within this many seconds after its midnight
SPREAD_SECONDS = 3600
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def distinct_updated(articles: Sequence[Article]) -> list[dt.datetime]:
    """The atom:updated of each article (feed_articles' choice, with unique slugs), in their order:
    its first moment, moved on as distinct_instants moves it (in the first moment's own zone)."""
    firsts = [first_moment(article) for article in articles]
    instants = [microseconds(first) for first in firsts]
    dated = [article.updated_is_date for article in articles]
    finals = distinct_instants(instants, dated, [article.slug for article in articles])
    return [
        first + dt.timedelta(microseconds=final - instant) if final != instant else first
        for first, instant, final in zip(firsts, instants, finals, strict=True)
    ]


def distinct_instants(firsts: Sequence[int], dated: Sequence[bool], slugs: Sequence[str]) -> list[int]:
    """The rule, on instants (microseconds since 1970, `microseconds`): an entry whose updated is a
    date alone takes, in the order of slugs, the first second from its first moment on that no
    entry given a time and no such entry before it has. (feeds/kept.py follows it on the instants
    a run kept, with no datetime made for an entry it does not build.)"""
    finals = list(firsts)
    taken = {moment for moment, alone in zip(firsts, dated, strict=True) if not alone}
    for index in sorted((i for i, alone in enumerate(dated) if alone), key=slugs.__getitem__):
        moment = firsts[index]
        while moment in taken:
            moment += 1_000_000
        taken.add(moment)
        finals[index] = moment
    return finals


def microseconds(moment: dt.datetime) -> int:
    """An aware datetime as microseconds since 1970 (UTC)."""
    return (moment - _EPOCH) // _MICROSECOND


def first_moment(article: Article) -> dt.datetime:
    """The atom:updated `article` is given unless it meets another entry's: its own updated, or
    for a date alone the time its slug gives in the first hour of the day. (When no two
    entries' first moments meet, each entry's atom:updated is its first moment: feeds/kept.py.)"""
    if not article.updated_is_date:
        return article.updated
    return article.updated + dt.timedelta(seconds=_seconds(article.slug))


def _seconds(slug: str) -> int:
    return int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big") % SPREAD_SECONDS
