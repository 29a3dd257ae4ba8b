"""Rendering a pushed copy: the sanitised body, the attribution block and schema.org JSON-LD.

Every copy carries the article body (Markdown rendered by cmark-gfm, then
sanitised by nh3), an attribution block that follows Creative Commons' TASL
guidance (Title, Author, Source, Licence) and machine-readable rights as
JSON-LD. Rendering is deterministic: the same input gives byte-identical HTML
and so the same content hash, which is what the ledger compares.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import nh3

from syndicate.articles.article import join_names
from syndicate.cron import compression
from syndicate.licences.profiles import LicenseProfile
from syndicate.render import commonmark

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
#: the attribution block's class attribute (an endpoint may tell its copies by it)
ATTRIBUTION_CLASS = 'class="syndicate-attribution"'

#: how many trailing paragraphs may hold an existing attribution footer
FOOTER_PARAGRAPHS = 3

_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "em", "figcaption", "figure", "h1",
     "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
     "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
)  # fmt: skip
#: removed together with their content; every other unknown element is unwrapped (its text kept)
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea", "select"}
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})


_HEADER = struct.Struct("<II")  # RenderedCopy.to_bytes: body_end, content_end


@dataclass(frozen=True)
class RenderedCopy:
    """One rendered copy, kept compact, for a run holds every copy of a site at once: the HTML
    once (not as three strings), UTF-8, compressed with zstd (a third of the size, for 30 us a
    copy and 10 us a read: zlib took three times that), the JSON-LD read back from its script.
    At 10,000 articles that is 30 MB where it was 200."""

    #: body + attribution block + the JSON-LD <script> element, UTF-8, zstd-compressed (zlib in old ledgers)
    packed: bytes
    #: where the body ends and where the attribution block ends, in `utf8`
    body_end: int
    content_end: int
    #: sha256 of `utf8`
    digest: bytes

    @classmethod
    def pack(cls, utf8: bytes, body_end: int, content_end: int) -> RenderedCopy:
        return cls(compression.compress(utf8), body_end, content_end, hashlib.sha256(utf8).digest())

    @property
    def utf8(self) -> bytes:
        return compression.decompress(self.packed)  # (zlib in a ledger kept from before zstd)

    def to_bytes(self) -> bytes:
        """The copy as bytes (a ledger keeps them between runs); from_bytes() reads them back."""
        return _HEADER.pack(self.body_end, self.content_end) + self.digest + self.packed

    @classmethod
    def from_bytes(cls, data: bytes) -> RenderedCopy:
        body_end, content_end = _HEADER.unpack_from(data)
        start = _HEADER.size
        return cls(data[start + 32 :], body_end, content_end, data[start : start + 32])

    @property
    def html(self) -> str:
        return self.utf8.decode("utf-8")

    @property
    def body_html(self) -> str:
        """The Markdown body rendered and sanitised."""
        return self.utf8[: self.body_end].decode("utf-8")

    @property
    def attribution_html(self) -> str:
        """The attribution block; "" when the body already ends with an equivalent footer."""
        return self.utf8[self.body_end : self.content_end].decode("utf-8")

    @property
    def content_html(self) -> str:
        """Body and attribution, without the JSON-LD script (what feeds carry)."""
        return self.utf8[: self.content_end].decode("utf-8")

    @property
    def json_ld(self) -> dict[str, Any]:
        script = self.utf8[self.content_end :].decode("utf-8")
        data: dict[str, Any] = json.loads(script[len(_SCRIPT_OPEN) : -len(_SCRIPT_CLOSE)])
        return data

    @property
    def content_hash(self) -> str:
        """sha256 hex of the HTML: what a ledger compares to detect changes."""
        return self.digest.hex()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _HTTP_URL.match(value.strip()):
        return None
    return value


def render_markdown(body: str) -> str:
    """Markdown (CommonMark with tables and strikethrough, raw HTML allowed) to sanitised HTML."""
    return sanitise(commonmark.to_html(body))


def prepare() -> None:
    """Make what rendering many copies needs (the sanitiser's rules), ahead of the first."""
    _cleaner()


def sanitise(html: str) -> str:
    """What a copy may carry of `html`.

    Kept: ordinary article markup. Removed: scripts, styles, frames, objects,
    forms, event-handler and style attributes (except text-align in tables),
    and every URL whose scheme is not http, https or mailto; images keep their
    src only when it is an absolute http(s) URL. Links get rel="noopener noreferrer".
    Always nh3's answer: a fast path that re-spelt cmark's HTML as nh3 would saved under 10% of
    the CPU time of `feeds` and a cold `run` over 10,000 articles, and no wall time measurably
    (BENCHMARKS.md, "Fast paths"); and a sanitiser's output must come from the sanitiser.
    """
    return _cleaner().clean(html)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    # one Cleaner for every call: nh3.clean() builds its rules anew each time (a sixth of its cost)
    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        filter_style_properties={"text-align"},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _text(value: Any) -> str | None:
    """A non-blank string, stripped; anything else is treated as missing."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _section(front_matter: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = front_matter.get(key)
    return value if isinstance(value, Mapping) else {}


def _http_url(value: Any) -> str | None:
    url = _text(value)
    return url if url is not None and _HTTP_URL.match(url) else None


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.date):  # also datetimes, should front matter arrive unnormalised
        return value.isoformat()
    return _text(value)


def _human_date(value: Any) -> str | None:
    """An ISO date or datetime as "23 July 2017": the date part, English month names whatever the locale."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = _iso(value)
        try:
            value = dt.date.fromisoformat(text[:10]) if text else None
        except ValueError:
            return None
    return None if value is None else f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _authors(front_matter: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(name, url) for each author with a name; a bare string counts as a name."""
    raw = front_matter.get("authors")
    found: list[tuple[str, str | None]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and _text(item.get("name")):
            found.append((str(_text(item["name"])), _http_url(item.get("url"))))
        elif _text(item):
            found.append((str(_text(item)), None))
    return found


def _year(copyright_: Mapping[str, Any]) -> int | None:
    year = copyright_.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    return int(year) if isinstance(year, str) and year.strip().isdigit() else None


def _link(text: str, url: str | None, rel: str | None = None) -> str:
    """Escaped text, hyperlinked only when `url` is an absolute http(s) URL."""
    if _http_url(url) is None:
        return escape(text, quote=False)
    rel_attr = f' rel="{escape(rel)}"' if rel else ""
    return f'<a href="{escape(str(url))}"{rel_attr}>{escape(text, quote=False)}</a>'


def _licence_link(front_matter: Mapping[str, Any], profile: LicenseProfile | None) -> tuple[str | None, str | None]:
    """(what to call the licence, its URL): the profile's, else the front matter's id and url."""
    licence = _section(front_matter, "license")
    if profile is not None:
        return profile.short_name, _http_url(profile.url) or _http_url(licence.get("url"))
    return _text(licence.get("id")), _http_url(licence.get("url"))


def attribution_block(front_matter: Mapping[str, Any], profile: LicenseProfile | None) -> str:
    """The TASL attribution footer; empty when the front matter has nothing to attribute."""
    lines: list[str] = []
    title, authors = _text(front_matter.get("title")), _authors(front_matter)
    byline = join_names([_link(name, url) for name, url in authors]) if authors else ""
    if title and byline:
        lines.append(f"“{escape(title, quote=False)}” by {byline}.")
    elif title or byline:
        lines.append(f"“{escape(title, quote=False)}”." if title else f"By {byline}.")
    for key, verb in (("original", "First published by"), ("source", "Republished from")):
        part = _section(front_matter, key)
        name, url = _text(part.get("name")) or _http_url(part.get("url")), part.get("url")
        if name:
            date = _human_date(part.get("published")) if key == "original" else None
            lines.append(f"{verb} {_link(name, url)}" + (f" on {date}." if date else "."))
    copyright_ = _section(front_matter, "copyright")
    holder, year = _text(copyright_.get("holder")), _year(copyright_)
    if holder:
        lines.append(escape(f"© {year} {holder}." if year is not None else f"© {holder}.", quote=False))
    licence_name, licence_url = _licence_link(front_matter, profile)
    if licence_name:
        lines.append(f"Licence: {_link(licence_name, licence_url, rel='license')}.")
    if not lines:
        return ""
    paragraphs = "".join(f"<p>{line}</p>\n" for line in lines)
    return f"<footer {ATTRIBUTION_CLASS}>\n{paragraphs}</footer>\n"


#: in nh3's output every attribute value is double-quoted (and may hold ">"), every "<" in text is escaped
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_HREF = re.compile(r'<a\s(?:[^>"]|"[^"]*")*?\bhref="([^"]*)"')


def links_and_text(sanitised: str) -> tuple[list[str], str]:
    """The hrefs of the links, and the text with every tag as a space, of sanitised HTML."""
    hrefs = [unescape(href) for href in _HREF.findall(sanitised)]
    return [href for href in hrefs if href], unescape(_TAG.sub(" ", sanitised))


def _fold(text: str) -> str:
    # str.split() cuts where \s matches and drops the ends: re.sub(r"\s+", " ", text).strip(), but faster
    return " ".join(text.split()).casefold()


def last_paragraphs(body: str, count: int, window: int = 2048) -> list[str]:
    """The last `count` non-blank paragraphs of `body` split at blank lines, found from its end:
    what splitting the whole body gives (the footer check split every body, all of it)."""
    text = body.replace("\r\n", "\n") if "\r" in body else body
    while window < len(text):
        start = len(text) - window
        # a blank line is "\n", spaces and tabs, "\n": cut after another character, the breaks
        # found in the rest are those found in the whole; the first piece is a cut paragraph
        while start > 0 and text[start - 1] in "\n \t":
            start -= 1
        if start == 0:
            break
        paragraphs = [p for p in _BLANK_LINES.split(text[start:])[1:] if p.strip()]
        if len(paragraphs) >= count:
            return paragraphs[-count:]
        window *= 4
    return [p for p in _BLANK_LINES.split(text) if p.strip()][-count:]


def has_equivalent_footer(front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None) -> bool:
    """Whether the body already ends with an attribution footer equivalent to ours.

    Conservative: the last 3 non-blank paragraphs of the Markdown body (text
    split at blank lines), rendered and sanitised, must together
      * contain a link whose href is exactly source.url (if the front matter
        has no source.url, a footer is never equivalent),
      * give a copyright notice: "©" or "copyright" and the holder's name
        (no holder: never equivalent), and
      * mention the licence: the profile's short name, name, id or url, or the
        front matter's license.id or license.url (case and runs of whitespace
        are ignored in names; a url may appear as a link or as text).
    Anything less, a placeholder link such as [x](#) included, gets our block.
    """
    source_url = _http_url(_section(front_matter, "source").get("url"))
    holder = _text(_section(front_matter, "copyright").get("holder"))
    if source_url is None or holder is None:
        return False
    hrefs, text = links_and_text(render_markdown("\n\n".join(last_paragraphs(body, FOOTER_PARAGRAPHS))))
    text = _fold(text)
    if source_url not in hrefs and commonmark.normalise_link(source_url) not in hrefs:
        return False
    if _fold(holder) not in text or not ("©" in text or "copyright" in text):
        return False
    licence = _section(front_matter, "license")
    names = [_text(licence.get("id"))]
    urls = [_http_url(licence.get("url"))]
    if profile is not None:
        names += [profile.short_name, profile.name, profile.id]
        urls.append(_http_url(profile.url))
    if any(name and _fold(name) in text for name in names):
        return True
    return any(url and (url in hrefs or _fold(url) in text) for url in urls)


def json_ld(front_matter: Mapping[str, Any], profile: LicenseProfile | None) -> dict[str, Any]:
    """schema.org NewsArticle metadata: who wrote it, where it came from, who holds it, under what licence."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle"}
    source, original = _section(front_matter, "source"), _section(front_matter, "original")
    copyright_ = _section(front_matter, "copyright")
    candidates: dict[str, Any] = {
        "headline": _text(front_matter.get("title")),
        # no @type on authors: the front matter does not say person or organisation
        "author": [{"name": n} | ({"url": u} if u else {}) for n, u in _authors(front_matter)] or None,
        "datePublished": _iso(front_matter.get("published")),
        "dateModified": _iso(front_matter.get("updated")),
        "isBasedOn": _http_url(original.get("url")) or _http_url(source.get("url")),
        "license": _http_url(profile.url) if profile is not None else None,
        "copyrightHolder": {"name": h} if (h := _text(copyright_.get("holder"))) else None,
        "copyrightYear": _year(copyright_),
        "url": _http_url(front_matter.get("canonical_url")) or _http_url(source.get("url")),
    }
    data.update({key: value for key, value in candidates.items() if value is not None})
    return data


_SCRIPT_OPEN, _SCRIPT_CLOSE = '<script type="application/ld+json">', "</script>\n"


def json_ld_script(data: Mapping[str, Any]) -> str:
    """The <script> element; "<" is written as \\u003c so no value can close it or open a comment."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f"{_SCRIPT_OPEN}{text}{_SCRIPT_CLOSE}"


#: rendered copies of this process, by their inputs: a run renders each article for the feeds and again for push
_RENDERED: dict[tuple[bytes, str, str | None], RenderedCopy] = {}
_RENDERED_MAX = 20_000


def front_matter_digest(front_matter: Mapping[str, Any]) -> bytes:
    """What the cache of rendered copies knows a front matter by: the sha256 of its JSON (32
    bytes, where the JSON was a kilobyte an article). Workers send it with the copy."""
    return hashlib.sha256(json.dumps(front_matter, sort_keys=True, default=str).encode("utf-8")).digest()


def render_copy(
    front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None, digest: bytes = b""
) -> RenderedCopy:
    """Render one copy of an article. Missing optional (or, in drafts, required) fields are left out.
    `digest`: front_matter_digest(front_matter), when known."""
    key = (digest or front_matter_digest(front_matter), body, profile.id if profile else None)
    cached = _RENDERED.get(key)
    if cached is None:
        cached = render_copy_uncached(front_matter, body, profile)
        remember(key[0], body, key[2], cached)
    return cached


def remember(front_matter_digest: bytes, body: str, profile_id: str | None, rendered: RenderedCopy) -> None:
    """Keep `rendered` (made elsewhere, e.g. by a worker process) for render_copy of the same inputs."""
    if len(_RENDERED) >= _RENDERED_MAX:
        _RENDERED.clear()
    _RENDERED[front_matter_digest, body, profile_id] = rendered


def render_copy_uncached(front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None) -> RenderedCopy:
    body_html = render_markdown(body)
    if body_html and not body_html.endswith("\n"):
        body_html += "\n"
    attribution = "" if has_equivalent_footer(front_matter, body, profile) else attribution_block(front_matter, profile)
    body_utf8, attribution_utf8 = body_html.encode("utf-8"), attribution.encode("utf-8")
    script_utf8 = json_ld_script(json_ld(front_matter, profile)).encode("utf-8")
    end = len(body_utf8)
    return RenderedCopy.pack(body_utf8 + attribution_utf8 + script_utf8, end, end + len(attribution_utf8))
