"""The feeds' pages: a static HTML page beside the main feed and each tag feed, for people.

Browsers are removing XSLT, so a feed opened in one can no longer be shown as
a page by its stylesheet (feed.xsl, now an option). Syndicate writes the page
itself, from the same entries as the feed: `index.html` beside `atom.xml` and
`rss.xml`, with autodiscovery links to both, a line on what a feed is and the
address to copy, and per entry its title, byline, dates, summary, source,
rights and licence (once). No script and nothing from elsewhere: every text is
escaped, the entries' HTML content is never copied in, and only http(s) URLs
become links. Each entry's `<article>` is written once a build
(entries.WrittenEntries) and is the same on every page that shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from syndicate.characters import xml_text
from syndicate.feeds.entries import UNTITLED, FeedEntry, PageRights

#: the page's name, in the feeds folder and in each tag's folder
PAGE_NAME = "index.html"

# the look of feed.xsl, so that a site that keeps the stylesheet shows one design
_STYLE = """\
:root { color-scheme: light dark;
  --muted: #5b6270; --rule: #d8dce3; --note: #eef4fb; --accent: #1a5fb4; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #a4abb8; --rule: #3a3f47; --note: #1c2733; --accent: #78aeed; } }
body { font: 1.05rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  margin: 0; padding: 1.5rem 1rem 3rem; }
main { max-width: 46rem; margin: 0 auto; }
a { color: var(--accent); }
.note { background: var(--note); border-left: 4px solid var(--accent); border-radius: 4px;
  padding: .75rem 1rem; margin: 0 0 1.75rem; font-size: .95rem; }
.note p { margin: .25rem 0; }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere;
  user-select: all; }
header h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .35rem; overflow-wrap: anywhere; }
header p { margin: 0 0 .35rem; color: var(--muted); }
article { border-top: 1px solid var(--rule); padding: 1.25rem 0 .5rem; }
article h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .35rem; overflow-wrap: anywhere; }
article h2 a { text-decoration: none; }
article h2 a:hover { text-decoration: underline; }
.meta, .rights, .tags, .credit { color: var(--muted); font-size: .9rem; margin: .3rem 0; }
.summary { margin: .6rem 0; }
.rights { border-left: 3px solid var(--rule); padding-left: .6rem; overflow-wrap: anywhere; }
.rights p { margin: .15rem 0; }
footer { border-top: 1px solid var(--rule); margin-top: 1rem; padding-top: .75rem; color: var(--muted);
  font-size: .9rem; }
"""


_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class FeedsPage:
    """What a page shows besides its entries."""

    title: str
    description: str
    atom_url: str
    rss_url: str
    site_url: str
    rights: str  #: the site's
    language: str


def page_document(page: FeedsPage, written: Iterable[bytes]) -> bytes:
    """The page, around its entries' `<article>`s (`page_entry`), in their order."""
    title = _text(page.title) or UNTITLED
    about = _text(page.description)
    lang = f' lang="{_text(page.language)}"' if page.language.strip() else ""
    head = [
        f"<!DOCTYPE html>\n<html{lang}>\n<head>\n",
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        # nothing but its own style runs or loads, whatever a feed's text might smuggle in
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n',
        f"<title>{title}</title>\n",
        f'<link rel="alternate" type="application/atom+xml" title="{title} (Atom)" href="{_text(page.atom_url)}">\n',
        f'<link rel="alternate" type="application/rss+xml" title="{title} (RSS)" href="{_text(page.rss_url)}">\n',
        f"<style>\n{_STYLE}</style>\n</head>\n<body>\n<main>\n",
        '<aside class="note">\n',
        "<p><strong>This is a web feed.</strong> A feed reader (an app or a website) follows it for you and "
        "shows each new article as it comes. To follow it, copy its address into your feed reader: "
        f"<code>{_text(page.atom_url)}</code> (Atom; for RSS: <code>{_text(page.rss_url)}</code>).</p>\n",
        "<p>Each article below is republished under its own rights statement and licence, shown with it.</p>\n",
        "</aside>\n<header>\n",
        f"<h1>{title}</h1>\n",
        f'<p class="description">{about}</p>\n' if about and about != title else "",
        f"<p>{_link(page.site_url, 'Visit the website')}</p>\n" if _web(page.site_url) else "",
        "</header>\n",
    ]
    entries = list(written)
    tail = [] if entries else ["<p>This feed has no entries yet.</p>\n"]
    if page.rights.strip():
        tail.append(f"<footer>{_text(page.rights)}</footer>\n")
    tail.append("</main>\n</body>\n</html>\n")
    return "".join(head).encode() + b"".join(entries) + "".join(tail).encode()


def page_entry(entry: FeedEntry) -> bytes:
    """One entry's `<article>` on a page."""
    title = _text(entry.title) or UNTITLED
    parts = [
        "<article>\n",
        f"<h2>{_link(entry.link, title, escaped=True) if _web(entry.link) else title}</h2>\n",
        f'<p class="meta">{_meta(entry)}</p>\n',
    ]
    if entry.summary.strip():
        parts.append(f'<p class="summary">{_text(entry.summary)}</p>\n')
    if credit := _credit(entry):
        parts.append(f'<p class="credit">{credit}</p>\n')
    parts.append(_rights(entry.page_rights or PageRights(entry.rights)))
    if entry.categories:
        parts.append(f'<p class="tags">Filed under: {", ".join(_text(c) for c in entry.categories)}</p>\n')
    parts.append("</article>\n")
    return "".join(parts).encode()


def _meta(entry: FeedEntry) -> str:
    """ "By A, B and C · 2026-10-05 (updated 2026-10-07)" """
    names = [
        _link(a.url, _text(a.name) or UNTITLED, escaped=True, kind="author")
        if _web(a.url)
        else f'<span class="author">{_text(a.name) or UNTITLED}</span>'
        for a in entry.authors
    ]
    byline = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    shown = [f'<span class="byline">By {byline}</span>'] if names else []
    shown.append(_date(entry.published))
    if entry.updated.date() != entry.published.date():
        shown[-1] += f" (updated {_date(entry.updated)})"
    return " · ".join(shown)


def _date(when: dt.datetime) -> str:
    return f'<time datetime="{when.isoformat()}">{when.date().isoformat()}</time>'


def _credit(entry: FeedEntry) -> str:
    """ "Via Source. First published at host." """
    said = []
    if entry.source is not None and entry.source.title.strip():
        via = entry.via or entry.source.link
        name = _text(entry.source.title)
        said.append("Via " + (_link(via, name, escaped=True) if _web(via) else name) + ".")
    if _web(entry.related):
        assert entry.related is not None
        host = urlsplit(entry.related.strip()).hostname or entry.related
        said.append(f"First published at {_link(entry.related, _text(host), escaped=True)}.")
    return " ".join(said)


def _rights(rights: PageRights) -> str:
    lines = [f"<p>{_text(rights.statement)}</p>\n"] if rights.statement.strip() else []
    if rights.licence:
        name = _text(rights.licence)
        if _web(rights.licence_url):
            assert rights.licence_url is not None
            titled = f' title="{_text(rights.licence_title)}"' if rights.licence_title else ""
            url = _text(rights.licence_url.strip())
            name = f'<a rel="license" href="{url}"{titled}>{name}</a>'
        lines.append(f'<p class="licence">Licence: {name}</p>\n')
    return f'<div class="rights">\n{"".join(lines)}</div>\n' if lines else ""


def _web(url: str | None) -> bool:
    """Only http(s) URLs become links: no javascript: or data: links from feed text."""
    return bool(url) and urlsplit(str(url).strip()).scheme.lower() in ("http", "https")


def _link(url: str | None, shown: str, *, escaped: bool = False, kind: str = "") -> str:
    """A link to the http(s) `url` showing `shown` (text, unless `escaped` says it is HTML already)."""
    classed = f' class="{kind}"' if kind else ""
    return f'<a{classed} href="{_text(str(url).strip())}">{shown if escaped else _text(shown)}</a>'


def _text(value: str) -> str:
    """Text or an attribute value, without the characters XML forbids, escaped (quotes too)."""
    return escape(xml_text(value), quote=True)
