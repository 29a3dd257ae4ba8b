"""Front matter that another tool wrote: web clippers, static-site exports, scrapers.

Obsidian Web Clipper, MarkDownload, Zotero's Markdown exports, Jekyll and Hugo
posts and most scrapers start a file with their own YAML (`---`) or TOML
(`+++`) front matter, each with its own names. A key whose meaning is certain
is mapped to the fact it states (title, authors, the address and name of the
site, dates, tags, summary, rights); the body is then read like any scraped
text, and the text's own statements come first, as a page's markup does. Every
other key (the clip's own date, a layout, a language) is kept, verbatim, for
the editor: never dropped, never guessed into a field. A file in syndicate's own
front matter is not a clipping: it is refused, as an article.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

from syndicate.importer.credits import BYLINE, read_byline, read_notice
from syndicate.importer.metadata import PageFacts

_YAML = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML = re.compile(r"\A\+\+\+[ \t]*\n(?P<head>.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S)
_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.I)
_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?(?P<name>[^\]|]+)\]\]")

#: a key, as normalised by _normal, -> the fact it states (PageFacts' names)
KEYS = {
    **dict.fromkeys(("title", "headline", "web_title", "page_title", "article_title"), "title"),
    **dict.fromkeys(("subtitle", "subheadline", "dek"), "subtitle"),
    **dict.fromkeys(("author", "authors", "author_name", "creator", "creators", "byline"), "authors"),
    **dict.fromkeys(("url", "link", "source_url", "clip_url", "page_url", "web_url"), "url"),
    **dict.fromkeys(
        (
            "publisher",
            "site",
            "site_name",
            "sitename",
            "publication",
            "publication_title",
            "website",
            "source_name",
            "source_site",
            "outlet",
            "journal",
            "newspaper",
        ),
        "site_name",
    ),
    **dict.fromkeys(
        (
            "published",
            "date",
            "date_published",
            "pub_date",
            "pubdate",
            "publish_date",
            "published_at",
            "publication_date",
            "published_date",
        ),
        "published",
    ),
    **dict.fromkeys(("updated", "modified", "lastmod", "date_modified", "last_modified", "updated_at"), "modified"),
    **dict.fromkeys(("tags", "keywords", "categories", "topics"), "tags"),
    **dict.fromkeys(
        ("description", "summary", "excerpt", "abstract", "abstract_note", "lead", "standfirst"), "description"
    ),
    **dict.fromkeys(("license", "licence", "rights", "license_url", "licence_url"), "rights"),
    "copyright": "copyright",
    **dict.fromkeys(
        ("original_publication", "original_publisher", "original_source", "original_site", "originally_published_in"),
        "original_name",
    ),
    **dict.fromkeys(("original_url", "original_link", "originally_published_at"), "original_url"),
}
#: keys only syndicate's own front matter has (with the schema's properties, they tell an article)
_OWN = frozenset({"status", "body_hash", "endpoints", "embargo_until", "regions", "original"})


@dataclass
class Clipping:
    """A file's own front matter: the facts it states, the keys kept as they were, the body after it."""

    body: str
    facts: PageFacts
    kept: dict[str, Any] = field(default_factory=dict)
    #: "YAML" or "TOML"
    syntax: str = "YAML"
    problem: str = ""


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str, str, str]:
    """(the mapping, the body, "YAML"/"TOML", a problem) of a text that starts with front matter;
    (None, text, "", "") when it does not, and (None, text, syntax, why) when it cannot be read."""
    for syntax, pattern in (("YAML", _YAML), ("TOML", _TOML)):
        match = pattern.match(text)
        if match is None:
            continue
        try:
            data = yaml.safe_load(match.group("head")) if syntax == "YAML" else tomllib.loads(match.group("head"))
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as e:  # (ValueError: 2020-02-30 in YAML)
            return None, text, syntax, f"the {syntax} front matter cannot be read ({str(e).splitlines()[0]})"
        except RecursionError:
            return None, text, syntax, f"the {syntax} front matter cannot be read (it is nested too deeply)"
        if not isinstance(data, dict):
            return None, text, syntax, f"the {syntax} front matter is not a mapping of keys"
        return {str(k): v for k, v in data.items()}, text[match.end() :], syntax, ""
    return None, text, "", ""


def is_syndicate_article(data: dict[str, Any], properties: frozenset[str]) -> bool:
    """Whether front matter is syndicate's own: only its keys, and one that no other tool writes
    (status, body_hash, ...) or its nested source/licence/copyright."""
    keys = set(data)
    nested = any(isinstance(data.get(key), dict) for key in ("source", "license", "copyright"))
    return keys <= properties and bool(keys & _OWN or nested)


def read_clipping(text: str) -> Clipping | None:
    """The front matter another tool wrote, read into facts; None when the text starts with none."""
    data, body, syntax, problem = split_front_matter(text)
    if data is None:
        return Clipping(text, PageFacts(), syntax=syntax, problem=problem) if problem else None
    clipping = Clipping(body, PageFacts(), syntax=syntax)
    # the first key to state a fact wins: a post's tags before its categories (the site's sections)
    for key, value in sorted(data.items(), key=lambda item: _SECOND.get(_normal(item[0]), 0)):
        fact = KEYS.get(_normal(key))
        if key.lower() == "source" and isinstance(value, str):
            fact = "url" if _URL.match(value.strip()) else "site_name"
        before = len(clipping.facts.values)
        where = f"key {key!r}"
        if fact is None or not _read(fact, value, where, clipping.facts) or len(clipping.facts.values) == before:
            clipping.kept[key] = value  # another key already stated it, or its value is not of that kind
    return clipping


_SECOND = {"keywords": 1, "categories": 2, "topics": 3}


def _normal(key: str) -> str:
    key = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key.strip())
    return re.sub(r"[\s-]+", "_", key.lower())


def _read(fact: str, value: Any, where: str, facts: PageFacts) -> bool:
    """Record what one key states; False when its value is not of that kind (the key is then kept)."""
    if fact == "authors":
        authors = _authors(value)
        facts.put("authors", authors, where)
        return bool(authors)
    if fact == "tags":
        tags = _labels(value)
        facts.put("tags", tags, where)
        return bool(tags)
    if fact in ("published", "modified"):
        date = _date(value)
        facts.put(fact, date, where)
        return date is not None
    text = _scalar(value)
    if text is None:
        return False
    if fact in ("url", "original_url"):
        if not _URL.match(text):
            return False
        facts.put(fact, text, where)
    elif fact == "rights":
        facts.put("license_url" if _URL.match(text) else "rights", text, where)
    elif fact == "copyright":
        notice = read_notice(text if re.match(r"\s*(?:©|\(c\)|copyright)", text, re.I) else f"© {text}")
        if notice is None or notice.holder is None or notice.site_wide:
            return False
        facts.put("copyright_holder", notice.holder, where)
        if notice.year is not None:
            facts.put("copyright_year", notice.year, where)
    else:
        facts.put(fact, text, where)
    return True


def _scalar(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = _WIKILINK.sub(lambda m: m.group("name"), " ".join(str(value).split()))
    return text or None


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return _scalar(value)


def _authors(value: Any) -> list[dict[str, str]]:
    items = value if isinstance(value, list) else [value]
    authors: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict):  # Zotero's creators: {firstName, lastName, creatorType}
            if str(item.get("creatorType", "author")) != "author":
                continue
            name = _scalar(item.get("name")) or " ".join(
                str(item[k]).strip() for k in ("firstName", "lastName") if item.get(k)
            )
            found = [{"name": name}] if name else []
        elif (text := _scalar(item)) is not None:
            text = byline.group("value") if (byline := BYLINE.match(text)) else text  # "by Austin Fast"
            found = read_byline(text).authors if len(items) == 1 else [{"name": text}]
        else:
            found = []
        for author in found:
            author = {k: v for k, v in author.items() if k in ("name", "url")}
            if author.get("name") and not _URL.match(author["name"]) and author not in authors:
                authors.append(author)
    return authors


def _labels(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"\s*,\s*", value) if isinstance(value, str) else []
    labels: list[str] = []
    for item in items:
        text = _scalar(item)
        if text and text.lstrip("#") and text.lstrip("#") not in labels:
            labels.append(text.lstrip("#"))
    return labels
