"""A WordPress endpoint's settings: its own keys in the config, typed, and the one rule about
them that the schema cannot say (credentials never cross the network in plain http).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from syndicate.delivery.endpoints.base import typed_settings
from syndicate.errors import ConfigError


@dataclass(frozen=True)
class WordPressSettings:
    """A WordPress endpoint's own keys (schemas/config.schema.json validates them)."""

    url: str
    username_env: str
    password_env: str
    #: the status of created posts: publish, draft or pending
    status: str = "publish"
    #: what retraction does: trash, or force (deleted for good)
    delete: str = "trash"
    #: what an article set back to draft does: draft, or trash
    unpublish: str = "draft"
    #: credentials over plain http to another host than this one
    allow_insecure: bool = False
    #: the post's date: the article's `published` ("published"), or the day it is pushed ("push")
    date: str = "published"

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> WordPressSettings:
        return typed_settings(cls, settings)


def payload_revision(settings: Mapping[str, Any]) -> str:
    """What a WordPress endpoint's posts carry beyond the copy, for the plan to compare with the ledger:
    posts dated from `published` are sent again once when they were sent without their date."""
    return "date=published" if WordPressSettings.of(settings).date == "published" else ""


def refuse_insecure(name: str, url: str, allowed: bool) -> None:
    """Credentials over plain http only to this machine, unless the endpoint says allow_insecure."""
    parts = urlsplit(url)
    if parts.scheme != "http" or allowed:
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(
            f"endpoint {name!r}: {url} is plain http, and the password would cross the network unencrypted",
            "use https, or set allow_insecure = true on the endpoint if the network is trusted",
        )
