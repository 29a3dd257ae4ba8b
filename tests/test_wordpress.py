"""The wordpress endpoint against a real WordPress on 127.0.0.1 (scripts/wordpress-test-server.sh).

Outside CI these tests skip, saying why, when no test WordPress runs; in CI they fail.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from tests.seed import SEED, SEED_CONTACT, SEED_TERMS, make_seed_ready
from tests.servers import demo_with_endpoint, server_details

ENV_FILE = Path(os.environ.get("WP_TEST_ENV_FILE", "/tmp/syndicate-wp.env"))


WP = server_details(ENV_FILE, "WP_TEST_URL", "/?rest_route=/", "wordpress-test-server.sh")

HARBOUR = "harbour-library-digitises-shipping-registers"
ALDER = "alder-valley-water-board-approves-tiered-rates"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The demo with a WordPress endpoint, its slugs made unique to this test run."""
    root, prefix = demo_with_endpoint(
        tmp_path,
        "t",
        '[[endpoints]]\nname = "partner"\ntype = "wordpress"\nchannel = "community-web"\n'
        f'url = "{WP["WP_TEST_URL"]}"\nusername_env = "TEST_WP_USER"\npassword_env = "TEST_WP_PASSWORD"\n',
    )
    monkeypatch.setenv("TEST_WP_USER", WP["WP_TEST_USER"])
    monkeypatch.setenv("TEST_WP_PASSWORD", WP["WP_TEST_APP_PASSWORD"])
    return root, prefix


def posts(slug: str, status: str = "publish,draft,pending,private,future,trash") -> list[dict[str, Any]]:
    response = requests.get(
        WP["WP_TEST_URL"] + "/",
        params={"rest_route": "/wp/v2/posts", "slug": slug, "status": status, "context": "edit"},
        auth=(WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"]),
        timeout=10,
    )
    response.raise_for_status()
    result: list[dict[str, Any]] = response.json()
    return result


def test_push_twice_edit_retract(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    first = run_cli("--config", config, "push", "--endpoint", "partner")
    assert first.status == 0, first.err
    assert first.out.count("created") == 3
    for slug in (HARBOUR, ALDER, "eastbrook-council-election-turnout-by-ward"):
        found = posts(prefix + slug)
        assert len(found) == 1, slug
        assert found[0]["status"] == "publish"
    harbour = posts(prefix + HARBOUR)[0]
    assert "syndicate-attribution" in harbour["content"]["raw"]
    assert "Coastal Community Wire" in harbour["content"]["raw"]  # the link to the original
    assert "Owen Farraday" in harbour["content"]["raw"]  # the byline
    assert len(harbour["tags"]) == 4 and len(harbour["categories"]) == 2
    assert run_cli("--config", config, "push", "--endpoint", "partner").out == ""
    assert len(posts(prefix + HARBOUR)) == 1

    article = root / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Revised: ', 1))
    assert run_cli("--config", config, "push", "--endpoint", "partner").out.startswith(f"updated {prefix}{ALDER}")
    (after,) = posts(prefix + ALDER)
    assert after["title"]["raw"].startswith("Revised: ")
    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert run_cli("--config", config, "push").status == 0
    assert posts(prefix + ALDER, "publish") == []
    trashed = requests.get(
        WP["WP_TEST_URL"] + "/",
        params={"rest_route": f"/wp/v2/posts/{after['id']}", "context": "edit"},
        auth=(WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"]),
        timeout=10,
    ).json()
    assert trashed["status"] == "trash"
    assert not (root / "out" / "archive" / f"{prefix}{ALDER}.html").exists()  # retracted everywhere


def test_tags_and_categories_are_matched_by_name(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    first = posts(prefix + HARBOUR)[0]["tags"]
    other = root / "content" / f"{ALDER}.md"
    other.write_text(other.read_text().replace("  - Water\n", "  - Water\n  - maritime\n"))
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    alder_tags = posts(prefix + ALDER)[0]["tags"]
    assert len(set(first) & set(alder_tags)) == 1  # "maritime" matched the existing "Maritime"


def test_licence_keeps_copies_from_a_print_wordpress(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = root / "syndicate.toml"
    config.write_text(
        config.read_text().replace(
            'name = "partner"\ntype = "wordpress"\nchannel = "community-web"',
            'name = "partner"\ntype = "wordpress"\nchannel = "print"',
        )
    )
    result = run_cli("--config", str(config), "push", "--endpoint", "partner")
    # the eastbrook article names this endpoint itself: an error, reported, and never delivered
    assert result.status == 1
    assert "license-refused endpoint 'partner' is named, but all-rights-reserved does not allow print" in result.err
    assert posts(prefix + "eastbrook-council-election-turnout-by-ward") == []
    assert posts(prefix + HARBOUR) == []  # CC BY-NC-ND: community web only
    assert len(posts(prefix + ALDER)) == 1  # CC BY-ND: any channel


def test_wrong_credentials_fail_clearly_without_showing_the_secret(
    run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = site
    monkeypatch.setenv("TEST_WP_PASSWORD", "wrong-password-value")
    result = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
    assert result.status == 1
    # every create looks its slug up first: WordPress answers a wrong password's GET as a visitor's
    assert "endpoint 'partner'" in result.err and "the credentials were not taken" in result.err
    assert "check TEST_WP_USER and TEST_WP_PASSWORD" in result.err
    assert "wrong-password-value" not in result.err + result.out
    # the endpoint stops after a 401: of three copies, those in flight fail and the rest are not tried
    lines = result.err.splitlines()
    assert len(lines) == 3
    assert sum("not tried:" in line for line in lines) >= 1


def test_interrupted_create_is_found_by_slug(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    run_cli("--config", config, "push", "--endpoint", "partner")
    state = load_config(root / "syndicate.toml").paths.state
    with Ledger(state) as ledger:  # as if the run had died after WordPress created the post
        ledger._db.execute("DELETE FROM deliveries WHERE article = ?", (prefix + ALDER,))
        ledger.begin_attempt(prefix + ALDER, "partner", "create", "k" * 32)
    assert run_cli("--config", config, "push", "--endpoint", "partner").out.startswith(f"created {prefix}{ALDER}")
    assert len(posts(prefix + ALDER)) == 1


def test_missing_credentials_name_the_variables(
    run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = site
    monkeypatch.delenv("TEST_WP_PASSWORD")
    result = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
    assert result.status == 2
    assert "the environment variable TEST_WP_PASSWORD is not set" in result.err


@contextmanager
def without_wp_json(target: str) -> Iterator[list[str]]:
    """A real HTTP proxy on 127.0.0.1 in front of the test WordPress, serving it as a site with
    plain permalinks and no rewrite rule does: /wp-json/ is WordPress's HTML 404 page, and only
    /?rest_route= reaches the REST API. Yields the paths asked for, as they arrive."""
    paths: list[str] = []
    hop_by_hop = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}

    class Handler(BaseHTTPRequestHandler):
        def forward(self) -> None:
            paths.append(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/wp-json"):
                status, headers, content = 404, {"Content-Type": "text/html"}, b"<html>Page not found</html>"
            else:
                sent = {k: v for k, v in self.headers.items() if k.lower() not in hop_by_hop}
                answer = requests.request(
                    self.command, target + self.path, headers=sent, data=body, allow_redirects=False, timeout=30
                )
                status, content = answer.status_code, answer.content
                headers = {k: v for k, v in answer.headers.items() if k.lower() not in hop_by_hop}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths.append(f"http://127.0.0.1:{server.server_address[1]}")  # the proxy's URL, first
    try:
        yield paths
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_without_wp_json_is_reached_by_rest_route(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = root / "syndicate.toml"
    with without_wp_json(WP["WP_TEST_URL"]) as paths:
        proxy = paths.pop(0)
        config.write_text(config.read_text().replace(f'url = "{WP["WP_TEST_URL"]}"', f'url = "{proxy}"'))
        result = run_cli("--config", str(config), "push", "--endpoint", "partner")
        assert result.status == 0, result.err
        assert result.out.count("created") == 3
        article = root / "content" / f"{ALDER}.md"
        article.write_text(article.read_text().replace('title: "', 'title: "Revised: ', 1))
        again = run_cli("--config", str(config), "push", "--endpoint", "partner")
        assert again.out.startswith(f"updated {prefix}{ALDER}"), again.err
    for slug in (HARBOUR, ALDER, "eastbrook-council-election-turnout-by-ward"):
        assert len(posts(prefix + slug)) == 1, slug
    assert posts(prefix + ALDER)[0]["title"]["raw"].startswith("Revised: ")
    # /wp-json/ was asked once a run; everything else went by ?rest_route=
    assert [p for p in paths if p.startswith("/wp-json")] == ["/wp-json/"] * 2
    assert all("rest_route=" in p for p in paths if not p.startswith("/wp-json"))


def post_by_id(post_id: int) -> dict[str, Any]:
    response = requests.get(
        WP["WP_TEST_URL"] + "/",
        params={"rest_route": f"/wp/v2/posts/{post_id}", "context": "edit"},
        auth=(WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"]),
        timeout=10,
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def test_updates_reach_the_post_whatever_its_tags_and_regions_say(run_cli: Any, site: tuple[Path, str]) -> None:
    """Names WordPress keeps escaped or cannot find by search never stop an update (the seed's region
    'Middle East & North Africa' stopped every correction after the first create)."""
    root, prefix = site
    config = str(root / "syndicate.toml")
    token = prefix.strip("-")  # new to this WordPress, so the first push creates every term
    tags = [
        f"Q&A {token}",
        f"AT&T <b>bold</b> {token}",
        f'"Quoted" it\'s {token}',
        f"Économie {token}",
        f"Economie {token}",
        f"économie {token}",
        f"🌊 water {token}",
        f"WATER {token}",
        f"water {token}",
        (token + " long ") * 20,  # 200 characters and more: WordPress keeps at most 200
    ]
    regions = [f"Middle East & North Africa {token}", f"<i>Coast</i> {token}"]
    article = root / "content" / f"{ALDER}.md"
    text = article.read_text()
    head, _, rest = text.partition("tags:\n")
    rest = rest.split("status:", 1)[1]
    listed = "".join(f"  - {json.dumps(name, ensure_ascii=False)}\n" for name in tags)
    places = "".join(f"  - {json.dumps(name, ensure_ascii=False)}\n" for name in regions)
    article.write_text(f"{head}tags:\n{listed}regions:\n{places}status:{rest}")
    assert run_cli("-q", "--config", config, "validate", str(article)).status == 0

    first = run_cli("--config", config, "push", "--endpoint", "partner")
    assert first.status == 0, first.err
    (post,) = posts(prefix + ALDER)
    post_id = post["id"]
    assert len(post["categories"]) == 2
    # the case-only and accent-only variants: WordPress matches names case-insensitively, not accents
    assert len(post["tags"]) == len(set(post["tags"])) >= 7

    for edit in ("First correction", "Second correction"):
        article.write_text(article.read_text().replace('title: "', f'title: "{edit}: ', 1))
        pushed = run_cli("--config", config, "push", "--endpoint", "partner")
        assert pushed.status == 0, pushed.err
        assert pushed.out.startswith(f"updated {prefix}{ALDER}"), pushed.out
        assert "left off" not in pushed.err, pushed.err
        after = post_by_id(post_id)
        assert edit in after["title"]["raw"]
        assert sorted(after["tags"]) == sorted(post["tags"])
        assert sorted(after["categories"]) == sorted(post["categories"])

    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    assert post_by_id(post_id)["status"] == "trash"
    article.write_text(article.read_text().replace("status: retracted", "status: ready"))
    back = run_cli("--config", config, "push", "--endpoint", "partner")
    assert back.status == 0, back.err
    (live,) = posts(prefix + ALDER, "publish")
    assert "Second correction: First correction" in live["title"]["raw"]
    assert sorted(live["categories"]) == sorted(post["categories"])
    assert len(posts(prefix + ALDER)) == 1  # one post, whatever happened to it


def test_a_term_wordpress_refuses_is_left_off_with_a_warning(run_cli: Any, site: tuple[Path, str]) -> None:
    """A name the database will not take (over 200 characters once WordPress escapes its '&')
    leaves that tag off the post, said once; the post itself is delivered."""
    root, prefix = site
    config = str(root / "syndicate.toml")
    refused = "&" * 150 + prefix  # stored as '&amp;' x 150: over 200 characters
    article = root / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace("tags:\n", f"tags:\n  - {json.dumps(refused)}\n", 1))
    pushed = run_cli("--config", config, "push", "--endpoint", "partner")
    assert pushed.status == 0, pushed.err
    assert f"syndicate: warning: create {prefix}{ALDER} -> partner: the tag" in pushed.err
    assert "was left off" in pushed.err
    (post,) = posts(prefix + ALDER)
    assert post["tags"]  # the others are there


def test_draft_again_unpublishes_and_ready_again_republishes_the_same_post(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    article = root / "content" / f"{ALDER}.md"
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    (post,) = posts(prefix + ALDER)

    article.write_text(article.read_text().replace("status: ready", "status: draft"))
    down = run_cli("--config", config, "push", "--endpoint", "partner")
    assert down.status == 0, down.err
    assert post_by_id(post["id"])["status"] == "draft"  # no longer public, kept for the editors
    assert posts(prefix + ALDER, "publish") == []

    article.write_text(article.read_text().replace("status: draft", "status: ready"))
    back = run_cli("--config", config, "push", "--endpoint", "partner")
    assert back.status == 0, back.err
    assert post_by_id(post["id"])["status"] == "publish"
    assert [p["id"] for p in posts(prefix + ALDER)] == [post["id"]]

    # retracted, then ready again: the trashed post comes back, slug and all
    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    assert post_by_id(post["id"])["status"] == "trash"
    article.write_text(article.read_text().replace("status: retracted", "status: ready"))
    assert run_cli("--config", config, "push", "--endpoint", "partner").status == 0
    restored = post_by_id(post["id"])
    assert (restored["status"], restored["slug"]) == ("publish", prefix + ALDER)
    assert [p["id"] for p in posts(prefix + ALDER)] == [post["id"]]


def test_unpublish_trash_sends_a_draft_again_to_the_trash(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + 'unpublish = "trash"\n')
    article = root / "content" / f"{ALDER}.md"
    assert run_cli("--config", str(config), "push", "--endpoint", "partner").status == 0
    (post,) = posts(prefix + ALDER)
    article.write_text(article.read_text().replace("status: ready", "status: draft"))
    assert run_cli("--config", str(config), "push", "--endpoint", "partner").status == 0
    assert post_by_id(post["id"])["status"] == "trash"


def test_control_characters_never_reach_a_wordpress_title(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    article = root / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "\\x00Bell\\a\\e[2J ', 1))
    pushed = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
    assert pushed.status == 0, pushed.err
    (post,) = posts(prefix + ALDER)
    assert post["title"]["raw"].startswith("Bell[2J Alder Valley")


def test_an_emptied_ledger_is_rebuilt_from_wordpress_and_nothing_is_posted_twice(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    assert run_cli("--config", config, "run", "--now", "2030-01-01T00:00:00+00:00").status == 0
    before = {slug: [p["id"] for p in posts(prefix + slug)] for slug in (HARBOUR, ALDER)}
    assert all(len(ids) == 1 for ids in before.values())
    state = load_config(root / "syndicate.toml").paths.state
    state.write_bytes(b"")
    assert run_cli("--config", config, "run", "--now", "2030-01-01T00:10:00+00:00").status == 2  # refused
    rebuilt = run_cli("-v", "--config", config, "reconcile")
    assert rebuilt.status == 0, rebuilt.err
    assert f"found              {prefix}{ALDER} -> partner: " in rebuilt.out
    again = run_cli("-v", "--config", config, "run", "--now", "2030-01-01T00:20:00+00:00")
    assert again.status == 0, again.err
    assert " 0 created," in again.err
    assert {slug: [p["id"] for p in posts(prefix + slug)] for slug in (HARBOUR, ALDER)} == before


def test_a_post_of_the_sites_own_with_the_same_slug_is_never_taken_over(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    theirs = requests.post(
        WP["WP_TEST_URL"] + "/",
        params={"rest_route": "/wp/v2/posts"},
        json={"title": "The partner's own story", "slug": prefix + ALDER, "status": "publish", "content": "Ours."},
        auth=(WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"]),
        timeout=10,
    ).json()
    pushed = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
    assert pushed.status == 0, pushed.err
    kept = post_by_id(theirs["id"])
    assert (kept["title"]["raw"], kept["content"]["raw"]) == ("The partner's own story", "Ours.")
    ours = posts(prefix + ALDER + "-2")
    assert len(ours) == 1 and "syndicate-copy" in ours[0]["content"]["raw"]
    # the whole state folder lost (ledger and receipt): the next push finds its own posts by their
    # marker, and still leaves the partner's alone
    shutil.rmtree(root / ".syndicate")
    again = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
    assert again.status == 0, again.err
    assert [p["id"] for p in posts(prefix + ALDER + "-2")] == [ours[0]["id"]]
    assert posts(prefix + ALDER + "-3") == []
    assert post_by_id(theirs["id"])["content"]["raw"] == "Ours."


def json_ld_scripts(page: str) -> list[Any]:
    return [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)]


def test_the_json_ld_reaches_wordpress_whole(run_cli: Any, site: tuple[Path, str]) -> None:
    """As WordPress shows the post (content.rendered, and the public page): the JSON-LD parses
    back to the copy's own, whatever WordPress's filters do to text (a [shortcode], -- and quotes,
    a smiley), and wpautop wraps it in no <p> (with a <br /> after it: an empty line in the post)."""
    root, prefix = site
    seed = make_seed_ready(root)
    seed.write_text(seed.read_text().replace('title: "Turkey', "title: \"[gallery] -- 'Quoted' :) Turkey", 1))
    pushed = run_cli("--config", str(root / "syndicate.toml"), "push")
    assert pushed.status == 0, pushed.err
    (expected,) = json_ld_scripts((root / "out" / "archive" / f"{prefix}{SEED}.html").read_text())
    assert expected["headline"].startswith("[gallery] -- 'Quoted' :) Turkey")
    (post,) = posts(prefix + SEED)
    rendered = post["content"]["rendered"]
    assert not re.search(r"<p>\s*<script", rendered)
    assert not re.search(r"</script>\s*<br", rendered)
    assert json_ld_scripts(rendered) == [expected]
    assert expected["license"]["text"] == SEED_TERMS
    assert SEED_TERMS.split(".")[0] in rendered and f'href="mailto:{SEED_CONTACT}"' in rendered
    public = requests.get(post["link"], timeout=10)
    public.raise_for_status()
    assert expected in json_ld_scripts(public.text)


@contextmanager
def author_without_unfiltered_html() -> Iterator[tuple[str, str]]:
    """A WordPress author (no unfiltered_html: WordPress strips the scripts of their posts), with an
    Application Password; deleted after, their posts given to the test's administrator."""
    admin = (WP["WP_TEST_USER"], WP["WP_TEST_APP_PASSWORD"])

    def call(method: str, route: str, **kwargs: Any) -> Any:
        params = {"rest_route": route, **kwargs.pop("params", {})}
        response = requests.request(method, WP["WP_TEST_URL"] + "/", params=params, auth=admin, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    name = "syndicate-author-" + secrets.token_hex(4)
    user = call(
        "POST",
        "/wp/v2/users",
        json={
            "username": name,
            "email": f"{name}@example.org",
            "password": secrets.token_urlsafe(24),
            "roles": ["author"],
        },
    )
    try:
        password = call("POST", f"/wp/v2/users/{user['id']}/application-passwords", json={"name": "syndicate tests"})
        yield name, password["password"]
    finally:
        me = call("GET", "/wp/v2/users/me")
        call("DELETE", f"/wp/v2/users/{user['id']}", params={"force": "true", "reassign": str(me["id"])})


def test_an_author_who_may_not_post_scripts_gets_posts_without_json_ld_text(
    run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WordPress strips the script of a user without unfiltered_html and keeps its text: the post
    would show the JSON. It is sent again without it; the attribution block carries the terms."""
    root, prefix = site
    make_seed_ready(root)
    with author_without_unfiltered_html() as (user, password):
        monkeypatch.setenv("TEST_WP_USER", user)
        monkeypatch.setenv("TEST_WP_PASSWORD", password)
        pushed = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
        assert pushed.status == 0, pushed.err
        assert pushed.out.count("created") == 4
        for slug in (SEED, HARBOUR, ALDER, "eastbrook-council-election-turnout-by-ward"):
            (post,) = posts(prefix + slug)
            assert "<script" not in post["content"]["raw"]
            assert "@context" not in post["content"]["rendered"] and "schema.org" not in post["content"]["rendered"]
            assert "syndicate-attribution" in post["content"]["rendered"]
        (seed,) = posts(prefix + SEED)
        assert SEED_TERMS.split(".")[0] in seed["content"]["rendered"]
        assert f'href="mailto:{SEED_CONTACT}"' in seed["content"]["rendered"]
        again = run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "partner")
        assert (again.status, again.out) == (0, "")


def test_posts_are_dated_from_published_and_posts_sent_undated_are_dated_once(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    """A 2017 article's post is dated 2017 (date = "published", the default), not the day it was
    pushed; a post sent without its date (date = "push", or before syndicate sent dates) is
    updated once with it."""
    root, prefix = site
    make_seed_ready(root)
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + 'date = "push"\n')
    undated = run_cli("--config", str(config), "push", "--endpoint", "partner")
    assert undated.status == 0, undated.err
    (first,) = posts(prefix + SEED)
    assert not first["date_gmt"].startswith("2017-")  # WordPress's own date: the day of the push
    config.write_text(config.read_text().removesuffix('date = "push"\n'))
    planned = run_cli("--config", str(config), "plan", "--endpoint", "partner")
    # each post once, to give it its date
    assert [line.split()[0] for line in planned.out.splitlines()] == ["update"] * 4, planned.out
    dated = run_cli("--config", str(config), "push", "--endpoint", "partner")
    assert dated.status == 0, dated.err
    (seed,) = posts(prefix + SEED)
    assert seed["id"] == first["id"] and seed["date_gmt"] == "2017-07-23T00:00:00"
    assert seed["status"] == "publish"
    (harbour,) = posts(prefix + HARBOUR)
    assert harbour["date_gmt"] == "2026-09-24T00:00:00"  # published: a date alone is midnight UTC
    again = run_cli("--config", str(config), "push", "--endpoint", "partner")
    assert (again.status, again.out) == (0, "")  # once
    article = root / "content" / f"{SEED}.md"
    article.write_text(article.read_text().replace("published: 2017-07-23", "published: 2017-07-23T18:30:00+02:00"))
    assert run_cli("--config", str(config), "push", "--endpoint", "partner").status == 0
    assert posts(prefix + SEED)[0]["date_gmt"] == "2017-07-23T16:30:00"  # in UTC


def test_another_newsrooms_copy_of_the_same_slug_is_never_taken_over(run_cli: Any, site: tuple[Path, str]) -> None:
    """Two newsrooms republish the same story to one partner: each finds only its own post."""
    root, prefix = site
    config = root / "syndicate.toml"
    assert run_cli("--config", str(config), "push", "--endpoint", "partner").status == 0
    first = posts(prefix + ALDER)
    assert len(first) == 1 and "site: review.example.org -->" in first[0]["content"]["raw"]
    # the other newsroom: the same articles, another [site] url, no ledger of its own
    config.write_text(config.read_text().replace("https://review.example.org/", "https://other.example.net/", 1))
    shutil.rmtree(root / ".syndicate")
    second = run_cli("--config", str(config), "push", "--endpoint", "partner")
    assert second.status == 0, second.err
    assert second.out.count("created") == 3
    theirs = posts(prefix + ALDER + "-2")
    assert len(theirs) == 1 and "site: other.example.net -->" in theirs[0]["content"]["raw"]
    assert post_by_id(first[0]["id"])["content"]["raw"] == first[0]["content"]["raw"]  # left as it was
