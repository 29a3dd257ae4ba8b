"""A Mastodon endpoint: a status per article, over Mastodon's REST API with an access token.

- The status: the headline, "via SOURCE, © YEAR HOLDER · LICENCE", the link
  (the article's address, or the site's page of it with `link`), and with
  `hashtags = true` the article's tags as hashtags; cut to the instance's
  limit, read once per run from GET /api/v2/instance
  (configuration.statuses.max_characters; URLs count as
  characters_reserved_per_url, 23), never cutting the attribution or the link
  (social_text.py). `visibility`, `spoiler_text` (a content warning) and
  `language` come from the config (the content warning counts within the
  limit, as Mastodon counts it).
- Create: POST /api/v1/statuses with an `Idempotency-Key` (the ledger's key,
  the same on a retry and when a crashed delivery is recovered): Mastodon
  answers a repeated key with the status it made the first time, for an hour.
  A recovered create (push asks find() first) also looks through the
  account's latest statuses for one that this application posted and that
  links to the copy's address, and edits it instead of posting again: so a
  crash recovered after the hour makes no second status either, as long as
  the status is among the account's latest RECENT. Mastodon cannot be asked
  by article alone (can_find is false, as for a webhook: `reconcile` records
  such copies as unknown).
- Edit: PUT /api/v1/statuses/:id (the status keeps its id and address;
  Mastodon shows it as edited, and its visibility cannot change). A status
  deleted at the instance is posted again.
- Retraction, and an article set back to draft: DELETE /api/v1/statuses/:id.
  Mastodon cannot hide a status and show it again: a restore posts a new one.
- Rate limits: X-RateLimit-Remaining/Reset are read from every answer; when
  the window is used up, or on 429, the next call waits for the reset (at
  most rate_limits.MAX_WAIT within a run; longer, a later run tries again).
- The token comes from the variable `access_token_env` names; a 401/403
  names the variable, never the token, which is kept out of every message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote, secret_from_env
from syndicate.delivery.endpoints.http import StatusError, endpoint_timeout, make_session, printable
from syndicate.delivery.endpoints.rate_limits import RatePacer, paced_call
from syndicate.delivery.endpoints.social_settings import MastodonSettings, link_of, post_text
from syndicate.delivery.endpoints.social_text import Limit
from syndicate.delivery.endpoints.wordpress_settings import refuse_insecure
from syndicate.errors import DeliveryError
from syndicate.render.copies import Copy

#: Mastodon's own limit, when the instance does not say
DEFAULT_LIMIT = 500
#: what a URL counts for in Mastodon's length rule, when the instance does not say
URL_SIZE = 23
#: how many of the account's latest statuses a recovered create looks through
RECENT = 40
#: a status id: Mastodon's are digits; other servers of the API use letters too
_STATUS_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


class MastodonEndpoint:
    can_find = False

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        settings = MastodonSettings.of(config.settings)
        self.name = config.name
        self.site = settings.url.rstrip("/")
        self.settings = settings
        token_env = settings.access_token_env
        token = secret_from_env(
            self.name, token_env, environ, "<an access token of the account, with the write:statuses scope>"
        )
        refuse_insecure(self.name, self.site, settings.allow_insecure)
        self.credentials_hint = (
            f"check {token_env}: an access token of the account (Preferences > Development > an application "
            "with the write:statuses scope)"
        )
        #: kept out of every message and record, whatever the server answers
        self.secrets = (token,)
        self.timeout = endpoint_timeout(config.timeout)
        self.pacer = RatePacer(self.name)
        self.session = make_session(self.site)
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.hooks["response"].append(self.pacer.observe)
        self._limit: Limit | None = None
        self._lock = threading.Lock()
        #: slugs whose create recovers an interrupted one (push asked find first)
        self._recovering: set[str] = set()
        #: the account's id and the application's name, asked once when a recovery needs them
        self._identity: tuple[str, str] | None = None

    # -- the API ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return paced_call(
            self.pacer,
            self.session,
            method,
            self.site + path,
            credentials_hint=self.credentials_hint,
            secrets=self.secrets,
            timeout=self.timeout,
            **kwargs,
        )

    def limit(self) -> Limit:
        """The instance's limit on a status, asked once per run."""
        with self._lock:
            if self._limit is None:
                self._limit = self._read_limit()
            return self._limit

    def _read_limit(self) -> Limit:
        try:
            instance = self._call("GET", "/api/v2/instance")
        except StatusError as e:
            if e.status != 404:
                raise
            instance = self._call("GET", "/api/v1/instance")  # older servers of the API (Mastodon 3, Pleroma)
        found = _dig(instance, "configuration", "statuses") or {}
        size = found.get("max_characters") if isinstance(found, dict) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            legacy = instance.get("max_toot_chars") if isinstance(instance, dict) else None
            size = legacy if isinstance(legacy, int) and not isinstance(legacy, bool) and legacy > 0 else DEFAULT_LIMIT
        url_size = found.get("characters_reserved_per_url") if isinstance(found, dict) else None
        if not isinstance(url_size, int) or isinstance(url_size, bool) or url_size < 1:
            url_size = URL_SIZE
        return Limit(size, "characters", url_size=url_size)

    # -- the endpoint interface ------------------------------------------------------------

    def create(self, copy: Copy, key: str) -> Remote:
        with self._lock:
            recovering = copy.slug in self._recovering
            self._recovering.discard(copy.slug)
        found = self._posted(copy) if recovering else None
        if found is not None:  # posted by the interrupted try, longer ago than Mastodon keeps its key
            return self.update(found, copy, key)
        status = self._call("POST", "/api/v1/statuses", json=self._status(copy), headers={"Idempotency-Key": key})
        return self._remote(status)

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        payload = self._status(copy)
        payload.pop("visibility")  # an edit cannot change it
        try:
            return self._remote(self._call("PUT", f"/api/v1/statuses/{_status_id(remote)}", json=payload))
        except StatusError as e:
            if e.status in (404, 410):  # deleted at the instance: posted again
                return self.create(copy, key)
            raise

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        try:
            self._call("DELETE", f"/api/v1/statuses/{_status_id(remote)}")
        except StatusError as e:
            if e.status not in (404, 410):  # else already gone
                raise

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        """Mastodon cannot hide a status: back to draft deletes it."""
        self.delete(remote, slug, key)

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        """The status was deleted: a new one (with a new id and address). Its Idempotency-Key is its own:
        the copy's create key, if the copy did not change, still names the deleted status for an hour."""
        return self.create(copy, hashlib.sha256(f"{key}\0restore\0{remote.id}".encode()).hexdigest()[:32])

    def find(self, slug: str, key: str) -> Remote | None:
        """Mastodon cannot be asked by article alone: the create that follows looks for the status
        (by the copy's address, which it knows), and resends the Idempotency-Key."""
        with self._lock:
            self._recovering.add(slug)
        return None

    def _posted(self, copy: Copy) -> Remote | None:
        """A status among the account's latest that this application posted, linking to the copy's address."""
        link = link_of(copy, self.settings.link)
        if not link:
            return None
        account, application = self._whoami()
        params = {"limit": RECENT, "exclude_reblogs": "true"}
        statuses = self._call("GET", f"/api/v1/accounts/{account}/statuses", params=params)
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict):
                continue
            app = status.get("application")
            content = str(status.get("content", ""))
            if isinstance(app, dict) and app.get("name") == application and f'href="{html.escape(link)}"' in content:
                return self._remote(status)
        return None

    def _whoami(self) -> tuple[str, str]:
        """The account's id and the name of the application the token belongs to."""
        if self._identity is None:
            account = self._call("GET", "/api/v1/accounts/verify_credentials")
            application = self._call("GET", "/api/v1/apps/verify_credentials")
            account_id = account.get("id") if isinstance(account, dict) else None
            name = application.get("name") if isinstance(application, dict) else None
            if not isinstance(account_id, str) or not _STATUS_ID.fullmatch(account_id) or not isinstance(name, str):
                raise DeliveryError(
                    f"endpoint {self.name!r}: the instance did not say whose the token is",
                    "is the url a Mastodon instance?",
                    transient=True,
                )
            self._identity = (account_id, name)
        return self._identity

    def close(self) -> None:
        self.session.close()

    # -- statuses ----------------------------------------------------------------------------

    def _status(self, copy: Copy) -> dict[str, Any]:
        settings = self.settings
        limit = self.limit()
        if settings.spoiler_text:  # Mastodon counts the content warning within the limit
            limit = dataclasses.replace(limit, size=limit.size - len(settings.spoiler_text))
        text = post_text(copy, link_of(copy, settings.link), settings.hashtags, limit, "status")
        payload: dict[str, Any] = {"status": text.text, "visibility": settings.visibility}
        if settings.spoiler_text:
            payload["spoiler_text"] = settings.spoiler_text
        if settings.language:
            payload["language"] = settings.language
        return payload

    def _remote(self, status: Any) -> Remote:
        status_id = status.get("id") if isinstance(status, dict) else None
        if isinstance(status_id, int) and not isinstance(status_id, bool):
            status_id = str(status_id)
        if not isinstance(status_id, str) or not _STATUS_ID.fullmatch(status_id):
            raise DeliveryError(
                f"endpoint {self.name!r}: the instance answered without a status id",
                "is the url a Mastodon instance?",
                transient=True,
            )
        url = status.get("url") or status.get("uri") or ""
        return Remote(status_id, printable(str(url), 2000, self.secrets, withheld=""))


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _status_id(remote: Remote) -> str:
    """The status id the ledger recorded (checked when it was recorded)."""
    if not _STATUS_ID.fullmatch(remote.id):
        raise DeliveryError(f"the recorded status id {remote.id!r} is not a Mastodon status id", "check the status")
    return remote.id
