"""The head's fields of an imported article: title, authors, and where it was published.

The site the text was taken from (source), the first publisher when that site
republished it (original), and the dates: each from what the text states,
with a note for what it does not.
"""

from __future__ import annotations

import re
from typing import Any

from syndicate.importer.author_note import author_from_note, author_in_a_run_in_byline, authors_before_the_statement
from syndicate.importer.footer import Footer
from syndicate.importer.header import Header, Publisher
from syndicate.importer.layout_model import Notes, quote
from syndicate.importer.markdown import plain


def read_title(header: Header, fm: dict[str, Any], report: Notes) -> None:
    if header.title is None:
        report.missing.append("title: no heading ('# ...') or title line above a byline")
        return
    fm["title"] = header.title
    report.found.append(f"title: {quote(header.title)}")
    if header.subtitle:
        fm["subtitle"] = header.subtitle
        report.found.append(f"subtitle: {quote(header.subtitle)}")


def read_authors(header: Header, fm: dict[str, Any], report: Notes, text: str = "") -> None:
    report.found.extend(f"not used: {note}" for note in header.unused)
    report.missing.extend(f"authors: {note}" for note in header.notes)
    if not header.authors and (noted := author_from_note(text)):
        fm["authors"] = [{"name": noted[0]}]
        report.found.append(f"authors: {noted[0]} (no byline; from the note about the author: {noted[1]!r})")
        return
    closing = authors_before_the_statement(re.split(r"\n\s*\n", text)) if not header.authors else None
    if closing is not None:
        fm["authors"] = [{"name": name} for name in closing[0]]
        report.found.append(
            f"authors: {'; '.join(closing[0])} (no byline; from the credit before the republication note)"
        )
        return
    if not header.authors and (run_in := author_in_a_run_in_byline(text)):
        fm["authors"] = [{"name": run_in[0]}]
        report.found.append(f"authors: {run_in[0]} (a byline run into its outlet's name, {run_in[1]!r}, cut there)")
        return
    if not header.authors:
        report.missing.append("authors: no byline ('By ...', 'Par ...')")
        return
    fm["authors"] = header.authors
    report.found.append(f"authors: {'; '.join(a['name'] for a in header.authors)}")
    if header.outlet:
        report.found.append(f"byline: names the outlet {header.outlet!r} beside its authors (not taken as an author)")


def read_provenance(header: Header, footer: Footer, fm: dict[str, Any], report: Notes) -> None:
    site = header.publishers[0] if header.publishers else header.source
    if site is not None and header.source is not None and site is not header.source and not site.url:
        site.url = header.source.url if header.source.name in ("", site.name) else None
    source: dict[str, Any] = {}
    if site is not None and site.name:
        source["name"] = site.name
    if site is not None and site.url:
        source["url"] = site.url
    date = site.date if site is not None and site.date else header.published
    if date is not None:
        source["published"] = date.value
        _date_note("source.published", date.note, report)
    if source:
        fm["source"] = source
        report.found.append(f"source: {_describe(source)}")
    if "name" not in source:
        report.missing.append("source.name: the text does not name the site it was taken from")
    if "url" not in source:
        report.missing.append(_url_note("source.url", site))
    original = _original(header, footer, site, report)
    if original is not None:
        fm["original"] = {k: v for k, v in (("name", original.name), ("url", original.url)) if v}
        if original.date is not None:
            fm["original"]["published"] = original.date.value
            _date_note("original.published", original.date.note, report)
        report.found.append(f"original: {_describe(fm['original'])} ({original.said!r})")
        if not original.url:
            report.missing.append(_url_note("original.url", original))
    first = original.date if original is not None else date
    if first is not None:
        fm["published"] = first.value
        by = original.name if original is not None else source.get("name", "the source")
        report.found.append(f"published: {first.value} (the first publication, by {by})")
    elif original is not None:
        report.missing.append(f"published: the text does not date the first publication, by {original.name}")
    else:
        report.missing.append("published: the text states no publication date")
    if header.updated is not None:
        fm["updated"] = header.updated.value
        _date_note("updated", header.updated.note, report)


def _original(header: Header, footer: Footer, site: Publisher | None, report: Notes) -> Publisher | None:
    """The first publisher, when the text says the site republished the article."""
    site_name = site.name.casefold() if site is not None else ""
    named = [s.publisher for s in footer.statements] + header.publishers[1:]
    others = [p for p in named if p.name and p.name.casefold() != site_name]
    firsts = [s.publisher for s in footer.statements if s.first and s.publisher in others]
    if len({p.name.casefold() for p in firsts}) > 1:
        names = ", ".join(sorted({p.name for p in firsts}))
        report.missing.append(f"original: the text names several first publishers ({names}); which one is unclear")
        return None
    stated = [s.publisher for s in footer.statements if s.publisher in others]
    candidates = firsts or stated or others
    if not candidates:
        return None
    candidate = candidates[0]
    same = [p for p in others if p.name.casefold() == candidate.name.casefold()]
    original = Publisher(candidate.name, said=candidate.said)
    original.date = next((p.date for p in same if p.date), None)
    original.url = next((p.url for p in same if p.url), None)
    original.lost_link = any(p.lost_link for p in same)
    chain = [original.name, *dict.fromkeys(p.name for p in others if p not in same)]
    if len(chain) > 1:
        route = " → ".join([*chain, site.name if site is not None and site.name else "(the site)"])
        report.found.append(f"republication chain: {route}")
    return original


def _describe(publication: dict[str, Any]) -> str:
    return ", ".join(str(publication[k]) for k in ("name", "published", "url") if k in publication)


def _url_note(pointer: str, publisher: Publisher | None) -> str:
    if publisher is not None and publisher.lost_link:
        return f"{pointer}: the link was lost in scraping ([{publisher.name}](#))"
    where = f" at {publisher.name}" if publisher is not None and publisher.name else ""
    return f"{pointer}: the text does not give the article's address{where}"


def _date_note(pointer: str, note: str, report: Notes) -> None:
    if note:
        report.missing.append(f"{pointer}: {note}")


def set_outlets_apart(fm: dict[str, Any], footer: Footer, report: Notes) -> None:
    """A byline name that is a publisher the text names ("by Daniel Lidar , The Conversation", and
    "republished from The Conversation") is the outlet, not an author, beside the people it names."""
    outlets = {s.publisher.name.casefold() for s in footer.statements}
    outlets |= {str(fm.get(key, {}).get("name", "")).casefold() for key in ("source", "original")}
    authors = fm.get("authors", [])
    named = [a for a in authors if a["name"].casefold() in outlets]
    if not named or len(named) == len(authors):
        return  # a byline naming only the outlet: the organisation is the author
    fm["authors"] = [a for a in authors if a not in named]
    for author in named:
        report.found.append(f"byline: names the outlet {author['name']!r}, a publisher the text names: not an author")
    report.found[:] = [n for n in report.found if not n.startswith("authors:")]
    report.found.append(f"authors: {'; '.join(a['name'] for a in fm['authors'])}")


def drop_own_site_as_original(fm: dict[str, Any], report: Notes) -> None:
    """A note for feed scrapers on the site's own page ("Dieser Beitrag erschien zuerst im Blog
    DoSchu.Com" on doschu.com) names the page's own site: no republication, no original."""
    original, source = fm.get("original", {}), fm.get("source", {})
    named = re.sub(r"[\[\]*_]", "", str(original.get("name", ""))).casefold().strip()
    site = str(source.get("name", "")).casefold().strip()
    same_name = bool(site) and (named == site or named.endswith(" " + site))
    home = re.fullmatch(r"https?://[^/?#]+/?", str(original.get("url", "")))  # the site's home page, not a story
    same_home = home is not None and _host(original.get("url")) == _host(source.get("url"))
    if original and (same_name or same_home):
        del fm["original"]
        if "published" not in fm and "published" in source:  # the site's date is the first publication's
            fm["published"] = source.pop("published")
        report.found.append(f"original: {quote(str(original.get('name')))} is the page's own site: not a republication")


def _host(url: Any) -> str:
    match = re.match(r"https?://(?:www\.)?([^/:?#]+)", str(url or ""), re.I)
    return match.group(1).lower() if match else ""


#: a translation project's closing credits ("via: https://...", "作者：[Mike Bursell][a]"), after the text
_VIA_LINE = re.compile(r"^\s*via\s*[:：]\s*<?(?P<url>https?://[^\s>]+)>?\s*$", re.I | re.M)
_AUTHOR_LABEL = re.compile(r"^\s*(?:作者|原作者|Author|Auteur|Autor)\s*[:：]\s*(?P<name>\S.*)$", re.I | re.M)


def read_closing_credits(text: str, fm: dict[str, Any], report: Notes) -> None:
    """The closing credits of a translated or reposted article, when the head gave neither: one
    address on a "via:" line is where the text came from, one name under an author label its author."""
    tail = text[-4000:]
    urls = {m.group("url").rstrip(".,)") for m in _VIA_LINE.finditer(tail)}
    # "[Mike Bursell][a]": a reference-style link's text
    names = {
        plain(re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", m.group("name"))).strip() for m in _AUTHOR_LABEL.finditer(tail)
    }
    if len(urls) == 1 and "url" not in fm.get("source", {}):
        fm.setdefault("source", {})["url"] = next(iter(urls))
        report.found.append(f"source.url: {next(iter(urls))} (the closing 'via:' line)")
    if len(names) == 1 and "authors" not in fm and (name := next(iter(names))) and len(name.split()) <= 4:
        fm["authors"] = [{"name": name}]
        report.found.append(f"authors: {name} (the closing credits' author label)")
        report.missing[:] = [n for n in report.missing if not n.startswith("authors:")]
