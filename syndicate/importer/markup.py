"""What a page's visible markup states when its metadata does not: the byline's author links and
the article's tag links. Read last: JSON-LD, microdata, Open Graph and `<meta>` come first.

- authors: `rel="author"` links, a vcard's `fn`, and the link in an element of class `author` or
  `byline` (WordPress themes: "von <a class="fn" ...>Peter Addor</a>"). More than two different
  names is a list of other posts, not a byline; a name that is the site's own is the publisher.
- published: the one date a `<time datetime>` marks as the post's (`pubdate`, class `published`,
  `entry-date`, `dt-published`, `itemprop="datePublished"`); several different ones are a list's.
- tags: `rel="tag"` links; when some of them point to a `/tag/` address, only those (the others,
  `rel="category tag"` and `/category/` links, are the site's sections).

Nothing inside readers' comments, sidebars, widgets or lists of related posts is read.
"""

from __future__ import annotations

import re
from typing import Any, Protocol


def _has(attribute: str, word: str) -> str:
    """XPath: the attribute's space-separated words include the word."""
    return f'contains(concat(" ", normalize-space(@{attribute}), " "), " {word} ")'


_BYLINES = " | ".join(
    (
        f"//a[{_has('rel', 'author')}]",
        f"//*[{_has('class', 'vcard')}]//*[{_has('class', 'fn')}]",
        f"//*[{_has('class', 'author')} or {_has('class', 'byline')}]/a",
    )
)
_TAGS = f"//a[@href][{_has('rel', 'tag')}]"
_PUBLISHED = (
    f"//time[@datetime][@pubdate or @itemprop='datePublished' or {_has('class', 'published')}"
    f" or {_has('class', 'entry-date')} or {_has('class', 'dt-published')}]"
)
#: containers whose links are not the article's: readers' comments, sidebars, other posts
_ELSEWHERE = re.compile(r"comment|respond|related|widget|sidebar|teaser|recent|popular|newsletter", re.I)
#: a person's or a handle's name: up to four words, no digits, no shouted words ("SHOW ALL ARTICLES OF")
_NAME = re.compile(r"^(?!.*\b[A-Z]{2,}\b)[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3}$")
_LEAD = re.compile(r"^(?:by|von|par|por|door|di|da)\s+", re.I)


class Facts(Protocol):
    values: dict[str, Any]

    def put(self, key: str, value: Any, where: str) -> None: ...


def read_markup(tree: Any, facts: Facts) -> None:
    if "authors" not in facts.values and "author" not in facts.values:
        names = _byline_names(tree)
        site = str(facts.values.get("site_name", "")).casefold()
        names = [n for n in names if n.casefold() != site]
        if 0 < len(names) <= 2:
            facts.put("authors", [{"name": n} for n in names], 'the byline\'s markup (rel="author", a vcard)')
    if "tags" not in facts.values:
        facts.put("tags", _tag_links(tree), '<a rel="tag">')
    if "published" not in facts.values:
        dates = list(dict.fromkeys(t.get("datetime", "").strip() for t in tree.xpath(_PUBLISHED) if not _elsewhere(t)))
        if len(dates) == 1:  # one date marked as the post's ("<time class="entry-date" datetime=... pubdate>")
            facts.put("published", dates[0], "<time datetime> marked as the publication date")


def _byline_names(tree: Any) -> list[str]:
    names: list[str] = []
    for element in tree.xpath(_BYLINES):
        if _elsewhere(element):
            continue
        name = _LEAD.sub("", " ".join(element.text_content().split()))
        if _NAME.match(name) and name not in names:
            names.append(name)
    return names


def _tag_links(tree: Any) -> list[str]:
    links = [(a.get("href", ""), " ".join(a.text_content().split())) for a in tree.xpath(_TAGS) if not _elsewhere(a)]
    if any("/tag/" in href for href, _ in links):
        links = [(href, label) for href, label in links if "/tag/" in href]
    labels: list[str] = []
    for _, label in links:
        if label and label not in labels:
            labels.append(label)
    return labels


def _elsewhere(element: Any) -> bool:
    for parent in element.iterancestors():
        if parent.tag in ("body", "html"):
            break
        if parent.tag in ("aside", "nav", "head") or _ELSEWHERE.search(parent.get("class", "")):
            return True  # (ids are not read: a theme names its main column "sidebar")
    return False
