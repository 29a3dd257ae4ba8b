"""A WordPress endpoint, over the REST API with an Application Password.

- The API is found once per run: `/wp-json/wp/v2/...` where the site serves it,
  else `/?rest_route=/wp/v2/...` (sites with plain permalinks).
- Posts are created with the configured status (publish, draft, pending) and
  the copy's slug, updated in place, and on retraction trashed (or deleted for
  good with `delete = "force"`).
- The article's tags become WordPress tags and its regions categories,
  matched by name or created.
- Core WordPress has no field for a byline or a link to the original: both are
  in the content's attribution block.
- After a crash, a copy is looked up by its slug before it is created again.
- The user name and password come from the environment variables the endpoint
  names; a 401/403 names those variables, never their values.
"""

from __future__ import annotations

import html
import ipaddress
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from syndicate.config import Endpoint as EndpointConfig
from syndicate.copies import Copy
from syndicate.endpoints import Remote
from syndicate.endpoints.http import make_session, request
from syndicate.errors import ConfigError, DeliveryError

#: every status a post can have except trash, for lookups (needs an authenticated user)
_LIVE_STATUSES = "publish,future,draft,pending,private"


class WordPressEndpoint:
    def __init__(self, config: EndpointConfig, environ: Mapping[str, str]) -> None:
        settings = config.settings
        self.name = config.name
        self.site = str(settings["url"]).rstrip("/")
        self.status = str(settings.get("status", "publish"))
        self.force_delete = settings.get("delete", "trash") == "force"
        user_env, password_env = str(settings["username_env"]), str(settings["password_env"])
        missing = [name for name in (user_env, password_env) if not environ.get(name)]
        if missing:
            raise ConfigError(
                f"endpoint {self.name!r}: the environment variable{'s' if len(missing) > 1 else ''} "
                f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} not set",
                f"export {user_env}=<WordPress user> and {password_env}=<an Application Password of that user>",
            )
        _refuse_insecure(self.name, self.site, bool(settings.get("allow_insecure", False)))
        self.credentials_hint = (
            f"check {user_env} and {password_env}: an Application Password (Users > Profile) of a user "
            "who may publish posts"
        )
        self.session = make_session()
        self.session.auth = (environ[user_env], environ[password_env])
        self._api: str | None = None
        self._terms: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    # -- the REST API ------------------------------------------------------------------

    def _route(self, route: str) -> str:
        """The URL of a REST route, in whichever form this site serves."""
        with self._lock:
            if self._api is None:
                self._api = self._discover()
        return self._api + route

    def _discover(self) -> str:
        pretty = f"{self.site}/wp-json"
        try:
            response = self.session.get(pretty + "/", timeout=(5, 30), allow_redirects=False)
            if response.status_code == 200 and "namespaces" in response.json():
                return pretty
        except (requests.RequestException, ValueError):
            pass  # the fallback below says what is wrong, if it is wrong too
        return f"{self.site}/?rest_route="

    def _call(self, method: str, route: str, **kwargs: Any) -> Any:
        response = request(
            self.session, method, self._route(route), self.name, credentials_hint=self.credentials_hint, **kwargs
        )
        try:
            return response.json()
        except ValueError as e:
            raise DeliveryError(
                f"endpoint {self.name!r}: {method} {route} did not answer JSON",
                "is the url a WordPress site with the REST API enabled?",
                transient=True,
            ) from e

    # -- the endpoint interface ----------------------------------------------------------

    def create(self, copy: Copy, key: str) -> Remote:
        return _remote(self._call("POST", "/wp/v2/posts", json=self._payload(copy)))

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        try:
            return _remote(self._call("POST", f"/wp/v2/posts/{int(remote.id)}", json=self._payload(copy)))
        except DeliveryError as e:
            if "HTTP 404" in e.message or "HTTP 410" in e.message:  # deleted at the site: deliver it again
                return self.create(copy, key)
            raise

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        params = {"force": "true"} if self.force_delete else {}
        try:
            self._call("DELETE", f"/wp/v2/posts/{int(remote.id)}", params=params)
        except DeliveryError as e:
            if "HTTP 404" in e.message or "HTTP 410" in e.message:  # already gone
                return
            raise

    def find(self, slug: str, key: str) -> Remote | None:
        found = self._call("GET", "/wp/v2/posts", params={"slug": slug, "status": _LIVE_STATUSES, "context": "edit"})
        return _remote(found[0]) if isinstance(found, list) and found else None

    def close(self) -> None:
        self.session.close()

    # -- content and terms ---------------------------------------------------------------

    def _payload(self, copy: Copy) -> dict[str, Any]:
        return {
            "title": copy.title,
            "slug": copy.slug,
            "status": self.status,
            "content": copy.html,
            "excerpt": copy.summary,
            "tags": [self._term("tags", name) for name in copy.tags],
            "categories": [self._term("categories", name) for name in copy.regions],
        }

    def _term(self, taxonomy: str, name: str) -> int:
        """The id of the tag or category called `name` (case-insensitive), created when missing."""
        cache_key = (taxonomy, name.casefold())
        with self._lock:
            if cache_key in self._terms:
                return self._terms[cache_key]
        found = self._call("GET", f"/wp/v2/{taxonomy}", params={"search": name, "per_page": 100})
        for term in found if isinstance(found, list) else []:
            if html.unescape(str(term.get("name", ""))).casefold() == name.casefold():
                return self._remember(cache_key, int(term["id"]))
        try:
            created = self._call("POST", f"/wp/v2/{taxonomy}", json={"name": name})
        except DeliveryError as e:
            if "term_exists" not in e.message:
                raise
            return self._term_after_race(taxonomy, name, cache_key)
        return self._remember(cache_key, int(created["id"]))

    def _term_after_race(self, taxonomy: str, name: str, cache_key: tuple[str, str]) -> int:
        """Another delivery created the term first: look it up again."""
        found = self._call("GET", f"/wp/v2/{taxonomy}", params={"search": name, "per_page": 100})
        for term in found if isinstance(found, list) else []:
            if html.unescape(str(term.get("name", ""))).casefold() == name.casefold():
                return self._remember(cache_key, int(term["id"]))
        raise DeliveryError(f"endpoint {self.name!r}: cannot find or create the {taxonomy[:-1]} {name!r}")

    def _remember(self, cache_key: tuple[str, str], term_id: int) -> int:
        with self._lock:
            self._terms[cache_key] = term_id
        return term_id


def _remote(post: Any) -> Remote:
    if not isinstance(post, dict) or "id" not in post:
        raise DeliveryError("WordPress answered without a post id", "is the url a WordPress site?", transient=True)
    return Remote(str(post["id"]), str(post.get("link", "")))


def _refuse_insecure(name: str, url: str, allowed: bool) -> None:
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
