"""The settings of the social endpoints (Mastodon, Bluesky), typed, and what their posts say from a copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.delivery.endpoints.base import typed_settings
from syndicate.delivery.endpoints.social_text import Limit, SocialText, attribution_line, compose
from syndicate.render.copies import Copy


@dataclass(frozen=True)
class MastodonSettings:
    """A Mastodon endpoint's own keys (schemas/config.schema.json validates them)."""

    #: the instance's address, https://mastodon.example
    url: str
    #: the variable holding the account's access token (scope write:statuses)
    access_token_env: str
    #: public, unlisted, private (followers only) or direct
    visibility: str = "public"
    #: a content warning shown before the post ("": none)
    spoiler_text: str = ""
    #: the posts' language, ISO 639-1 ("": the instance guesses)
    language: str = ""
    #: the article's tags as hashtags at the end of the post
    hashtags: bool = False
    #: the address the post links to, with {slug} (the site's own page of the copy); "": the article's
    #: address (its canonical_url, else the source's url)
    link: str = ""
    #: credentials over plain http to another host than this one
    allow_insecure: bool = False

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> MastodonSettings:
        return typed_settings(cls, settings)


@dataclass(frozen=True)
class BlueskySettings:
    """A Bluesky endpoint's own keys (schemas/config.schema.json validates them)."""

    #: the account's handle (newsroom.bsky.social) or DID
    handle: str
    #: the variable holding an app password of the account (Settings > Privacy and security > App passwords)
    app_password_env: str
    #: the account's PDS, or the entryway that signs it in
    url: str = "https://bsky.social"
    #: the posts' language, a BCP 47 tag ("": none said)
    language: str = ""
    #: the article's tags as hashtags (tag facets) at the end of the post
    hashtags: bool = False
    #: as MastodonSettings.link
    link: str = ""
    #: a link card (app.bsky.embed.external) with the headline and summary under the post
    card: bool = True
    #: credentials over plain http to another host than this one
    allow_insecure: bool = False

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> BlueskySettings:
        return typed_settings(cls, settings)


def payload_revision(settings: Mapping[str, Any]) -> str:
    """What a social endpoint's posts say beyond the copy (the link, hashtags, the content warning, the
    card), for the plan to compare with the ledger: changing one of them edits each post once."""
    said = {key: settings[key] for key in ("link", "hashtags", "spoiler_text", "card") if key in settings}
    return ";".join(f"{key}={value}" for key, value in sorted(said.items()))


def link_of(copy: Copy, template: str) -> str | None:
    """The address a post links to: the template with the copy's slug, else the article's address."""
    if template:
        return template.replace("{slug}", copy.slug)
    url = copy.json_ld.get("url")
    return url if isinstance(url, str) and url else copy.source_url


def post_text(copy: Copy, link: str | None, hashtags: bool, limit: Limit, what: str) -> SocialText:
    """The post of a copy: headline, "via SOURCE, © YEAR HOLDER · LICENCE", the link, maybe hashtags."""
    licence = copy.license_short_name or copy.license_name
    attribution = attribution_line(copy.source_name, copy.copyright, licence)
    return compose(copy.title, attribution, link, copy.tags if hashtags else (), limit, what)
