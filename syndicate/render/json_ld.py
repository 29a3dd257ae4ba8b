"""schema.org JSON-LD for a copy: who wrote it, where it came from, who holds it, on what terms.

A licence with a URL is `license` as that URL; one without (custom terms) is a
CreativeWork naming it, with the terms a copy shows as its `text`. Whom to ask
for more is `acquireLicensePage`: the permission contact (mailto: for an email
address), else the licence's URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from syndicate.licences.profiles import LicenseProfile
from syndicate.render.attribution_block import (
    authors,
    copyright_notice,
    credit_text,
    http_url,
    iso,
    licence_terms,
    section,
    text,
    year,
)

SCRIPT_OPEN, SCRIPT_CLOSE = '<script type="application/ld+json">', "</script>\n"
#: a JSON string token (what json.dumps writes)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def json_ld(front_matter: Mapping[str, Any], profile: LicenseProfile | None) -> dict[str, Any]:
    """schema.org NewsArticle metadata of the article; fields the front matter lacks are left out."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle"}
    source, original = section(front_matter, "source"), section(front_matter, "original")
    copyright_ = section(front_matter, "copyright")
    terms = licence_terms(front_matter, profile)
    licence: Any = terms.url
    if licence is None and (terms.full_name or terms.terms):
        licence = {"@type": "CreativeWork", "name": terms.full_name, "text": terms.terms}
        licence = {key: value for key, value in licence.items() if value is not None}
    candidates: dict[str, Any] = {
        "headline": text(front_matter.get("title")),
        # no @type on authors: the front matter does not say person or organisation
        "author": [{"name": n} | ({"url": u} if u else {}) for n, u in authors(front_matter)] or None,
        "datePublished": iso(front_matter.get("published")),
        "dateModified": iso(front_matter.get("updated")),
        "isBasedOn": http_url(original.get("url")) or http_url(source.get("url")),
        "license": licence,
        "acquireLicensePage": terms.contact_url or terms.url,
        "copyrightHolder": {"name": h} if (h := text(copyright_.get("holder"))) else None,
        "copyrightYear": year(copyright_),
        "copyrightNotice": copyright_notice(front_matter),
        "creditText": credit_text(front_matter),
        "url": http_url(front_matter.get("canonical_url")) or http_url(source.get("url")),
    }
    data.update({key: value for key, value in candidates.items() if value is not None})
    return data


def json_ld_script(data: Mapping[str, Any]) -> str:
    """The <script> element. In strings, "<" is written \\u003c, so that no value can close the
    element or open a comment, and "[" \\u005b, so that WordPress runs no [shortcode] in it."""
    written = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if _holds_bracket(data):  # (rare: each string token rewritten, 40 us a copy when done for every one)
        written = _JSON_STRING.sub(lambda m: m[0].replace("<", "\\u003c").replace("[", "\\u005b"), written)
    elif "<" in written:  # outside its strings JSON text holds no "<": every one is in a string
        written = written.replace("<", "\\u003c")
    return f"{SCRIPT_OPEN}{written}{SCRIPT_CLOSE}"


def _holds_bracket(value: object) -> bool:
    """Whether a string of `value` (a key or a value, at any depth) holds "[": outside strings
    JSON text has "[" too (every array), so only then must the tokens be told apart."""
    if isinstance(value, str):
        return "[" in value
    if isinstance(value, Mapping):
        return any(_holds_bracket(key) or _holds_bracket(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_bracket(item) for item in value)
    return False


def read_script(script: str) -> dict[str, Any]:
    """The data of a script json_ld_script() wrote."""
    data: dict[str, Any] = json.loads(script[len(SCRIPT_OPEN) : -len(SCRIPT_CLOSE)])
    return data
