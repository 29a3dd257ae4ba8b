"""Endpoints: where copies go. Each type is one module behind one interface (base.py), named in
ENDPOINT_TYPES: adding a type is a module, a line here and its fragment of the config schema.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from syndicate.config import Endpoint as EndpointConfig
    from syndicate.delivery.endpoints.base import Endpoint

#: type name (the config's `type`) -> the module and class of the client; imported only when an
#: endpoint of that type is opened (the HTTP types bring requests, which a folder-only run never needs)
ENDPOINT_TYPES: dict[str, tuple[str, str]] = {
    "bluesky": ("syndicate.delivery.endpoints.bluesky", "BlueskyEndpoint"),
    "directory": ("syndicate.delivery.endpoints.directory", "DirectoryEndpoint"),
    "ghost": ("syndicate.delivery.endpoints.ghost", "GhostEndpoint"),
    "mastodon": ("syndicate.delivery.endpoints.mastodon", "MastodonEndpoint"),
    "webhook": ("syndicate.delivery.endpoints.webhook", "WebhookEndpoint"),
    "wordpress": ("syndicate.delivery.endpoints.wordpress", "WordPressEndpoint"),
}

#: the types whose copies are posts about the article (headline, attribution, link), not its text
SOCIAL_TYPES = frozenset({"mastodon", "bluesky"})


def open_endpoint(config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> Endpoint:
    """The endpoint client for one configured endpoint (the config schema admits only known types)."""
    module, name = ENDPOINT_TYPES[config.type]
    client: Endpoint = getattr(importlib.import_module(module), name)(config, root, environ)
    return client


def payload_revision(config: EndpointConfig) -> str:
    """What an endpoint sends beyond the copy that its settings decide ("" when nothing): the plan
    compares the ledger with the copy's hash and this, so that such a change resends each copy once."""
    revisions = [] if config.canonical == "original" else [f"canonical={config.canonical}"]
    if config.type == "wordpress":
        from syndicate.delivery.endpoints.wordpress_settings import payload_revision as wordpress_revision

        revisions.append(wordpress_revision(config.settings))
    elif config.type in SOCIAL_TYPES:
        from syndicate.delivery.endpoints.social_settings import payload_revision as social_revision

        revisions.append(social_revision(config.settings))
    elif config.type == "webhook" and config.canonical != "original":
        # its payload carries the policy since OUTPUT_REVISION 5: copies sent before then are sent again once
        revisions.append("payload=canonical")
    return ";".join(r for r in revisions if r)
