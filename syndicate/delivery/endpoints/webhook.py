"""A webhook endpoint: each event POSTed as JSON, signed, with an Idempotency-Key.

Body: {"event": "create" | "update" | "delete", "article": slug, "copy": {...}
(html and metadata, and the endpoint's `canonical` policy when it is not the
default "original"; absent on delete)}. Headers: `Idempotency-Key` (the same
on a retry of the same delivery, so the receiver can drop repeats),
`X-Syndicate-Event`, and `X-Syndicate-Signature: sha256=<hex>`, the
HMAC-SHA256 of the body with the secret from the environment variable named
by `secret_env`. Any 2xx is success; a JSON answer may give "id" and "url".

Plain http to any host is allowed, unlike WordPress (whose password would
travel with every request): the secret never leaves this machine, only the
HMAC of each body does, and it neither reveals the secret nor signs any other
body. What plain http exposes is the copy itself, which is published anyway,
and replays of a signed event, which the receiver drops by its
Idempotency-Key. The secret is never printed, even when a server echoes it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote, secret_from_env
from syndicate.delivery.endpoints.http import endpoint_timeout, json_body, make_session, printable, request
from syndicate.render.copies import Copy


@dataclass(frozen=True)
class WebhookSettings:
    """A webhook endpoint's own keys (schemas/config.schema.json validates them)."""

    url: str
    #: the variable holding the HMAC signing secret (None: unsigned)
    secret_env: str | None = None

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> WebhookSettings:
        secret_env = settings.get("secret_env")
        return cls(url=str(settings["url"]), secret_env=str(secret_env) if secret_env else None)


class WebhookEndpoint:
    can_find = False

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        settings = WebhookSettings.of(config.settings)
        self.name = config.name
        self.url = settings.url
        self.secret: bytes | None = None
        #: kept out of every message and record, whatever the server answers
        self.secrets: tuple[str, ...] = ()
        self.timeout = endpoint_timeout(config.timeout)
        #: the endpoint's canonical policy; sent only when not the default, so default payloads stay as they were
        self.canonical = config.canonical
        secret_env = settings.secret_env
        if secret_env:
            value = secret_from_env(self.name, secret_env, environ, "... (the webhook's signing secret) before pushing")
            self.secret = value.encode("utf-8", "surrogateescape")
            self.secrets = (value,)
        self.session = make_session(self.url)

    def _post(self, event: str, slug: str, key: str, copy: Copy | None) -> Remote:
        payload: dict[str, Any] = {"event": event, "article": slug}
        if copy is not None:
            payload["copy"] = {**copy.metadata(), "html": copy.html, "content_hash": copy.content_hash}
            if self.canonical != "original":
                payload["copy"]["canonical"] = self.canonical
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key, "X-Syndicate-Event": event}
        if self.secret is not None:
            headers["X-Syndicate-Signature"] = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        secrets = self.secrets
        response = request(
            self.session, "POST", self.url, self.name, secrets=secrets, data=body, headers=headers, timeout=self.timeout
        )
        try:
            answer = json_body(response)
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        # the receiver's id and address are stored and printed: short, printable, never the secret
        remote_id = printable(str(answer.get("id") or ""), 200, secrets, withheld="") or slug
        return Remote(remote_id, printable(str(answer.get("url") or ""), 2000, secrets, withheld="") or self.url)

    def create(self, copy: Copy, key: str) -> Remote:
        return self._post("create", copy.slug, key, copy)

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        return self._post("update", copy.slug, key, copy)

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        self._post("delete", slug, key, None)

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        """A receiver has one way to take a copy down: the same `delete` event as a retraction."""
        self.delete(remote, slug, key)

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        """The receiver deleted its copy: a `create` event, as for a new article."""
        return self.create(copy, key)

    def find(self, slug: str, key: str) -> Remote | None:
        """A webhook cannot be asked; the caller resends with the same Idempotency-Key instead."""
        return None

    def close(self) -> None:
        self.session.close()
