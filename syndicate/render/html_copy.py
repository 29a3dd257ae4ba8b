"""Rendering a pushed copy: the sanitised body, the attribution block and schema.org JSON-LD.

Every copy carries the article body (Markdown rendered by cmark-gfm, then
sanitised by nh3), an attribution block that follows Creative Commons' TASL
guidance (Title, Author, Source, Licence) and says the licence's terms and
whom to ask (attribution_block.py), and machine-readable rights as JSON-LD
(json_ld.py). Rendering is deterministic: the same input gives byte-identical
HTML and so the same content hash, which is what the ledger compares.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any

import nh3

from syndicate.characters import xml_text
from syndicate.licences.profiles import LicenseProfile
from syndicate.render import commonmark, compression
from syndicate.render.attribution_block import (
    BodyFooter,
    Line,
    attribution_lines,
    fold,
    html_block,
    http_url,
    section,
    text,
)
from syndicate.render.json_ld import json_ld, json_ld_script, read_script

_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")

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
    At 10,000 articles that is 30 MB where it was 200.

    A copy made for the feeds alone (`complete` False: render_copy_uncached's `with_json_ld`) has
    neither the JSON-LD script nor the digest, which only a pushed copy carries: its content
    (what feeds carry) is all it gives."""

    #: body + attribution block + the JSON-LD <script> element, UTF-8, zstd-compressed (zlib in old ledgers)
    packed: bytes
    #: where the body ends and where the attribution block ends, in `utf8`
    body_end: int
    content_end: int
    #: sha256 of `utf8`; b"" for a copy made for the feeds alone
    digest: bytes

    @classmethod
    def pack(cls, utf8: bytes, body_end: int, content_end: int) -> RenderedCopy:
        return cls(compression.compress(utf8), body_end, content_end, hashlib.sha256(utf8).digest())

    @property
    def complete(self) -> bool:
        """False for a copy made for the feeds alone (no JSON-LD, no digest)."""
        return bool(self.digest)

    @property
    def utf8(self) -> bytes:
        return compression.decompress(self.packed)  # (zlib in a ledger kept from before zstd)

    def _whole(self) -> bytes:
        if not self.digest:
            raise AssertionError("unreachable: a copy made for the feeds alone is never pushed nor kept")
        return self.utf8

    def to_bytes(self) -> bytes:
        """The copy as bytes (a ledger keeps them between runs); from_bytes() reads them back."""
        self._whole()
        return _HEADER.pack(self.body_end, self.content_end) + self.digest + self.packed

    @classmethod
    def from_bytes(cls, data: bytes) -> RenderedCopy:
        body_end, content_end = _HEADER.unpack_from(data)
        start = _HEADER.size
        return cls(data[start + 32 :], body_end, content_end, data[start : start + 32])

    @property
    def html(self) -> str:
        return self._whole().decode("utf-8")

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
    def json_ld_script(self) -> str:
        """The JSON-LD `<script>` element, with its final newline."""
        return self._whole()[self.content_end :].decode("utf-8")

    @property
    def json_ld(self) -> dict[str, Any]:
        return read_script(self.json_ld_script)

    @property
    def content_hash(self) -> str:
        """sha256 hex of the HTML: what a ledger compares to detect changes."""
        self._whole()
        return self.digest.hex()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _HTTP_URL.match(value.strip()):
        return None
    return value


def render_markdown(body: str) -> str:
    """Markdown (CommonMark with tables and strikethrough, raw HTML allowed) to sanitised HTML, without
    the characters XML forbids (a body's control characters: removed as from front matter and feeds)."""
    return xml_text(sanitise(commonmark.to_html(body)))


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


#: in nh3's output every attribute value is double-quoted (and may hold ">"), every "<" in text is escaped
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_HREF = re.compile(r'<a\s(?:[^>"]|"[^"]*")*?\bhref="([^"]*)"')


def links_and_text(sanitised: str) -> tuple[list[str], str]:
    """The hrefs of the links, and the text with every tag as a space, of sanitised HTML."""
    hrefs = [unescape(href) for href in _HREF.findall(sanitised)]
    return [href for href in hrefs if href], unescape(_TAG.sub(" ", sanitised))


#: (kept for the tests and benchmarks that name it here)
_fold = fold


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


def equivalent_footer(front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None) -> BodyFooter | None:
    """The body's own attribution footer, when it is equivalent to our block's TASL lines; else None.

    Conservative: the last 3 non-blank paragraphs of the Markdown body (text
    split at blank lines), rendered and sanitised, must together
      * contain a link whose href is exactly source.url (if the front matter
        has no source.url, a footer is never equivalent),
      * give a copyright notice: "©" or "copyright" and the holder's name
        (no holder: never equivalent), and
      * mention the licence: the profile's short name, name, id or url, or the
        front matter's license.id or license.url (case and runs of whitespace
        are ignored in names; a url may appear as a link or as text).
    Anything less, a placeholder link such as [x](#) included, gets our block. The
    licence's terms and contact are not asked for here: the block adds what the footer lacks.
    """
    source_url = http_url(section(front_matter, "source").get("url"))
    holder = text(section(front_matter, "copyright").get("holder"))
    if source_url is None or holder is None:
        return None
    hrefs, words = links_and_text(render_markdown("\n\n".join(last_paragraphs(body, FOOTER_PARAGRAPHS))))
    folded = fold(words)
    if source_url not in hrefs and commonmark.normalise_link(source_url) not in hrefs:
        return None
    if fold(holder) not in folded or not ("©" in folded or "copyright" in folded):
        return None
    licence = section(front_matter, "license")
    names = [text(licence.get("id"))]
    urls = [http_url(licence.get("url"))]
    if profile is not None:
        names += [profile.short_name, profile.name, profile.id]
        urls.append(http_url(profile.url))
    if any(name and fold(name) in folded for name in names) or any(
        url and (url in hrefs or fold(url) in folded) for url in urls
    ):
        return BodyFooter(hrefs, folded)
    return None


def attribution_for(front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None) -> list[Line]:
    """The attribution block's lines for this article: all of them, or what the body's own
    equivalent footer lacks."""
    return attribution_lines(front_matter, profile, equivalent_footer(front_matter, body, profile))


#: rendered copies of this process, by their inputs, least recently used first: a run renders each
#: article for the feeds and again for push
_RENDERED: OrderedDict[tuple[bytes, str | bytes, str | None], RenderedCopy] = OrderedDict()
#: how many are kept: at least this, and as many as the site has articles (keep_for_site). Past it the
#: least recently used one goes; the cache was emptied whole, and a site larger than it rendered every
#: copy twice (a cold run over 30,000 articles took 5.75 times the time of 10,000: BENCHMARKS.md)
_RENDERED_MIN = 20_000
_rendered_max = _RENDERED_MIN
#: push renders copies on several threads: a copy used while another thread lets it go must not fail
_RENDERED_LOCK = threading.Lock()


def keep_for_site(articles: int) -> None:
    """Size the cache of rendered copies for a site of `articles` articles (it only grows)."""
    global _rendered_max
    _rendered_max = max(_rendered_max, articles)


def front_matter_digest(front_matter: Mapping[str, Any]) -> bytes:
    """What the cache of rendered copies knows a front matter by: the sha256 of its JSON (32
    bytes, where the JSON was a kilobyte an article). Workers send it with the copy."""
    return hashlib.sha256(json.dumps(front_matter, sort_keys=True, default=str).encode("utf-8")).digest()


def render_copy(
    front_matter: Mapping[str, Any],
    body: str,
    profile: LicenseProfile | None,
    digest: bytes = b"",
    body_key: bytes = b"",
) -> RenderedCopy:
    """Render one copy of an article. Missing optional (or, in drafts, required) fields are left out.
    `digest`: front_matter_digest(front_matter), when known. `body_key`: of an article whose body
    was left on the worker that rendered its copy (Article.body_key; `body` is then ""): the copy
    is found by it, never rendered again here."""
    key = (digest or front_matter_digest(front_matter), body_key or body, profile.id if profile else None)
    with _RENDERED_LOCK:
        cached = _RENDERED.get(key)
        if cached is not None:
            _RENDERED.move_to_end(key)
    if cached is None:
        if body_key:  # (the cache holds every copy of the site: keep_for_site)
            raise AssertionError("unreachable: every copy of an article whose body was not kept is rendered")
        cached = render_copy_uncached(front_matter, body, profile)
        remember(key[0], body, key[2], cached)
    return cached


def is_rendered(front_matter_digest: bytes, body_key: bytes, profile_id: str | None) -> bool:
    """Whether the copy of an article whose body stayed on a worker (Article.body_key) was made there."""
    with _RENDERED_LOCK:
        return (front_matter_digest, body_key, profile_id) in _RENDERED


def remember(
    front_matter_digest: bytes, body: str, profile_id: str | None, rendered: RenderedCopy, body_key: bytes = b""
) -> None:
    """Keep `rendered` (made elsewhere, e.g. by a worker process) for render_copy of the same inputs
    (`body_key`: in place of the body, as render_copy)."""
    key = (front_matter_digest, body_key or body, profile_id)
    with _RENDERED_LOCK:
        _RENDERED[key] = rendered
        _RENDERED.move_to_end(key)
        while len(_RENDERED) > _rendered_max:
            _RENDERED.popitem(last=False)


def render_copy_uncached(
    front_matter: Mapping[str, Any], body: str, profile: LicenseProfile | None, with_json_ld: bool = True
) -> RenderedCopy:
    """Without `with_json_ld`, the copy for the feeds alone: its content, not the JSON-LD script nor the
    digest a pushed copy carries (RenderedCopy.complete; 40 us of the 600 a worker spends on an
    article for `feeds`)."""
    body_html = render_markdown(body)
    if body_html and not body_html.endswith("\n"):
        body_html += "\n"
    attribution = html_block(attribution_for(front_matter, body, profile))
    body_utf8, attribution_utf8 = body_html.encode("utf-8"), attribution.encode("utf-8")
    if not with_json_ld:
        content = body_utf8 + attribution_utf8
        return RenderedCopy(compression.compress(content), len(body_utf8), len(content), b"")
    script_utf8 = json_ld_script(json_ld(front_matter, profile)).encode("utf-8")
    end = len(body_utf8)
    return RenderedCopy.pack(body_utf8 + attribution_utf8 + script_utf8, end, end + len(attribution_utf8))
