"""The copy of an article that endpoints receive, and the hash that tells when it changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from syndicate.articles.article import Article
from syndicate.checks import attribution
from syndicate.licences.profiles import LicenseProfile
from syndicate.render.html_copy import render_copy


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
    json_ld: dict[str, Any]
    #: changes when the content or any metadata an endpoint shows changes
    content_hash: str
    #: the article's Markdown body and front matter, for endpoints that keep Markdown
    body: str
    front_matter: dict[str, Any]

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
            "license": {"id": self.license_id, "name": self.license_name, "url": self.license_url},
        }


def make_copy(article: Article, profile: LicenseProfile) -> Copy:
    rendered = render_copy(article.front_matter, article.body, profile, article.front_matter_digest)
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
        "license_url": profile.url,
        "json_ld": rendered.json_ld,
        "body": article.body,
        "front_matter": dict(article.front_matter),
    }
    hashed = {k: v for k, v in fields.items() if k not in ("json_ld", "front_matter", "body", "html_without_script")}
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Copy(**fields, content_hash="sha256:" + digest)
