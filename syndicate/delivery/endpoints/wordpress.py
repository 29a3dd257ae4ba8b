"""A WordPress endpoint, over the REST API with an Application Password.

- The API is found once per run: `/wp-json/wp/v2/...` where the site serves it,
  else `/?rest_route=/wp/v2/...` (sites with plain permalinks).
- Posts are created with the configured status (publish, draft, pending) and
  the copy's slug, updated in place, and on retraction trashed (or deleted for
  good with `delete = "force"`). An article set back to draft makes its post a
  draft (or trashes it, `unpublish = "trash"`); when it is ready again, the
  same post is published again (a trashed post is restored by the update).
- The article's tags become WordPress tags and its regions categories,
  matched by name or created (a name WordPress keeps escaped, such as
  'Middle East & North Africa', is found by the id its `term_exists` answer
  gives). A term WordPress refuses is left off the post with a warning: a
  correction must reach the partner whatever its tags say.
- Core WordPress has no field for a byline or a link to the original: both are
  in the content's attribution block, with the licence's terms and whom to ask.
- The JSON-LD goes in a Custom HTML block (`<!-- wp:html -->`), so that wpautop
  leaves it whole; WordPress strips the script of a user without the
  unfiltered_html capability (an author, an editor on a multisite), whose post
  would show the JSON as text: seen in the answer, the post is sent again
  without it, as is every later post of the run.
- Every create looks the slug up first and takes over a post that is ours
  (it carries the `<!-- syndicate-copy: SLUG -->` marker each post gets, or
  the attribution block): a try whose answer never came back, a crash, or a
  lost ledger never makes a second post, and a post of the site's own with
  the same slug is never overwritten.
- Titles and excerpts are sent as text, escaped: WordPress treats them as
  HTML, and does not filter them for users who may post unfiltered HTML.
- The user name and password come from the environment variables the endpoint
  names; a 401/403 names those variables, never their values, and the password
  is kept out of every message even when the server echoes it.
- Answers are checked for shape: a post or term without a numeric id is a
  delivery error, never a crash.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import requests.auth

from syndicate.config import Endpoint as EndpointConfig
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.http import (
    StatusError,
    api_json,
    endpoint_timeout,
    json_body,
    make_session,
    printable,
    request,
)
from syndicate.delivery.endpoints.markers import copy_marker, marked_by_another_site, marked_ours
from syndicate.delivery.endpoints.wordpress_settings import WordPressSettings, refuse_insecure
from syndicate.errors import ConfigError, CredentialsError, DeliveryError
from syndicate.render.attribution_block import ATTRIBUTION_CLASS
from syndicate.render.copies import Copy
from syndicate.render.json_ld import SCRIPT_OPEN

#: every status a post can have except trash, for lookups (needs an authenticated user)
_LIVE_STATUSES = "publish,future,draft,pending,private"
#: WordPress keeps at most 200 characters of a term's name (a longer one fails with a database error)
TERM_NAME_LIMIT = 200
_TERM_KIND = {"tags": "tag", "categories": "category"}


class WordPressEndpoint:
    can_find = True

    def __init__(self, config: EndpointConfig, root: Path, environ: Mapping[str, str]) -> None:
        settings = WordPressSettings.of(config.settings)
        self.name = config.name
        self.site = settings.url.rstrip("/")
        #: our [site] url, named in each post's marker (markers.py)
        self.site_url = config.site_url
        self.status = settings.status
        self.force_delete = settings.delete == "force"
        self.unpublish_to_trash = settings.unpublish == "trash"
        self.dated = settings.date == "published"
        user_env, password_env = settings.username_env, settings.password_env
        missing = [name for name in (user_env, password_env) if not environ.get(name)]
        if missing:
            raise ConfigError(
                f"endpoint {self.name!r}: the environment variable{'s' if len(missing) > 1 else ''} "
                f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} not set",
                f"export {user_env}=<WordPress user> and {password_env}=<an Application Password of that user>",
            )
        refuse_insecure(self.name, self.site, settings.allow_insecure)
        self.credentials_hint = (
            f"check {user_env} and {password_env}: an Application Password (Users > Profile) of a user "
            "who may publish posts"
        )
        self.timeout = endpoint_timeout(config.timeout)
        self.session = make_session(self.site)
        user, password = environ[user_env], environ[password_env]
        # as UTF-8, which WordPress checks (requests would send Latin-1, and fail on a character beyond it)
        user_bytes, password_bytes = (value.encode("utf-8", "surrogateescape") for value in (user, password))
        self.session.auth = requests.auth.HTTPBasicAuth(user_bytes, password_bytes)
        basic = base64.b64encode(user_bytes + b":" + password_bytes).decode("ascii")
        #: kept out of every message and record, whatever the server answers (in any form: see syndicate/redact.py);
        #: WordPress also takes an Application Password without its spaces
        self.secrets = (password, "".join(password.split()), basic)
        self._api: str | None = None
        self._terms: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        #: whether posts carry the JSON-LD script (until WordPress is seen to strip it)
        self._scripts = True

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
            response = request(self.session, "GET", pretty + "/", self.name, secrets=self.secrets, timeout=self.timeout)
            index = json_body(response)
            if response.status_code == 200 and isinstance(index, dict) and "namespaces" in index:
                return pretty
        except (DeliveryError, ValueError):
            pass  # the fallback below says what is wrong, if it is wrong too
        return f"{self.site}/?rest_route="

    def _call(self, method: str, route: str, **kwargs: Any) -> Any:
        response = request(
            self.session,
            method,
            self._route(route),
            self.name,
            credentials_hint=self.credentials_hint,
            secrets=self.secrets,
            timeout=self.timeout,
            **kwargs,
        )
        hint = "is the url a WordPress site with the REST API enabled?"
        return api_json(response, self.name, f"{method} {route}", hint, self.secrets)

    # -- the endpoint interface ----------------------------------------------------------

    def create(self, copy: Copy, key: str) -> Remote:
        # a post of ours may be there already: a try whose answer never came back, a ledger lost
        found = self.find(copy.slug, key)
        if found is not None:
            return self.update(found, copy, key)
        payload, warnings = self._payload(copy)
        return self._remote(self._sent("/wp/v2/posts", payload, copy), warnings)

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote:
        payload, warnings = self._payload(copy)
        try:
            return self._remote(self._sent(f"/wp/v2/posts/{_post_id(remote)}", payload, copy), warnings)
        except StatusError as e:
            if e.status in (404, 410):  # deleted at the site: deliver it again
                return self.create(copy, key)
            raise

    def delete(self, remote: Remote, slug: str, key: str) -> None:
        params = {"force": "true"} if self.force_delete else {}
        try:
            self._call("DELETE", f"/wp/v2/posts/{_post_id(remote)}", params=params)
        except StatusError as e:
            if e.status in (404, 410):  # already gone
                return
            raise

    def unpublish(self, remote: Remote, slug: str, key: str) -> None:
        """Back to draft: the post becomes a WordPress draft (or goes to the trash, `unpublish = "trash"`)."""
        if self.unpublish_to_trash:
            self.delete(remote, slug, key)
            return
        try:
            self._call("POST", f"/wp/v2/posts/{_post_id(remote)}", json={"status": "draft"})
        except StatusError as e:
            if e.status in (404, 410):  # already gone
                return
            raise

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote:
        """The post taken down (trashed or made a draft) is published again, with the same id."""
        return self.update(remote, copy, key)

    def find(self, slug: str, key: str) -> Remote | None:
        """Our post of `slug`, if the site has one: by the slug, else (WordPress gave ours another slug,
        as it does when the site had a post of that slug) by our marker. A post of the site's own
        (it carries neither our marker nor our attribution block) is never taken over, nor another
        newsroom's copy (its marker names another site)."""
        for params in ({"slug": slug}, {"search": f"syndicate-copy: {slug}"}):
            for post in self._posts({**params, "status": _LIVE_STATUSES, "context": "edit"}):
                content = post.get("content")
                raw = content.get("raw") if isinstance(content, dict) else None
                if not isinstance(raw, str):
                    continue
                if marked_by_another_site(raw, self.site_url):
                    continue
                if marked_ours(raw, slug, self.site_url) or (params.get("slug") and ATTRIBUTION_CLASS in raw):
                    return self._remote(post)
        return None

    def _posts(self, params: dict[str, str]) -> list[dict[str, Any]]:
        try:
            found = self._call("GET", "/wp/v2/posts", params=params)
        except StatusError as e:
            if e.code == "rest_invalid_param":  # drafts are hidden from visitors: the password was not taken
                raise CredentialsError(
                    f"{e.message} (WordPress answered as to a visitor: the credentials were not taken)",
                    self.credentials_hint,
                ) from e
            raise
        return [post for post in found if isinstance(post, dict)] if isinstance(found, list) else []

    def close(self) -> None:
        self.session.close()

    # -- content and terms ---------------------------------------------------------------

    def _sent(self, route: str, payload: dict[str, Any], copy: Copy) -> Any:
        """POST the post; when WordPress took the JSON-LD script out (a user without the
        unfiltered_html capability: its JSON would show as text), the post again without it."""
        post = self._call("POST", route, json=payload)
        # (asked of this post's content: another thread may have learnt it meanwhile, after this was sent)
        if SCRIPT_OPEN in payload["content"] and not _kept_script(post):
            self._scripts = False  # (for the rest of the run: the user's rights do not change)
            route = f"/wp/v2/posts/{self._id(post, 'post')}"
            post = self._call("POST", route, json={"content": self._content(copy)})
        return post

    def _content(self, copy: Copy) -> str:
        """The post's content: body, attribution block, JSON-LD and our marker.

        The JSON-LD script goes in a Custom HTML block: a post with a block is shown without
        wpautop, which wrapped the script in a <p> and left an empty line with a <br /> after it
        (the body and block are whole HTML already). A user whose scripts WordPress strips
        gets the post without it."""
        if not self._scripts:
            return copy.html_without_script + copy_marker(copy.slug, self.site_url)
        script = f"<!-- wp:html -->\n{copy.json_ld_script}<!-- /wp:html -->\n"
        return copy.html_without_script + script + copy_marker(copy.slug, self.site_url)

    def _payload(self, copy: Copy) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The post as the REST API takes it, and warnings about terms left off it."""
        warnings: list[str] = []
        payload = {
            "title": html.escape(copy.title, quote=False),
            "slug": copy.slug,
            "status": self.status,
            "content": self._content(copy),
            "excerpt": html.escape(copy.summary, quote=False),
            "tags": self._terms_of("tags", copy.tags, warnings),
            "categories": self._terms_of("categories", copy.regions, warnings),
        }
        date_gmt = _date_gmt(copy.published) if self.dated else None
        if date_gmt is not None:
            payload["date_gmt"] = date_gmt
        return payload, tuple(warnings)

    def _terms_of(self, taxonomy: str, names: Iterable[str], warnings: list[str]) -> list[int]:
        """The ids of the named terms, each once; a term WordPress refuses is left off, never the post."""
        ids: dict[int, None] = {}
        for name in names:
            try:
                ids[self._term(taxonomy, name)] = None
            except DeliveryError as e:
                if e.transient and not (isinstance(e, StatusError) and e.code):
                    raise  # the server is down or slow: the whole delivery is tried again later
                # a refusal (no right to create categories, a name the database will not take):
                # wrong credentials fail the post itself just after
                warnings.append(f"the {_TERM_KIND[taxonomy]} {name!r} was left off: {e.message}")
        return list(ids)

    def _term(self, taxonomy: str, name: str) -> int:
        """The id of the tag or category called `name` (case-insensitive), created when missing.

        WordPress keeps a name HTML-escaped ('&' as '&amp;') and without tags, so a search for
        the name as written may miss a term that exists; creating it then answers `term_exists`
        with the existing term's id.
        """
        name = name[:TERM_NAME_LIMIT]
        cache_key = (taxonomy, name.casefold())
        with self._lock:
            if cache_key in self._terms:
                return self._terms[cache_key]
        found = self._find_term(taxonomy, name)
        if found is not None:
            return self._remember(cache_key, found)
        try:
            created = self._call("POST", f"/wp/v2/{taxonomy}", json={"name": name})
        except StatusError as e:
            if e.code != "term_exists":
                raise
            if e.term_id is not None:
                return self._remember(cache_key, e.term_id)
            return self._term_after_race(taxonomy, name, cache_key)
        return self._remember(cache_key, self._id(created, _TERM_KIND[taxonomy]))

    def _find_term(self, taxonomy: str, name: str) -> int | None:
        found = self._call("GET", f"/wp/v2/{taxonomy}", params={"search": name, "per_page": 100})
        for term in found if isinstance(found, list) else []:
            if isinstance(term, dict) and html.unescape(str(term.get("name", ""))).casefold() == name.casefold():
                return self._id(term, _TERM_KIND[taxonomy])
        return None

    def _term_after_race(self, taxonomy: str, name: str, cache_key: tuple[str, str]) -> int:
        """Another delivery created the term first: look it up again."""
        found = self._find_term(taxonomy, name)
        if found is not None:
            return self._remember(cache_key, found)
        raise DeliveryError(
            f"endpoint {self.name!r}: cannot find or create the {_TERM_KIND[taxonomy]} {name!r}",
            "check the site's tags and categories",
        )

    def _remember(self, cache_key: tuple[str, str], term_id: int) -> int:
        with self._lock:
            self._terms[cache_key] = term_id
        return term_id

    # -- answers ------------------------------------------------------------------------

    def _id(self, item: Any, kind: str) -> int:
        """The numeric id of a post or term as WordPress answered it."""
        value = item.get("id") if isinstance(item, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isascii():
            value = None
        if value is None or not str(value).isdigit() or len(str(value)) > 19:
            raise DeliveryError(
                f"endpoint {self.name!r}: WordPress answered without a {kind} id",
                "is the url a WordPress site?",
                transient=True,
            )
        return int(value)

    def _remote(self, post: Any, warnings: tuple[str, ...] = ()) -> Remote:
        link = post.get("link") if isinstance(post, dict) else None
        return Remote(
            str(self._id(post, "post")), printable(str(link or ""), 2000, self.secrets, withheld=""), warnings
        )


def _date_gmt(published: str) -> str | None:
    """The article's first publication as WordPress's `date_gmt` (UTC, no offset); None for a time
    still to come, which WordPress would take for a schedule (status `future`): the post is live now."""
    when = dt.datetime.fromisoformat(published).astimezone(dt.UTC)
    if when > dt.datetime.now(dt.UTC):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def _kept_script(post: Any) -> bool:
    """Whether the post's stored content kept our JSON-LD script (true when the answer does not say)."""
    content = post.get("content") if isinstance(post, dict) else None
    raw = content.get("raw") if isinstance(content, dict) else None
    return not isinstance(raw, str) or SCRIPT_OPEN in raw


def _post_id(remote: Remote) -> int:
    """The post id the ledger recorded (always numeric: `_remote` checked it)."""
    if not remote.id.isascii() or not remote.id.isdigit():
        raise DeliveryError(
            f"the recorded post id {remote.id!r} is not a WordPress post id", "check the post at the site"
        )
    return int(remote.id)
