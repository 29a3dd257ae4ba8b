"""A Bluesky endpoint: a post per article, over the AT Protocol's XRPC with an app password.

- Sign-in: com.atproto.server.createSession with the handle and the app
  password from the variable `app_password_env` names (once per run; again
  when the PDS says the session expired). A 401 names the variable, never the
  password; the password and the session's tokens are kept out of every message.
- The post (app.bsky.feed.post): the headline, "via SOURCE, © YEAR HOLDER ·
  LICENCE" and the link, cut to 300 graphemes (and 3000 bytes) without ever
  cutting the attribution or the link (social_text.py); the link is a link
  facet (byte offsets in UTF-8) and, with `card = true`, an
  app.bsky.embed.external card with the headline and summary; `hashtags =
  true` adds the tags as tag facets; `language` is the post's `langs`.
- The record key is derived from the endpoint's name and the article's slug
  (a TID-shaped key, the same on every run): a create first asks for the
  record at that key (com.atproto.repo.getRecord), so a create whose answer
  was lost, a crash before the ledger write, or a lost ledger never makes a
  second post, and `reconcile` can find every post.
- Update: the record is deleted and created again at the same key, in one
  commit (com.atproto.repo.applyWrites). Bluesky's app shows no edits: readers
  see the post with its new text at the same address, dated as first posted;
  likes, reposts and replies made before stay attached to the version they
  were made on (the app may show them as of a deleted post).
- Retraction, and an article set back to draft: com.atproto.repo.deleteRecord;
  a restore posts it again at the same key.
- RateLimit-* headers are respected as Mastodon's are (rate_limits.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote, secret_from_env
from syndicate.delivery.endpoints.http import StatusError, endpoint_timeout, make_session, printable
from syndicate.delivery.endpoints.rate_limits import RatePacer, paced_call
from syndicate.delivery.endpoints.social_settings import BlueskySettings, link_of, post_text
from syndicate.delivery.endpoints.social_text import Limit, SocialText
from syndicate.delivery.endpoints.wordpress_settings import refuse_insecure
from syndicate.errors import DeliveryError
from syndicate.render.copies import Copy

COLLECTION = "app.bsky.feed.post"
#: Bluesky's limit on a post's text (app.bsky.feed.post: maxGraphemes 300, maxLength 3000 bytes)
LIMIT = Limit(300, "graphemes", max_bytes=3000, short_links=True)
#: what the app shows of a card's description
CARD_DESCRIPTION = 1000
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
#: record keys' times fall in the ten years from 2023 (a TID is microseconds since 1970 and a 10-bit clock id)
_TID_BASE = 1_672_531_200_000_000
_TID_SPAN = 10 * 365 * 24 * 3600 * 1_000_000
_AT_URI = re.compile(r"at://did:[a-z]+:[A-Za-z0-9._:%-]+/app\.bsky\.feed\.post/[2-7a-z]{13}")


def record_key(site_url: str, endpoint: str, slug: str) -> str:
    """The post's record key: TID-shaped (13 characters of base32-sortable), from the site, the endpoint
    and the slug (two newsrooms posting one story to a shared account get two keys)."""
    digest = int.from_bytes(hashlib.sha256(f"{site_url}\0{endpoint}\0{slug}".encode()).digest()[:8], "big")
    value = (_TID_BASE + digest % _TID_SPAN) << 10 | (digest >> 54)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


class BlueskyEndpoint:
    can_find = True

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        settings = BlueskySettings.of(config.settings)
        self.name = config.name
        #: our [site] url, part of each record key
        self.site_url = config.site_url
        self.settings = settings
        self.service = settings.url.rstrip("/")
        password_env = settings.app_password_env
        password = secret_from_env(self.name, password_env, environ, f"<an app password of {settings.handle}>")
        refuse_insecure(self.name, self.service, settings.allow_insecure)
        self.password = password
        self.credentials_hint = (
            f"check the handle {settings.handle!r} and {password_env}: an app password of that account "
            "(Settings > Privacy and security > App passwords)"
        )
        #: kept out of every message and record: the password, and the session's tokens once signed in
        self.secrets: tuple[str, ...] = (password,)
        self.timeout = endpoint_timeout(config.timeout)
        self.pacer = RatePacer(self.name)
        self.session = make_session(self.service)
        self.session.hooks["response"].append(self.pacer.observe)
        self._did: str | None = None
        self._lock = threading.Lock()

    # -- XRPC ------------------------------------------------------------------------------

    def _xrpc(self, method: str, nsid: str, **kwargs: Any) -> Any:
        did = self._signed_in()
        try:
            return self._send(method, nsid, **kwargs)
        except StatusError as e:
            if e.status != 400 or "expired" not in e.message.lower():
                raise
        with self._lock:
            if self._did == did:
                self._did = None  # the session expired: sign in again, once
        self._signed_in()
        return self._send(method, nsid, **kwargs)

    def _send(self, method: str, nsid: str, **kwargs: Any) -> Any:
        return paced_call(
            self.pacer,
            self.session,
            method,
            f"{self.service}/xrpc/{nsid}",
            credentials_hint=self.credentials_hint,
            secrets=self.secrets,
            timeout=self.timeout,
            **kwargs,
        )

    def _signed_in(self) -> str:
        """The account's DID, signing in first when this run has not."""
        with self._lock:
            if self._did is None:
                self.session.headers.pop("Authorization", None)
                identity = {"identifier": self.settings.handle, "password": self.password}
                answer = self._send("POST", "com.atproto.server.createSession", json=identity)
                did, token = (answer.get(k) if isinstance(answer, dict) else None for k in ("did", "accessJwt"))
                if not isinstance(did, str) or not did.startswith("did:") or not isinstance(token, str):
                    raise DeliveryError(
                        f"endpoint {self.name!r}: createSession answered without a session",
                        "is the url the account's PDS (or bsky.social)?",
                        transient=True,
                    )
                refresh = answer.get("refreshJwt")
                self.secrets = (self.password, token) + ((refresh,) if isinstance(refresh, str) else ())
                self.session.headers["Authorization"] = f"Bearer {token}"
                self._did = did
            return self._did

    # -- the endpoint interface ------------------------------------------------------------

    def create(self, copy: Copy, key: str) -> Remote:
        found = self._record(copy.slug)
        if found is not None:  # posted by a try whose answer was lost, or before a crash or a lost ledger
            return self._replace(copy, found[1])
        did, rkey = self._signed_in(), record_key(self.site_url, self.name, copy.slug)
        record = self._post(copy, _now())
        self._xrpc("POST", "com.atproto.repo.createRecord", json=_at(did, rkey) | {"record": record})
        return self._remote(did, rkey)

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        found = self._record(copy.slug)
        if found is None:  # deleted at the PDS: posted again
            return self.create(copy, key)
        return self._replace(copy, found[1])

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        did = self._signed_in()
        rkey = _rkey_of(remote, self.site_url, self.name, slug)
        self._xrpc("POST", "com.atproto.repo.deleteRecord", json=_at(did, rkey))

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        """Bluesky cannot hide a post: back to draft deletes it."""
        self.delete(remote, slug, key)

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        """The post was deleted: posted again, at the same record key (the same address)."""
        return self.create(copy, key)

    def find(self, slug: str, key: str) -> Remote | None:
        found = self._record(slug)
        return None if found is None else self._remote(self._signed_in(), record_key(self.site_url, self.name, slug))

    def close(self) -> None:
        self.session.close()

    # -- records -----------------------------------------------------------------------------

    def _record(self, slug: str) -> tuple[str, dict[str, Any]] | None:
        """(uri, value) of the post at the article's record key, None when there is none."""
        did, rkey = self._signed_in(), record_key(self.site_url, self.name, slug)
        try:
            answer = self._xrpc("GET", "com.atproto.repo.getRecord", params=_at(did, rkey))
        except StatusError as e:
            if e.status in (400, 404) and ("RecordNotFound" in e.message or "Could not locate record" in e.message):
                return None
            raise
        value = answer.get("value") if isinstance(answer, dict) else None
        return (str(answer.get("uri", "")), value) if isinstance(value, dict) else None

    def _replace(self, copy: Copy, old: dict[str, Any]) -> Remote:
        """The post deleted and created again at its key, in one commit, dated as first posted."""
        did, rkey = self._signed_in(), record_key(self.site_url, self.name, copy.slug)
        created = old.get("createdAt") if isinstance(old.get("createdAt"), str) else _now()
        record = self._post(copy, str(created))
        writes = [
            {"$type": "com.atproto.repo.applyWrites#delete", "collection": COLLECTION, "rkey": rkey},
            {"$type": "com.atproto.repo.applyWrites#create", "collection": COLLECTION, "rkey": rkey, "value": record},
        ]
        self._xrpc("POST", "com.atproto.repo.applyWrites", json={"repo": did, "writes": writes})
        return self._remote(did, rkey)

    def _post(self, copy: Copy, created_at: str) -> dict[str, Any]:
        settings = self.settings
        text = post_text(copy, link_of(copy, settings.link), settings.hashtags, LIMIT, "post")
        record: dict[str, Any] = {"$type": COLLECTION, "text": text.text, "createdAt": created_at}
        facets = _facets(text)
        if facets:
            record["facets"] = facets
        if settings.language:
            record["langs"] = [settings.language]
        if settings.card and text.link:
            card = {"uri": text.link, "title": copy.title, "description": copy.summary[:CARD_DESCRIPTION]}
            record["embed"] = {"$type": "app.bsky.embed.external", "external": card}
        return record

    def _remote(self, did: str, rkey: str) -> Remote:
        uri = f"at://{did}/{COLLECTION}/{rkey}"
        if not _AT_URI.fullmatch(uri):
            raise DeliveryError(
                f"endpoint {self.name!r}: the PDS gave an account id that is not a DID", "check the handle"
            )
        return Remote(uri, printable(f"https://bsky.app/profile/{did}/post/{rkey}", 2000, self.secrets, withheld=""))


def _facets(text: SocialText) -> list[dict[str, Any]]:
    """The link and the hashtags as richtext facets, at their UTF-8 byte offsets."""
    facets = []
    if text.link and text.link_span:
        start, end = text.link_span.utf8(text.text)
        link = {"$type": "app.bsky.richtext.facet#link", "uri": text.link}
        facets.append({"index": {"byteStart": start, "byteEnd": end}, "features": [link]})
    for name, span in text.hashtags:
        start, end = span.utf8(text.text)
        tag = {"$type": "app.bsky.richtext.facet#tag", "tag": name}
        facets.append({"index": {"byteStart": start, "byteEnd": end}, "features": [tag]})
    return facets


def _at(did: str, rkey: str) -> dict[str, str]:
    return {"repo": did, "collection": COLLECTION, "rkey": rkey}


def _rkey_of(remote: Remote, site_url: str, endpoint: str, slug: str) -> str:
    """The record key the ledger's at:// URI names (the one derived from the slug if it names none)."""
    return remote.id.rsplit("/", 1)[-1] if _AT_URI.fullmatch(remote.id) else record_key(site_url, endpoint, slug)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
