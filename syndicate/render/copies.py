"""The copy of an article that endpoints receive, and the hash that tells when it changed."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from syndicate.articles.article import Article
from syndicate.checks import attribution
from syndicate.config import Site
from syndicate.licences.profiles import LicenseProfile
from syndicate.render.attribution_block import licence_terms, markdown_block
from syndicate.render.html_copy import attribution_for, render_copy


@dataclass(frozen=True)
class Copy:
    slug: str
    title: str
    #: body, attribution block and JSON-LD, sanitised: what an HTML endpoint publishes
    html: str
    #: body and attribution block without the JSON-LD script (for endpoints that strip scripts)
    html_without_script: str
    summary: str
    authors: tuple[str, ...]
    published: str
    updated: str
    tags: tuple[str, ...]
    regions: tuple[str, ...]
    source_name: str
    source_url: str | None
    original_name: str | None
    original_url: str | None
    copyright: str
    license_id: str
    license_name: str
    license_url: str | None
    #: the terms every copy shows (license.terms verbatim, else the profile's words when it has no URL)
    license_terms: str | None
    #: whom to ask for more than the licence allows (license.contact)
    license_contact: str | None
    #: the site's declarations for machines: W3C TDMRep (reservation, policy) and an RSL licence file
    tdm_reservation: bool
    tdm_policy: str | None
    rsl_license: str | None
    json_ld: dict[str, Any]
    #: changes when the content or any metadata an endpoint shows changes
    content_hash: str
    #: the article's Markdown body and front matter, for endpoints that keep Markdown
    body: str
    front_matter: dict[str, Any]
    #: the attribution block as Markdown paragraphs, for the end of a Markdown copy ("" when the body has it all)
    attribution_markdown: str = ""
    #: the licence as attribution names it ("CC BY 4.0"; the profile's name when it has no short form)
    license_short_name: str = ""

    @property
    def json_ld_script(self) -> str:
        """The JSON-LD `<script>` element that ends `html`."""
        return self.html[len(self.html_without_script) :]

    @cached_property
    def body_hash(self) -> str:
        """The body's digest as `body_hash` records it (attribution.body_hash): the ledger keeps it for
        each copy delivered, which pins a no-derivatives body. Taken when a copy is delivered, not when
        every copy is planned."""
        return attribution.body_hash(self.body)

    def metadata(self) -> dict[str, Any]:
        """Everything but the HTML, as JSON values (for webhooks and the Markdown twin)."""
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "authors": list(self.authors),
            "published": self.published,
            "updated": self.updated,
            "tags": list(self.tags),
            "regions": list(self.regions),
            "source": {"name": self.source_name, "url": self.source_url},
            "original": {"name": self.original_name, "url": self.original_url} if self.original_name else None,
            "copyright": self.copyright,
            "license": {
                "id": self.license_id,
                "name": self.license_name,
                "url": self.license_url,
                "terms": self.license_terms,
                "contact": self.license_contact,
            },
        } | self.declarations()

    def declarations(self) -> dict[str, Any]:
        """The site's TDMRep and RSL declarations, as the copy's metadata carries them (only those made)."""
        found: dict[str, Any] = {}
        if self.tdm_reservation:
            found["tdm"] = {"reservation": 1} | ({"policy": self.tdm_policy} if self.tdm_policy else {})
        if self.rsl_license:
            found["rsl_license"] = self.rsl_license
        return found


def head_declarations(copy: Copy) -> str:
    """The `<head>` elements a copy's page carries for machines, a line each: `<link rel="license">`
    (where the licence has a URL), and the site's declarations: W3C TDMRep's meta names, RSL's licence link."""
    head = []
    if copy.license_url:
        head.append(f'<link rel="license" href="{html.escape(copy.license_url)}">\n')
    if copy.tdm_reservation:
        head.append('<meta name="tdm-reservation" content="1">\n')
        if copy.tdm_policy:
            head.append(f'<meta name="tdm-policy" content="{html.escape(copy.tdm_policy)}">\n')
    if copy.rsl_license:
        head.append(f'<link rel="license" type="application/rsl+xml" href="{html.escape(copy.rsl_license)}">\n')
    return "".join(head)


def make_copy(article: Article, profile: LicenseProfile, site: Site | None = None) -> Copy:
    """The copy of `article`; `site` gives the declarations the site makes on every copy (TDMRep, RSL).
    It carries the body: never of an article loaded without it (validate.load_site's `bodies`)."""
    if article.body_key and not article.body:
        raise AssertionError("unreachable: a copy is made of an article loaded with its body")
    rendered = render_copy(article.front_matter, article.body, profile, article.front_matter_digest)
    terms = licence_terms(article.front_matter, profile)
    fields: dict[str, Any] = {
        "slug": article.slug,
        "title": article.title,
        "html": rendered.html,
        "html_without_script": rendered.content_html,
        "summary": article.summary,
        "authors": tuple(a.name for a in article.authors),
        "published": article.published.isoformat(),
        "updated": article.updated.isoformat(),
        "tags": article.tags,
        "regions": article.regions,
        "source_name": article.source.name,
        "source_url": article.source.url,
        "original_name": article.original.name if article.original else None,
        "original_url": article.original.url if article.original else None,
        "copyright": f"© {article.copyright_year} {article.copyright_holder}",
        "license_id": profile.id,
        "license_name": profile.name,
        "license_url": terms.url,
        "license_terms": terms.terms,
        "license_contact": terms.contact,
        "tdm_reservation": bool(site and site.tdm_reservation),
        "tdm_policy": (site.tdm_policy or None) if site and site.tdm_reservation else None,
        "rsl_license": (site.rsl_license or None) if site else None,
        "json_ld": rendered.json_ld,
        "body": article.body,
        "front_matter": dict(article.front_matter),
        "attribution_markdown": markdown_block(attribution_for(article.front_matter, article.body, profile)),
        "license_short_name": profile.short_name,
    }
    # (the Markdown block says what the HTML says: `html` is hashed; the declarations only when
    # made, so that a site that makes none keeps its copies' hashes)
    # (the short name follows from the licence's id and name, which are hashed)
    unhashed = ("json_ld", "front_matter", "body", "html_without_script", "attribution_markdown", "license_short_name")
    declarations = ("tdm_reservation", "tdm_policy", "rsl_license")
    hashed = {k: v for k, v in fields.items() if k not in unhashed and not (k in declarations and not v)}
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Copy(**fields, content_hash="sha256:" + digest)
