"""What a page's markup states, filling what its text left out.

The text comes first: a field it states is never replaced. A field it lacks
is taken from the markup when the markup states it (canonical link, Open
Graph and article meta tags, schema.org JSON-LD, rel="license"); the report
says where each value came from. The address the page was fetched from is
where it was taken from: source.url when nothing names a canonical address.
"""

from __future__ import annotations

from typing import Any

from syndicate.checks.attribution import body_hash
from syndicate.importer.credits import read_byline
from syndicate.importer.dates import parse_date
from syndicate.importer.layout_model import Notes, quote
from syndicate.importer.licensing import find_creative_commons
from syndicate.importer.markdown import is_absolute
from syndicate.importer.metadata import PageFacts


def fill_from_page(
    fm: dict[str, Any],
    body: str,
    facts: PageFacts,
    fetched_from: str | None,
    notes: Notes,
    origin: str = "the page",
) -> None:
    """Fill what the text left out from `facts`: a page's markup, or (`origin`) the file's own
    front matter; each value with where it was stated."""
    values, where = facts.values, facts.where
    notes.missing.extend(f"page: {note}" for note in facts.notes)
    notes.found.extend(f"{origin} declares: {note}" for note in facts.declared)

    def take(pointer: str, value: Any, how: str) -> None:
        parent, _, key = pointer.rpartition(".")
        target = fm.setdefault(parent, {}) if parent else fm
        target[key] = value
        notes.missing[:] = [n for n in notes.missing if not _about(n, pointer)]
        notes.found.append(f"{pointer}: {_shown(value)} (from {origin}: {how})")

    if "title" not in fm and values.get("title"):
        take("title", values["title"], where["title"])
    if "subtitle" not in fm and values.get("subtitle") and values.get("subtitle") != fm.get("title"):
        take("subtitle", values["subtitle"], where["subtitle"])
    if "authors" not in fm:
        authors = values.get("authors") or (read_byline(values["author"]).authors if values.get("author") else [])
        authors = [a for a in authors if not is_absolute(a["name"])]
        if authors:
            take("authors", authors, where.get("authors") or where["author"])
    source = fm.get("source", {})
    if "name" not in source and values.get("site_name"):
        take("source.name", values["site_name"], where["site_name"])
    if "url" not in source:
        for key in ("canonical", "url", "json_ld_url"):
            if is_absolute(str(values.get(key, ""))):
                take("source.url", values[key], where[key])
                break
        else:
            if fetched_from:
                take("source.url", fetched_from, "the address it was fetched from")
    if "original" not in fm and values.get("original_name"):  # a repost's front matter names the first publisher
        take("original.name", values["original_name"], where["original_name"])
        if is_absolute(str(values.get("original_url", ""))):
            take("original.url", values["original_url"], where["original_url"])
    _dates(fm, values, where, take, notes)
    if "copyright" not in fm and values.get("copyright_holder"):
        take("copyright.holder", values["copyright_holder"], where["copyright_holder"])
        if values.get("copyright_year"):
            take("copyright.year", values["copyright_year"], where["copyright_year"])
    if "id" not in fm.get("license", {}) and values.get("license_url"):
        _license(fm, body, str(values["license_url"]), where["license_url"], take, notes)
    elif "license" not in fm and values.get("rights"):
        _rights(fm, body, str(values["rights"]), where["rights"], take, notes)
    if "summary" not in fm and values.get("description"):
        take("summary", values["description"], where["description"])
    if "tags" not in fm and values.get("tags"):
        take("tags", values["tags"], where["tags"])
    if values.get("language"):
        notes.found.append(f"language: {quote(str(values['language']))} ({where['language']}; no field for it)")
    if values.get("based_on"):
        notes.found.append(
            f"based on: {quote(str(values['based_on']))} ({where['based_on']}): the work this one derives from; "
            "if it is the first publication, fill 'original'"
        )


def _dates(fm: dict[str, Any], values: dict[str, Any], where: dict[str, str], take: Any, notes: Notes) -> None:
    if "published" not in fm.get("source", {}) and values.get("published"):
        found = parse_date(str(values["published"]))
        if found is None:
            notes.missing.append(
                f"source.published: {where['published']} is not a date: {quote(str(values['published']))!r}"
            )
        else:
            take("source.published", found.value, where["published"])
            if found.note:
                notes.missing.append(f"source.published: {found.note}")
            if "published" not in fm and "original" not in fm:
                take("published", found.value, where["published"])
    if "updated" not in fm and values.get("modified"):
        found = parse_date(str(values["modified"]))
        if found is not None and found.value != fm.get("published"):
            take("updated", found.value, where["modified"])


def _license(fm: dict[str, Any], body: str, url: str, how: str, take: Any, notes: Notes) -> None:
    stated = find_creative_commons(f"[licence]({url})") if is_absolute(url) else None
    if is_absolute(url) and "url" not in fm.get("license", {}):
        take("license.url", url, how)
    if stated is not None and stated.spdx_id:
        take("license.id", stated.spdx_id, how)
        if stated.no_derivatives and "body_hash" not in fm:
            take("body_hash", body_hash(body), "the licence forbids derivatives: the body as received")
    else:
        notes.missing.append(f"license.id: the page names the licence {quote(url)!r}, which no profile matches")


def _rights(fm: dict[str, Any], body: str, rights: str, how: str, take: Any, notes: Notes) -> None:
    """A rights statement in words ("CC BY-ND 4.0", "All rights reserved"): its id when it names a
    Creative Commons licence with kind and version; the words kept verbatim either way."""
    stated = find_creative_commons(rights)
    take("license.terms", rights, how)
    if stated is not None and stated.spdx_id:
        take("license.id", stated.spdx_id, how)
        if stated.url:
            take("license.url", stated.url, how)
        if stated.no_derivatives and "body_hash" not in fm:
            take("body_hash", body_hash(body), "the licence forbids derivatives: the body as received")
    else:
        notes.missing.append(f"license.id: the rights stated ({quote(rights)!r}) match no profile: no id picked")


def _about(note: str, pointer: str) -> bool:
    """Whether a 'missing' note is about `pointer` (or the whole of its parent, now partly filled)."""
    head = note.split(":", 1)[0]
    return head == pointer or (pointer.startswith(head + ".") and head in ("copyright", "license"))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return quote("; ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value))
    return quote(str(value))
