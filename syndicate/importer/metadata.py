"""What a page's markup states about its article, read with extruct and lxml (no parsing of our own).

In order, the first statement of a fact wins: schema.org JSON-LD, then schema.org
microdata (an Article or NewsArticle and its kin: headline, author, dates,
publisher, licence, copyright, isBasedOn, keywords, inLanguage), then a
microformats h-entry (name and dates), then Open
Graph and `article:*` meta tags, then Dublin Core, then plain `<meta name>`
tags (description, author, keywords). Links: `rel="canonical"`, `rel="license"`
(on `<link>` or `<a>`); an RSL licence file (`type="application/rsl+xml"`) and
TDM-Rep's `tdm-reservation`/`tdm-policy` are reported, not read as a licence.
Each value keeps where the page stated it, for the report.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

import extruct
import lxml.html
from extruct.jsonld import JsonLdExtractor

from syndicate.importer.markup import read_markup

_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
                            "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "ScholarlyArticle",
                            "TechArticle", "Report", "SocialMediaPosting", "LiveBlogPosting"})  # fmt: skip
_URL = re.compile(r"https?://[^\s/?#]+", re.I)

#: Open Graph, article:*, Dublin Core and <meta name> keys -> the fact they state
_META = {
    "og:title": "title",
    "og:site_name": "site_name",
    "og:url": "url",
    "og:description": "description",
    "og:locale": "language",
    "article:published_time": "published",
    "article:modified_time": "modified",
    "article:author": "author",
    "article:tag": "tags",
    "dc.title": "title",
    "dc.creator": "author",
    "dc.publisher": "site_name",
    "dc.date": "published",
    "dc.rights": "rights",
    "dc.language": "language",
    "dcterms.license": "license_url",
    "dcterms.rightsholder": "copyright_holder",
    "description": "description",
    "author": "author",
    "news_keywords": "tags",
    "keywords": "tags",
}


@dataclass
class PageFacts:
    """What the page's markup states, each with where it said it (for the report)."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    #: what could not be read
    notes: list[str] = field(default_factory=list)
    #: what the page declares that has no field (TDM-Rep, RSL, language), for the report
    declared: list[str] = field(default_factory=list)

    def put(self, key: str, value: Any, where: str) -> None:
        if value not in (None, "", []) and key not in self.values:
            self.values[key] = value
            self.where[key] = where


def read_metadata(html: str, base_url: str | None) -> PageFacts:
    facts = PageFacts()
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return facts  # no markup to read (an empty page)
    base = base_url or _first(tree.xpath('//link[@rel="canonical"]/@href')) or None
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        _json_ld(script.text or "", base, facts)
    _microdata(tree, base, facts)
    found = extruct.extract(tree, base_url=base, syntaxes=["dublincore"], uniform=True, errors="ignore")
    _microformats(tree, base, facts)
    _open_graph(tree, facts)
    for block in found.get("dublincore", []):
        for element in [*block.get("elements", []), *block.get("terms", [])]:
            name = str(element.get("name", "")).lower()
            _meta(name, str(element.get("content", "")), f'<meta name="{element.get("name")}">', facts)
    named = tree.xpath("//meta[@name][@content]")
    # news_keywords is the story's own list; keywords often begins with the site's (VICE: "culture, news, ...")
    for meta in sorted(named, key=lambda m: m.get("name", "").strip().lower() != "news_keywords"):
        name = meta.get("name", "").strip().lower()
        if not name.startswith(("dc.", "dcterms.")):
            _meta(name, meta.get("content", ""), f'<meta name="{name}">', facts)
    _links(tree, base, facts)
    read_markup(tree, facts)
    return facts


def _json_ld(text: str, base: str | None, facts: PageFacts) -> None:
    try:
        json.loads(text)
    except ValueError:
        facts.notes.append("a schema.org JSON-LD block is not valid JSON: not read")
        return
    wrapped = f'<script type="application/ld+json">{text}</script>'
    items = _items(JsonLdExtractor().extract(wrapped, base_url=base))
    known = {item["@id"]: item for item in items if isinstance(item.get("@id"), str) and len(item) > 1}
    for item in items:
        _article(_resolved(item, known), "schema.org JSON-LD", facts)


def _resolved(item: dict[str, Any], known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The item with its publisher and authors given by reference ({"@id": ...}, as Yoast's graph
    does) replaced by the items of the graph they name; a reference to nothing stays one, and an
    @id is never read as a name."""
    resolved = dict(item)
    for key in ("publisher", "author", "creator", "copyrightHolder"):
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        found = [known.get(v["@id"], v) if isinstance(v, dict) and set(v) == {"@id"} else v for v in values]
        resolved[key] = found if isinstance(value, list) else found[0]
    return resolved


def _microdata(tree: Any, base: str | None, facts: PageFacts) -> None:
    """The article items of the page's microdata. extruct reads every item of the page (a long
    page's comments, products, breadcrumbs: seconds on 4 MB) and only an article's facts are
    used: so it is given each top-level article item alone, without the separate items inside
    it (an element with `itemscope` and no `itemprop` is not one of the article's properties)."""
    for element in _with_itemscope(tree):
        types = {t.rsplit("/", 1)[-1] for t in element.get("itemtype", "").split()}
        if not types & _ARTICLE_TYPES or (element.get("itemprop") is not None and _in_an_item(element)):
            continue
        item = copy.deepcopy(element)
        for separate in [e for e in _with_itemscope(item) if e is not item and e.get("itemprop") is None]:
            separate.drop_tree()  # its tail, the text after it, stays
        found = extruct.extract(item, base_url=base, syntaxes=["microdata"], uniform=True, errors="ignore")
        for data in _items(found.get("microdata", [])):
            _article(data, "schema.org microdata", facts)


def _with_itemscope(tree: Any) -> list[Any]:
    """Elements with `itemscope`, found by walking the tree: an XPath query returning thousands of
    elements (a long page's comments) takes seconds in lxml, a walk a few milliseconds."""
    return [e for e in tree.iter() if isinstance(e.tag, str) and e.get("itemscope") is not None]


def _in_an_item(element: Any) -> bool:
    return any(parent.get("itemscope") is not None for parent in element.iterancestors())


def _items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [i for d in data for i in _items(d)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph", []))]
    return []


def _article(item: dict[str, Any], syntax: str, facts: PageFacts) -> None:
    types = item.get("@type")
    type_set = (
        {types}
        if isinstance(types, str)
        else {t for t in types if isinstance(t, str)}
        if isinstance(types, list)
        else set()
    )
    type_set = {t.rsplit("/", 1)[-1] for t in type_set}
    if not type_set & _ARTICLE_TYPES:
        return
    where = f"{syntax} {sorted(type_set & _ARTICLE_TYPES)[0]}"
    publisher = _name(item.get("publisher"))
    facts.put("title", _text(item.get("headline")) or _text(item.get("name")), f"{where} headline")
    facts.put("subtitle", _text(item.get("alternativeHeadline")), f"{where} alternativeHeadline")
    people = _people(item.get("author") or item.get("creator"))
    outlets = [p for p in people if publisher and p["name"].casefold() == publisher.casefold()]
    if outlets:
        facts.declared.append(f"{where} author names the publisher {publisher!r}: not taken as an author")
    facts.put("authors", [p for p in people if p not in outlets], f"{where} author")
    facts.put("published", _text(item.get("datePublished")), f"{where} datePublished")
    facts.put("modified", _text(item.get("dateModified")), f"{where} dateModified")
    if "Person" in _types(item.get("publisher")):  # a blog's owner (Yoast's person-as-publisher): not a title
        facts.declared.append(f"{where} publisher is a person ({publisher!r}): not taken as the publication's name")
    else:
        facts.put("site_name", publisher, f"{where} publisher")
    facts.put("license_url", _name(item.get("license")), f"{where} license")
    facts.put("copyright_holder", _name(item.get("copyrightHolder")), f"{where} copyrightHolder")
    year = item.get("copyrightYear")
    if isinstance(year, int | str) and str(year).strip().isdigit():
        facts.put("copyright_year", int(str(year).strip()), f"{where} copyrightYear")
    facts.put("json_ld_url", _text(item.get("url")), f"{where} url")
    facts.put("based_on", _name(item.get("isBasedOn")), f"{where} isBasedOn")
    facts.put("tags", _labels(item.get("keywords")), f"{where} keywords")
    facts.put("language", _name(item.get("inLanguage")), f"{where} inLanguage")
    facts.put("description", _text(item.get("description")), f"{where} description")


_H_ENTRY = (
    '//*[contains(concat(" ", normalize-space(@class), " "), " hentry ")'
    ' or contains(concat(" ", normalize-space(@class), " "), " h-entry ")]'
)


#: the h-entry properties read (microformats2 and the classic hentry's names for them)
_ENTRY_PROPERTIES = frozenset({"p-name", "entry-title", "dt-published", "published", "dt-updated", "updated"})
_ITEM_ROOTS = ("h-", "hentry", "vcard", "hcard", "hreview", "hcite")


def _microformats(tree: Any, base: str | None, facts: PageFacts) -> None:
    """The first h-entry's facts, when the page has one and states no date otherwise. mf2py reads
    a string (it parses again) and walks every element (a 4 MB article: a quarter of a minute), so
    it is given the entry's skeleton: the entry's element holding only its own name and date
    elements. A name only implied (the entry's whole text) is not read: it is not a statement."""
    entries = tree.xpath(_H_ENTRY)
    if not entries or "published" in facts.values:
        return
    skeleton = _skeleton(entries[0])
    markup = lxml.html.tostring(skeleton, encoding="unicode")
    found = extruct.extract(markup, base_url=base, syntaxes=["microformat"], uniform=True, errors="ignore")
    named = _classes_in(skeleton, {"p-name", "entry-title"})
    for item in found.get("microformat", []):
        _h_entry({**item, "_explicit_name": named}, facts)


def _skeleton(entry: Any) -> Any:
    """A copy of the entry's element with only its own name and date elements (not those of an
    item inside it: a quoted post's h-cite, an author's h-card)."""
    skeleton = lxml.html.Element(entry.tag, {"class": entry.get("class", "")})
    for element in entry.iterdescendants():
        classes = set(element.get("class", "").split()) if isinstance(element.tag, str) else set()
        if classes & _ENTRY_PROPERTIES and not _inside_an_item(element, entry):
            kept = copy.deepcopy(element)
            kept.tail = None
            skeleton.append(kept)
    return skeleton


def _inside_an_item(element: Any, entry: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not entry:
        if any(c.startswith(_ITEM_ROOTS) for c in parent.get("class", "").split()):
            return True
        parent = parent.getparent()
    return False


def _classes_in(element: Any, wanted: set[str]) -> bool:
    return any(set(e.get("class", "").split()) & wanted for e in element.iter() if isinstance(e.tag, str))


def _h_entry(item: dict[str, Any], facts: PageFacts) -> None:
    """A microformats h-entry (a WordPress theme's "hentry"): its name and dates. Its author h-card
    and categories are not read: themes fill them with screen-reader words and URL slugs."""
    if "h-entry" not in (item.get("@type") or []):
        return
    if item.get("_explicit_name"):
        facts.put("title", _text(item.get("name")), "microformats h-entry name")
    facts.put("published", _text(item.get("published")), "microformats h-entry published")
    facts.put("modified", _text(item.get("updated")), "microformats h-entry updated")


def _open_graph(tree: Any, facts: PageFacts) -> None:
    found = extruct.extract(tree, syntaxes=["opengraph"], uniform=False, errors="ignore")
    tags: list[str] = []
    for block in found.get("opengraph", []):
        for key, value in block.get("properties", []):
            key = str(key).lower()
            if _META.get(key) == "tags":
                tags.extend(v for v in _labels(value) if v not in tags)
            else:
                _meta(key, str(value), f'<meta property="{key}">', facts)
    facts.put("tags", tags, '<meta property="article:tag">')


def _meta(key: str, content: str, where: str, facts: PageFacts) -> None:
    target = _META.get(key)
    content = " ".join(content.split())
    if target == "tags":
        facts.put("tags", _labels(content), where)
    elif target == "author" and _URL.match(content):
        return  # article:author is often the author's page: not a name
    elif target:
        facts.put(target, content, where)
    elif key == "tdm-reservation":
        reserved = "reserved" if content == "1" else "not reserved" if content == "0" else f"{content!r}"
        facts.declared.append(f"TDM-Rep: text-and-data-mining rights {reserved} ({where})")
    elif key == "tdm-policy" and content:
        facts.declared.append(f"TDM-Rep: mining policy at {content} ({where})")


def _links(tree: Any, base: str | None, facts: PageFacts) -> None:
    licence_links = "//a[@href][contains(translate(@rel, 'LICENSE', 'license'), 'license')]"
    for element in tree.xpath(f"//link[@rel][@href] | {licence_links}"):
        rel = set(element.get("rel", "").lower().split())
        href = element.get("href", "").strip()
        if base and href and not _URL.match(href):
            href = lxml.html.urljoin(base, href) if not href.startswith("#") else href
        tag = element.tag
        if tag == "link" and "canonical" in rel:
            facts.put("canonical", href, '<link rel="canonical">')
        if "license" in rel and href:
            if _in_a_caption(element):
                caption = f'<{tag} rel="license"> in a caption'
                facts.declared.append(f"an image's licence {href} ({caption}): not the article's")
            elif "rsl" in element.get("type", "").lower():
                facts.declared.append(f'RSL: a machine-readable licence at {href} (<{tag} rel="license" type="…rsl…">)')
            else:
                facts.put("license_url", href, f'<{tag} rel="license">')


_CAPTION = re.compile(r"caption|credit|media-license|copyright-image", re.I)


def _in_a_caption(element: Any) -> bool:
    """Whether a licence link is an image's: inside a <figure> or an element of class "...caption"."""
    return any(
        parent.tag in ("figure", "figcaption") or _CAPTION.search(parent.get("class", ""))
        for parent in element.iterancestors()
    )


def _types(value: Any) -> set[str]:
    if isinstance(value, list) and value:
        value = value[0]
    types = value.get("@type") if isinstance(value, dict) else None
    return {t.rsplit("/", 1)[-1] for t in ([types] if isinstance(types, str) else types or []) if isinstance(t, str)}


def _first(values: list[Any]) -> str:
    return str(values[0]).strip() if values else ""


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("url"))
    return _text(value)


def _labels(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"\s*,\s*", value) if isinstance(value, str) else []
    labels: list[str] = []
    for item in items:
        text = _text(item)
        if text and text not in labels:
            labels.append(text)
    return labels


def _people(value: Any) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    for item in value if isinstance(value, list) else [value]:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if not name or _URL.match(name):
            continue
        person = {"name": name}
        url = _text(item.get("url")) if isinstance(item, dict) else None
        if url and _URL.match(url):
            person["url"] = url
        if person not in people:
            people.append(person)
    return people
