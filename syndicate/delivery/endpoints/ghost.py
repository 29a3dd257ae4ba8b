"""A Ghost endpoint, over the Admin API with a custom integration's Admin API key.

- Every request carries a fresh token: an HS256 JWT signed with the key's secret (`kid` the key's
  id, audience `/admin/`, valid five minutes), as Ghost's Admin API documentation asks.
- Posts are created with `POST /posts/?source=html` (Ghost turns the HTML into its own editor's
  format) and the configured status, `published` or `draft`; an update re-reads the post for its
  `updated_at` and `PUT`s it with it (Ghost refuses an update based on a stale read with a 409
  UpdateCollisionError: the post is read again and the update tried once more); a retraction
  `DELETE`s the post. An article set back to draft makes its post a draft, and when it is ready
  again the same post is published again.
- The copy (body and attribution block) goes in one HTML card (`<!--kg-card-begin: html-->`), so
  that Ghost keeps it as it is: its conversion to its editor's format drops markup it has no place
  for (a definition list, an <abbr>, the block's class, `rel="license"`), which would alter a
  no-derivatives body. The partner's editors see it as one HTML card.
- `codeinjection_head` carries what the copy tells machines: the JSON-LD script, `<link
  rel="license">`, robots `noindex` (canonical = "noindex"), the site's TDMRep and RSL
  declarations, and our marker `<!-- syndicate-copy: SLUG -->`. `canonical_url` is the original's
  address unless canonical = "copy".
- Ghost's posts have staff users as authors: an article's byline stays in the attribution block,
  and the post's author is whom Ghost gives a post made by an integration (the site's owner).
  The article's tags and then its regions become Ghost tags, matched by name or created by Ghost.
- Every create first looks for a post that carries our marker (the Admin API filters on the code
  injection) and takes it over: a try whose answer never came back, a crash, or a lost ledger
  never makes a second post, whatever the post's slug, and a post of the site's own is never taken.
- The key comes from the variable the endpoint names; a 401/403 names the variable, never the key.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt

from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.ghost_settings import GhostSettings, admin_key
from syndicate.delivery.endpoints.http import StatusError, api_json, endpoint_timeout, make_session, printable, request
from syndicate.delivery.endpoints.markers import copy_marker
from syndicate.delivery.endpoints.wordpress_settings import refuse_insecure
from syndicate.errors import DeliveryError
from syndicate.render.copies import Copy, head_declarations

#: the Admin API version the requests are written for (Ghost answers older clients as that version)
ACCEPT_VERSION = "v5.0"
#: seconds a token is valid (Ghost takes at most five minutes)
TOKEN_SECONDS = 300
#: the longest title, excerpt and tag name Ghost takes (characters): a longer one is cut, with "…"
TITLE_LIMIT = 255
EXCERPT_LIMIT = 300
TAG_NAME_LIMIT = 191
#: Ghost refuses a slug over 191 characters; a slug it makes unique gets "-2" and so on after it
SLUG_LIMIT = 185
_HTML_CARD = ("<!--kg-card-begin: html-->", "<!--kg-card-end: html-->")


class GhostEndpoint:
    can_find = True

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        settings = GhostSettings.of(config.settings)
        self.name = config.name
        self.site = settings.url.rstrip("/")
        #: our [site] url, named in each post's marker (markers.py)
        self.site_url = config.site_url
        self.status = settings.status
        self.canonical = config.canonical
        self._key_id, self._secret = admin_key(self.name, settings.admin_key_env, environ)
        refuse_insecure(self.name, self.site, settings.allow_insecure)
        #: kept out of every message and record, whatever the server answers
        self.secrets = (environ[settings.admin_key_env].strip(), self._secret.hex())
        self.credentials_hint = (
            f"check {settings.admin_key_env}: the Admin API key of a custom integration of this Ghost site "
            "(Settings > Integrations), whole, as id:secret"
        )
        self.timeout = endpoint_timeout(config.timeout)
        self.session = make_session(self.site)
        self.session.headers["Accept-Version"] = ACCEPT_VERSION

    # -- the Admin API -----------------------------------------------------------------

    def _token(self) -> str:
        now = int(time.time())
        payload = {"iat": now, "exp": now + TOKEN_SECONDS, "aud": "/admin/"}
        return jwt.encode(payload, self._secret, algorithm="HS256", headers={"kid": self._key_id, "typ": "JWT"})

    def _call(self, method: str, route: str, **kwargs: Any) -> Any:
        """One Admin API request (`route` after /ghost/api/admin); its JSON answer, None for none (204)."""
        token = self._token()
        secrets = (*self.secrets, token)  # (the token is a credential too, for five minutes)
        response = request(
            self.session,
            method,
            f"{self.site}/ghost/api/admin{route}",
            self.name,
            credentials_hint=self.credentials_hint,
            secrets=secrets,
            timeout=self.timeout,
            headers={"Authorization": f"Ghost {token}"},
            **kwargs,
        )
        if response.status_code == 204 or not response.content:
            return None
        return api_json(response, self.name, f"{method} {route}", "is the url the address of a Ghost site?", secrets)

    def _post(self, answer: Any) -> dict[str, Any]:
        """The post in a `{"posts": [post]}` answer, with an id."""
        posts = answer.get("posts") if isinstance(answer, dict) else None
        post = posts[0] if isinstance(posts, list) and posts else None
        if not isinstance(post, dict) or not _is_id(post.get("id")):
            raise DeliveryError(
                f"endpoint {self.name!r}: Ghost answered without a post", "is the url a Ghost site?", transient=True
            )
        return post

    def _read(self, post_id: str) -> dict[str, Any] | None:
        """The post as Ghost has it now (None: there is no such post)."""
        try:
            return self._post(self._call("GET", f"/posts/{post_id}/"))
        except StatusError as e:
            if e.status == 404:
                return None
            raise

    # -- the endpoint interface ----------------------------------------------------------

    def create(self, copy: Copy, key: str) -> Remote:
        # a post of ours may be there already: a try whose answer never came back, a ledger lost
        found = self.find(copy.slug, key)
        if found is not None:
            return self.update(found, copy, key)
        answer = self._call("POST", "/posts/", params={"source": "html"}, json={"posts": [self._payload(copy)]})
        return self._remote(self._post(answer))

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        post = self._edit(_post_id(remote), self._payload(copy))
        return self.create(copy, key) if post is None else self._remote(post)

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        try:
            self._call("DELETE", f"/posts/{_post_id(remote)}/")
        except StatusError as e:
            if e.status != 404:  # (404: gone already)
                raise

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        """Back to draft: the post becomes a Ghost draft, kept for the partner's editors."""
        self._edit(_post_id(remote), {"status": "draft"})

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        """The post made a draft is published again (with the configured status), the same post."""
        return self.update(remote, copy, key)

    def find(self, slug: str, key: str) -> Remote | None:
        """Our post of `slug`, if the site has one: the post that carries our marker, whatever its slug
        (Ghost gives ours `slug-2` when the site has a post of that slug; an editor may change it).
        (Slugs are letters, digits and hyphens, and site ids plain (markers.py): nothing in either ends
        the filter's quoted string.) Another newsroom's copy of the same slug names its own site."""
        marker = copy_marker(slug, self.site_url).removeprefix("<!-- ").removesuffix(" -->")
        answer = self._call("GET", "/posts/", params={"filter": f"codeinjection_head:~'{marker}'", "limit": "100"})
        posts = answer.get("posts") if isinstance(answer, dict) else None
        for post in posts if isinstance(posts, list) else []:
            head = post.get("codeinjection_head") if isinstance(post, dict) else None
            if isinstance(head, str) and copy_marker(slug, self.site_url) in head and _is_id(post.get("id")):
                return self._remote(post)
        return None

    def close(self) -> None:
        self.session.close()

    # -- posts ---------------------------------------------------------------------------

    def _edit(self, post_id: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """PUT `fields` on the post, based on its `updated_at` as read just before; once more on a 409
        (someone saved the post in between). None: the post is gone."""
        for attempt in (1, 2):
            current = self._read(post_id)
            if current is None:
                return None
            edit = fields | {"updated_at": current.get("updated_at")}
            try:
                answer = self._call("PUT", f"/posts/{post_id}/", params={"source": "html"}, json={"posts": [edit]})
            except StatusError as e:
                if e.status == 404:
                    return None
                if e.status == 409 and attempt == 1:
                    continue
                raise
            return self._post(answer)
        raise AssertionError("unreachable")  # pragma: no cover

    def _payload(self, copy: Copy) -> dict[str, Any]:
        """The post as the Admin API takes it."""
        payload: dict[str, Any] = {
            "title": _cut(copy.title, TITLE_LIMIT),
            "slug": _slug(copy.slug),
            "status": self.status,
            "html": _body(copy.html_without_script),
            "custom_excerpt": _cut(copy.summary, EXCERPT_LIMIT) or None,
            "tags": [{"name": _cut(name, TAG_NAME_LIMIT)} for name in _unique(copy.tags + copy.regions)],
            "canonical_url": copy.source_url if self.canonical != "copy" else None,
            "codeinjection_head": self._head(copy),
        }
        published = _published_at(copy.published)
        if published is not None and self.status == "published":
            payload["published_at"] = published
        return payload

    def _head(self, copy: Copy) -> str:
        """What goes in the post's <head>: the JSON-LD, the licence link, robots and the site's declarations."""
        robots = '<meta name="robots" content="noindex">\n' if self.canonical == "noindex" else ""
        marker = copy_marker(copy.slug, self.site_url)
        return f"{marker}\n{robots}{head_declarations(copy)}{copy.json_ld_script.strip()}\n"

    def _remote(self, post: dict[str, Any]) -> Remote:
        url = post.get("url")
        return Remote(str(post["id"]), printable(str(url or ""), 2000, self.secrets, withheld=""))


def _body(content: str) -> str:
    """The copy's HTML as Ghost takes it: in one HTML card, which Ghost keeps as it is. (Converted to
    its editor's format, the body would lose what the format has no place for: Ghost turns a <dl>
    into a paragraph and drops an <abbr>, the attribution block's class and `rel="license"`.)"""
    return f"{_HTML_CARD[0]}\n{content}{_HTML_CARD[1]}"


def _slug(slug: str) -> str:
    """The post's slug: the article's, cut to SLUG_LIMIT (at a hyphen's place, which it then drops)."""
    return slug if len(slug) <= SLUG_LIMIT else slug[:SLUG_LIMIT].rstrip("-")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unique(names: tuple[str, ...]) -> list[str]:
    """Each name once, whatever its case (Ghost matches tags by name)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _published_at(published: str) -> str | None:
    """The article's first publication, in UTC; None for a time still to come (Ghost would schedule it)."""
    when = dt.datetime.fromisoformat(published).astimezone(dt.UTC)
    if when > dt.datetime.now(dt.UTC):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _is_id(value: Any) -> bool:
    """Whether `value` is a Ghost object id (24 hex digits)."""
    return isinstance(value, str) and len(value) == 24 and all(c in "0123456789abcdef" for c in value)


def _post_id(remote: Remote) -> str:
    """The post id the ledger recorded (`_remote` took it from a post `_is_id` checked)."""
    if not _is_id(remote.id):
        raise DeliveryError(f"the recorded post id {remote.id!r} is not a Ghost post id", "check the post at the site")
    return remote.id
