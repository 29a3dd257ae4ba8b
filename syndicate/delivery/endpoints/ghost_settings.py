"""A Ghost endpoint's settings: its own keys in the config, typed, and its Admin API key read from
the environment and checked for shape (`id:secret`, the secret in hex) without ever being shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.delivery.endpoints.base import secret_from_env, typed_settings
from syndicate.errors import ConfigError

#: an Admin API key as Ghost shows it (Settings > Integrations): a 24-character id, ':', a 64-digit hex secret
_KEY = re.compile(r"([0-9a-f]{24}):((?:[0-9a-f]{2}){16,})\Z", re.IGNORECASE)


@dataclass(frozen=True)
class GhostSettings:
    """A Ghost endpoint's own keys (schemas/config.schema.json validates them)."""

    url: str
    #: the environment variable holding the Admin API key of a custom integration (`id:secret`)
    admin_key_env: str
    #: the status of the posts: published, or draft (the partner's editors publish them)
    status: str = "published"
    #: the Admin API key over plain http to another host than this one
    allow_insecure: bool = False

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> GhostSettings:
        return typed_settings(cls, settings)


def admin_key(name: str, variable: str, environ: Mapping[str, str]) -> tuple[str, bytes]:
    """The Admin API key's id and secret (as bytes), from the variable `variable`; a ConfigError
    naming the variable, never its value, when it is missing or not an Admin API key."""
    what = (
        "<the Admin API key of a custom integration: Ghost Admin > Settings > "
        "Integrations > Add custom integration; it looks like 24 hex digits, ':', 64 hex digits>"
    )
    value = secret_from_env(name, variable, environ, what).strip()
    hint = f"export {variable}={what}"
    match = _KEY.match(value)
    if match is None:
        # (a Content API key, 26 hex digits without ':', is the usual mistake)
        raise ConfigError(f"endpoint {name!r}: {variable} does not hold a Ghost Admin API key (id:secret)", hint)
    return match.group(1), bytes.fromhex(match.group(2))
