"""The text of a social post (Mastodon, Bluesky), cut to the network's limit.

    HEADLINE

    via SOURCE, © YEAR HOLDER · LICENCE
    LINK

    #Tag #Tag

The attribution line (source, copyright, the licence's short name) and the
link are never cut: when they alone do not fit, the post is refused
(PostTooLong), never sent without them. The headline is cut to what is left,
at a grapheme boundary (never inside an emoji, a flag or a letter and its
combining marks), at a word's end where one is near, and ends with "…".
Hashtags come last and only whole: those that do not fit are left out.

Each network counts differently (Limit): Mastodon counts characters and every
URL as 23 whatever its length (this module counts code points, which is never
fewer than Mastodon's count); Bluesky counts graphemes (300) and bytes (3000).
Where the link is too long to leave room for a headline, a network that links
through a facet (Bluesky) shows it shortened, as its app does, while the facet
and the card keep the whole address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import regex

from syndicate.errors import DeliveryError

ELLIPSIS = "…"
#: the fewest graphemes of headline a post keeps (with the ellipsis): below this it is refused
MIN_HEADLINE = 12
#: a link shortened for display keeps this many graphemes (Bluesky's app shows about as many)
SHORT_LINK = 30
#: a URL as Mastodon's length rule sees one (a scheme is needed)
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_GRAPHEME = regex.compile(r"\X")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}_]+")


class PostTooLong(DeliveryError):
    """The attribution and the link alone do not fit the network's limit."""


@dataclass(frozen=True)
class Limit:
    """How a network measures a post, and how much it takes."""

    size: int
    #: "characters" (code points) or "graphemes"
    unit: str = "characters"
    #: every URL counts as this many characters (Mastodon: 23), None: as written
    url_size: int | None = None
    #: a limit in UTF-8 bytes too (Bluesky: 3000)
    max_bytes: int | None = None
    #: the link may be shown shortened while the post links to the whole address (a Bluesky facet)
    short_links: bool = False

    def measure(self, text: str) -> int:
        if self.url_size is not None:
            text = _URL.sub("x" * self.url_size, text)
        return graphemes(text) if self.unit == "graphemes" else len(text)

    def fits(self, text: str) -> bool:
        too_many_bytes = self.max_bytes is not None and len(text.encode("utf-8")) > self.max_bytes
        return not too_many_bytes and self.measure(text) <= self.size


@dataclass(frozen=True)
class Span:
    """Where a part is in the text, in characters (Python's indexes)."""

    start: int
    end: int

    def utf8(self, text: str) -> tuple[int, int]:
        """The same span as UTF-8 byte offsets (what Bluesky's facets count in)."""
        start = len(text[: self.start].encode("utf-8"))
        return start, start + len(text[self.start : self.end].encode("utf-8"))


@dataclass(frozen=True)
class SocialText:
    text: str
    #: the whole address the post links to, and where the text shows it (maybe shortened)
    link: str | None
    link_span: Span | None
    #: each hashtag in the text: the tag (without "#") and where "#Tag" is
    hashtags: tuple[tuple[str, Span], ...]
    #: the headline was cut
    shortened: bool
    #: hashtags left out for want of room
    left_out: tuple[str, ...]


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, as Bluesky counts them)."""
    return len(_GRAPHEME.findall(text))


def hashtag(tag: str) -> str | None:
    """A tag as a hashtag's text: its words run together, each capitalised ("Middle East & North
    Africa" -> "MiddleEastNorthAfrica"); None when it has no letter (a hashtag needs one)."""
    words = _WORD.findall(tag)
    joined = "".join(w[:1].upper() + w[1:] for w in words)
    return joined if any(ch.isalpha() for ch in joined) else None


def attribution_line(source: str, copyright_: str, licence: str) -> str:
    """ "via SOURCE, © YEAR HOLDER · LICENCE" (the copy's `copyright` starts with ©)."""
    return " · ".join(part for part in (f"via {source}, {copyright_}", licence) if part)


def compose(
    headline: str, attribution: str, link: str | None, tags: tuple[str, ...], limit: Limit, what: str = "post"
) -> SocialText:
    """The post's text within `limit`; PostTooLong when the attribution and link leave no room for a headline."""
    headline = " ".join(headline.split())
    display = link or ""
    if link and limit.short_links and not _room(attribution, display, limit):
        display = short_link(link)
    if not _room(attribution, display, limit):
        raise PostTooLong(
            f"the {what} cannot fit its limit ({limit.size} {limit.unit}): the attribution and the link alone "
            f"take {limit.measure(_tail(attribution, display))}",
            "shorten the source's name or the article's address (the attribution and link are never cut)",
        )
    head, shortened = headline, False
    if not limit.fits(_text(head, attribution, display)):
        head, shortened = _cut(headline, lambda h: limit.fits(_text(h, attribution, display))), True
    text = _text(head, attribution, display)
    unique = list(dict.fromkeys(t for t in (hashtag(tag) for tag in tags) if t))
    kept: list[str] = []
    for name in unique:
        candidate = text + ("\n\n" if not kept else " ") + "#" + name
        if limit.fits(candidate):
            text = candidate
            kept.append(name)
    link_span = None
    if link:
        start = len(head) + 2 + len(attribution) + 1
        link_span = Span(start, start + len(display))
    spans, at = [], len(_text(head, attribution, display)) + 2
    for name in kept:
        spans.append((name, Span(at, at + 1 + len(name))))
        at += len(name) + 2
    left_out = tuple(name for name in unique if name not in kept)
    return SocialText(text, link, link_span, tuple(spans), shortened, left_out)


def short_link(link: str) -> str:
    """A link as an app shows it: no scheme, at most SHORT_LINK graphemes with "…" (the facet keeps it whole)."""
    shown = re.sub(r"^https?://(www\.)?", "", link, flags=re.IGNORECASE)
    clusters = _GRAPHEME.findall(shown)
    return shown if len(clusters) <= SHORT_LINK else "".join(clusters[: SHORT_LINK - 1]) + ELLIPSIS


def _tail(attribution: str, link: str) -> str:
    return attribution + ("\n" + link if link else "")


def _text(headline: str, attribution: str, link: str) -> str:
    return f"{headline}\n\n{_tail(attribution, link)}"


def _room(attribution: str, link: str, limit: Limit) -> bool:
    return limit.fits(_text("x" * (MIN_HEADLINE - 1) + ELLIPSIS, attribution, link))


def _cut(headline: str, fits: Callable[[str], bool]) -> str:
    """The longest start of `headline` (whole graphemes, a word's end if one is near) + "…" that fits."""
    clusters = _GRAPHEME.findall(headline)
    low, high = 0, len(clusters)  # fits(clusters[:low] + …) holds; clusters[:high] does not
    while low + 1 < high:
        middle = (low + high) // 2
        if fits("".join(clusters[:middle]).rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle
    kept = "".join(clusters[:low])
    # end at a word's end when that loses at most half of what fits (CJK text has no spaces: cut anywhere)
    space = kept.rfind(" ")
    if (
        space > 0
        and low < len(clusters)
        and not clusters[low].isspace()
        and len(kept) - space <= max(len(kept) // 2, 1)
    ):
        kept = kept[:space]
    return kept.rstrip(" ,;:-–—") + ELLIPSIS
