"""The ghost endpoint against a real Ghost on 127.0.0.1 (scripts/ghost-test-server.sh).

Outside CI these tests skip, saying why, when no test Ghost runs; in CI they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from tests.seed import SEED, SEED_TERMS, make_seed_ready
from tests.servers import demo_with_endpoint, server_details

ENV_FILE = Path(os.environ.get("GHOST_TEST_ENV_FILE", "/tmp/syndicate-ghost.env"))


GHOST = server_details(ENV_FILE, "GHOST_TEST_URL", "/ghost/api/admin/site/", "ghost-test-server.sh")

HARBOUR = "harbour-library-digitises-shipping-registers"
ALDER = "alder-valley-water-board-approves-tiered-rates"
EASTBROOK = "eastbrook-council-election-turnout-by-ward"


def admin(method: str, route: str, **kwargs: Any) -> requests.Response:
    """A request to the test Ghost's Admin API, as the test integration."""
    key_id, secret = GHOST["GHOST_TEST_ADMIN_KEY"].split(":")
    now = int(time.time())
    token = jwt.encode(
        {"iat": now, "exp": now + 300, "aud": "/admin/"}, bytes.fromhex(secret), "HS256", headers={"kid": key_id}
    )
    headers = {"Authorization": f"Ghost {token}", "Accept-Version": "v5.0"}
    url = f"{GHOST['GHOST_TEST_URL']}/ghost/api/admin{route}"
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def posts(slug_start: str) -> list[dict[str, Any]]:
    """The posts whose slug starts with `slug_start`, whatever their status."""
    response = admin("GET", "/posts/", params={"filter": f"slug:~^'{slug_start}'", "limit": "all", "formats": "html"})
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()["posts"]
    return found


def json_ld_scripts(page: str) -> list[Any]:
    return [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)]


def between_tags(markup: str) -> str:
    """`markup` without the white space between its elements."""
    return re.sub(r">\s+<", "><", markup.strip())


def post(slug: str) -> dict[str, Any]:
    (only,) = [p for p in posts(slug) if p["slug"] == slug]
    return only


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The demo with a Ghost endpoint, its slugs made unique to this test run."""
    root, prefix = demo_with_endpoint(
        tmp_path,
        "g",
        '[[endpoints]]\nname = "ghost"\ntype = "ghost"\nchannel = "community-web"\n'
        f'url = "{GHOST["GHOST_TEST_URL"]}"\nadmin_key_env = "TEST_GHOST_KEY"\n',
    )
    monkeypatch.setenv("TEST_GHOST_KEY", GHOST["GHOST_TEST_ADMIN_KEY"])
    return root, prefix


def push(run_cli: Any, root: Path, *args: str) -> Any:
    return run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "ghost", *args)


def test_push_edit_and_retract(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    first = push(run_cli, root)
    assert first.status == 0, first.err
    assert first.out.count("created") == 3
    harbour = post(prefix + HARBOUR)
    assert harbour["status"] == "published"
    assert harbour["title"].startswith("Port Carrow Library Begins")
    assert harbour["published_at"].startswith("2026-09-24T00:00:00")
    # the copy as it is, in an HTML card: the body, and the attribution block (the byline, the link to
    # the original, the licence)
    assert run_cli("--config", str(root / "syndicate.toml"), "push", "--endpoint", "archive").status == 0
    folder_copy = (root / "out" / "archive" / f"{prefix}{HARBOUR}.html").read_text()
    body = folder_copy.split("</h1>\n", 1)[1].split('<script type="application/ld+json">')[0]
    # (Ghost puts an empty line between the card's elements)
    assert between_tags(harbour["html"]) == between_tags(f"<!--kg-card-begin: html-->{body}<!--kg-card-end: html-->")
    assert 'class="syndicate-attribution"' in harbour["html"]
    assert "Owen Farraday" in harbour["html"] and "The Harbour Gazette" in harbour["html"]
    assert 'rel="license"' in harbour["html"]
    assert {t["name"] for t in harbour["tags"]} == {
        "Libraries",
        "Archives",
        "Local History",
        "Maritime",
        "Port Carrow",
        "North Coast",
    }
    assert harbour["authors"][0]["email"] == "syndicate@example.org"  # the site's owner, not the byline
    assert push(run_cli, root).out == ""  # nothing changed: nothing sent
    assert len(posts(prefix + HARBOUR)) == 1

    article = root / "content" / f"{ALDER}.md"
    before = post(prefix + ALDER)
    article.write_text(article.read_text().replace('title: "', 'title: "Revised: ', 1))
    edited = push(run_cli, root)
    assert edited.out.startswith(f"updated {prefix}{ALDER}"), edited.err
    after = post(prefix + ALDER)
    assert after["id"] == before["id"] and after["title"].startswith("Revised: ")

    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    retracted = run_cli("--config", str(root / "syndicate.toml"), "push")
    assert retracted.status == 0, retracted.err
    assert posts(prefix + ALDER) == []
    assert admin("GET", f"/posts/{after['id']}/").status_code == 404  # deleted


def test_the_head_carries_json_ld_licence_and_canonical(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    make_seed_ready(root)
    assert run_cli("--config", str(root / "syndicate.toml"), "push").status == 0
    seed = post(prefix + SEED)
    head = seed["codeinjection_head"]
    (expected,) = json_ld_scripts((root / "out" / "archive" / f"{prefix}{SEED}.html").read_text())
    (sent,) = json_ld_scripts(head)
    assert sent == expected and expected["license"]["text"] == SEED_TERMS
    harbour = post(prefix + HARBOUR)
    assert (
        '<link rel="license" href="https://creativecommons.org/licenses/by-nc-nd/4.0/">'
        in harbour["codeinjection_head"]
    )
    assert harbour["canonical_url"].startswith("https://coastal-wire.example.net/")
    assert "noindex" not in harbour["codeinjection_head"]
    # the public page shows them all
    page = requests.get(harbour["url"], timeout=30)
    page.raise_for_status()
    assert 'rel="canonical" href="https://coastal-wire.example.net/' in page.text
    assert '<link rel="license" href="https://creativecommons.org/licenses/by-nc-nd/4.0/">' in page.text
    assert 'class="syndicate-attribution"' in page.text


@pytest.mark.parametrize("policy", ["copy", "noindex"])
def test_the_canonical_policy(run_cli: Any, site: tuple[Path, str], policy: str) -> None:
    root, prefix = site
    assert push(run_cli, root).status == 0
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + f'canonical = "{policy}"\n')
    # the policy changed: each copy is sent again, once
    planned = run_cli("--config", str(config), "plan", "--endpoint", "ghost")
    actions = [line.split()[0] for line in planned.out.splitlines() if not line.startswith("skipped")]
    assert actions == ["update"] * 3, planned.out
    assert push(run_cli, root).status == 0
    harbour = post(prefix + HARBOUR)
    if policy == "copy":
        assert harbour["canonical_url"] is None
        assert "noindex" not in harbour["codeinjection_head"]
    else:
        assert harbour["canonical_url"].startswith("https://coastal-wire.example.net/")
        assert '<meta name="robots" content="noindex">' in harbour["codeinjection_head"]
    assert push(run_cli, root).out == ""


def test_draft_again_unpublishes_and_ready_again_republishes_the_same_post(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    root, prefix = site
    article = root / "content" / f"{ALDER}.md"
    assert push(run_cli, root).status == 0
    first = post(prefix + ALDER)
    article.write_text(article.read_text().replace("status: ready", "status: draft"))
    down = push(run_cli, root)
    assert down.status == 0, down.err
    assert post(prefix + ALDER)["status"] == "draft"
    article.write_text(article.read_text().replace("status: draft", "status: ready"))
    back = push(run_cli, root)
    assert back.status == 0, back.err
    again = post(prefix + ALDER)
    assert (again["id"], again["status"]) == (first["id"], "published")
    assert len(posts(prefix + ALDER)) == 1


def test_status_draft_from_config(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + 'status = "draft"\n')
    assert push(run_cli, root).status == 0
    assert post(prefix + HARBOUR)["status"] == "draft"


def test_interrupted_create_is_found_and_never_duplicated(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    assert push(run_cli, root).status == 0
    made = post(prefix + ALDER)
    state = load_config(root / "syndicate.toml").paths.state
    with Ledger(state) as ledger:  # as if the run had died after Ghost created the post
        ledger._db.execute("DELETE FROM deliveries WHERE article = ?", (prefix + ALDER,))
        ledger.begin_attempt(prefix + ALDER, "ghost", "create", "k" * 32)
    again = push(run_cli, root)
    assert again.out.startswith(f"created {prefix}{ALDER}"), again.err
    assert [p["id"] for p in posts(prefix + ALDER)] == [made["id"]]
    with Ledger(state) as ledger:
        delivery = ledger.get(prefix + ALDER, "ghost")
    assert delivery is not None and delivery.remote_id == made["id"]  # the Ghost post id


def test_a_post_of_the_sites_own_with_the_same_slug_is_never_taken_over(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    theirs = admin(
        "POST",
        "/posts/",
        json={"posts": [{"title": "The partner's own story", "slug": prefix + ALDER, "status": "published"}]},
    )
    theirs.raise_for_status()
    assert push(run_cli, root).status == 0
    ours = [p for p in posts(prefix + ALDER) if p["id"] != theirs.json()["posts"][0]["id"]]
    assert len(ours) == 1 and ours[0]["slug"] == prefix + ALDER + "-2"
    shutil.rmtree(root / ".syndicate")  # the whole state lost: ours is found by its marker
    assert push(run_cli, root).status == 0
    # an editor changes our post's slug: it is still ours, found by its marker after a lost ledger
    current = admin("GET", f"/posts/{ours[0]['id']}/").json()["posts"][0]
    renamed = {"posts": [{"slug": prefix + "renamed-by-an-editor", "updated_at": current["updated_at"]}]}
    admin("PUT", f"/posts/{ours[0]['id']}/", json=renamed).raise_for_status()
    shutil.rmtree(root / ".syndicate")
    assert push(run_cli, root).status == 0
    assert {p["id"] for p in posts(prefix + ALDER)} == {ours[0]["id"], theirs.json()["posts"][0]["id"]}
    assert post(prefix + ALDER)["title"] == "The partner's own story"


def test_a_wrong_key_fails_clearly_without_showing_it(
    run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, prefix = site
    key_id, _ = GHOST["GHOST_TEST_ADMIN_KEY"].split(":")
    wrong = "cd" * 32
    monkeypatch.setenv("TEST_GHOST_KEY", f"{key_id}:{wrong}")
    result = push(run_cli, root)
    assert result.status == 1
    assert "endpoint 'ghost'" in result.err and "HTTP 401" in result.err
    assert "check TEST_GHOST_KEY" in result.err
    assert wrong not in result.err + result.out
    assert posts(prefix) == []


def test_a_server_that_is_down_fails_transiently(run_cli: Any, site: tuple[Path, str]) -> None:
    root, _ = site
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    config = root / "syndicate.toml"
    config.write_text(config.read_text().replace(GHOST["GHOST_TEST_URL"], f"http://127.0.0.1:{port}"))
    result = push(run_cli, root)
    assert result.status == 1
    assert "Connection refused" in result.err or "connection refused" in result.err, result.err
    assert "GHOST_TEST" not in result.err and GHOST["GHOST_TEST_ADMIN_KEY"].split(":")[1] not in result.err


def test_the_licence_keeps_copies_from_a_print_ghost(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    config = root / "syndicate.toml"
    config.write_text(config.read_text().replace('"ghost"\nchannel = "community-web"', '"ghost"\nchannel = "print"'))
    result = push(run_cli, root)
    assert result.status == 1
    assert "license-refused endpoint 'ghost' is named, but all-rights-reserved does not allow print" in result.err
    assert posts(prefix + EASTBROOK) == [] and posts(prefix + HARBOUR) == []  # CC BY-NC-ND: community web only
    assert len(posts(prefix + ALDER)) == 1  # CC BY-ND: any channel


@contextmanager
def proxy(target: str, before: Callable[[str, str, list[str]], bool]) -> Iterator[tuple[str, list[str]]]:
    """A proxy on 127.0.0.1 in front of the test Ghost: yields its URL and the methods it passed on.
    `before(method, path, passed)` runs as each request arrives; when it says False, the request
    reaches Ghost but the proxy closes the connection without an answer (one that never came back)."""
    passed: list[str] = []
    hop_by_hop = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}

    class Handler(BaseHTTPRequestHandler):
        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answered = before(self.command, self.path, passed)
            passed.append(self.command)
            sent = {k: v for k, v in self.headers.items() if k.lower() not in hop_by_hop}
            answer = requests.request(
                self.command, target + self.path, headers=sent, data=body, allow_redirects=False, timeout=30
            )
            if not answered:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in hop_by_hop:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_DELETE = forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", passed
    finally:
        server.shutdown()
        server.server_close()


def through(root: Path, url: str) -> None:
    """The site's Ghost endpoint sent to `url`."""
    config = root / "syndicate.toml"
    config.write_text(config.read_text().replace(f'url = "{GHOST["GHOST_TEST_URL"]}"', f'url = "{url}"'))


def editor_saves_before_the_first_put(method: str, path: str, passed: list[str]) -> bool:
    """Before the first PUT of a post reaches Ghost, an editor saves that post (between syndicate's
    read and its write): Ghost answers the PUT with its real 409 UpdateCollisionError."""
    if method == "PUT" and "PUT" not in passed:
        time.sleep(1.1)  # Ghost keeps updated_at to the second: a save within the same second looks like none
        post_id = path.split("/posts/")[1].split("/")[0]
        current = admin("GET", f"/posts/{post_id}/").json()["posts"][0]
        edit = {"posts": [{"custom_excerpt": "An editor's excerpt", "updated_at": current["updated_at"]}]}
        admin("PUT", f"/posts/{post_id}/", json=edit).raise_for_status()
    return True


def test_a_create_whose_answer_never_came_back_is_found_on_the_retry(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    article = root / "content" / f"{HARBOUR}.md"
    article.write_text(article.read_text().replace("status: ready", "status: draft"))  # one article less

    def lose_the_first_answer_to_a_post(method: str, path: str, passed: list[str]) -> bool:
        return method != "POST" or "POST" in passed

    with proxy(GHOST["GHOST_TEST_URL"], lose_the_first_answer_to_a_post) as (url, passed):
        through(root, url)
        result = push(run_cli, root)
    assert result.status == 0, result.err
    # the first create reached Ghost, its answer was lost; the retry found the post and updated it
    assert passed.count("POST") == 2 and "PUT" in passed
    assert len(posts(prefix + ALDER)) == 1 and len(posts(prefix + EASTBROOK)) == 1


def test_an_update_colliding_with_an_editor_is_read_again_and_sent_once_more(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    root, prefix = site
    assert push(run_cli, root).status == 0
    article = root / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Corrected: ', 1))
    with proxy(GHOST["GHOST_TEST_URL"], editor_saves_before_the_first_put) as (url, seen):
        through(root, url)
        result = push(run_cli, root)
    assert result.status == 0, result.err
    assert result.out.startswith(f"updated {prefix}{ALDER}")
    assert seen == ["GET", "PUT", "GET", "PUT"]  # read, refused (409), read again, saved
    assert post(prefix + ALDER)["title"].startswith("Corrected: ")


def test_an_emptied_ledger_is_rebuilt_from_ghost_and_nothing_is_posted_twice(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    root, prefix = site
    config = str(root / "syndicate.toml")
    assert push(run_cli, root).status == 0
    before = {p["id"] for p in posts(prefix)}
    assert len(before) == 3
    load_config(root / "syndicate.toml").paths.state.write_bytes(b"")
    rebuilt = run_cli("-v", "--config", config, "reconcile")
    assert rebuilt.status == 0, rebuilt.err
    assert f"found              {prefix}{ALDER} -> ghost: " in rebuilt.out
    again = push(run_cli, root)
    assert again.status == 0, again.err
    assert "created" not in again.out
    assert {p["id"] for p in posts(prefix)} == before


def test_what_is_longer_than_ghost_takes_is_cut(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    article = root / "content" / f"{ALDER}.md"
    long_tag = "Water " * 40
    text = article.read_text().replace('title: "', 'title: "' + "Very long " * 30, 1)
    article.write_text(text.replace("tags:\n", f"tags:\n  - {long_tag.strip()}\n", 1))
    assert run_cli("-q", "--config", str(root / "syndicate.toml"), "validate", str(article)).status == 0
    pushed = push(run_cli, root)
    assert pushed.status == 0, pushed.err
    alder = post(prefix + ALDER)
    assert len(alder["title"]) == 255 and alder["title"].endswith("…")
    assert any(len(tag["name"]) == 191 and tag["name"].endswith("…") for tag in alder["tags"])


def test_a_slug_longer_than_ghost_takes_is_cut_and_still_found(run_cli: Any, site: tuple[Path, str]) -> None:
    root, prefix = site
    article = root / "content" / f"{ALDER}.md"
    slug = (prefix + ALDER + "-and-more" * 20)[:200]
    article.write_text(article.read_text().replace(f"slug: {prefix}{ALDER}", f"slug: {slug}"))
    assert push(run_cli, root).status == 0
    (made,) = posts(slug[:185].rstrip("-"))
    assert slug.startswith(made["slug"]) and len(made["slug"]) <= 185
    shutil.rmtree(root / ".syndicate")  # found again by its cut slug and its marker: no second post
    assert push(run_cli, root).status == 0
    assert [p["id"] for p in posts(slug[:185].rstrip("-"))] == [made["id"]]


def test_audit_finds_ghost_copies_whole_whatever_ghost_tags_their_links_with(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    """Ghost adds ?ref=SITE to every outbound link of a post by default (outbound link tagging): the
    link to the original is still that link. The JSON-LD in the code injection reaches the page."""
    root, prefix = site
    config = root / "syndicate.toml"
    config.write_text(config.read_text() + "\n[audit]\nper_host_interval = 0\n")
    assert push(run_cli, root).status == 0
    harbour = post(prefix + HARBOUR)
    page = requests.get(harbour["url"], timeout=30).text
    assert "harbour-gazette.example.com/news/2026/09/24/library-digitises-shipping-registers/?ref=" in page
    audited = run_cli("-v", "--config", str(config), "audit", "--endpoint", "ghost")
    assert audited.status == 0, audited.out + audited.err
    assert f"{harbour['url']}: ok ({prefix}{HARBOUR} at ghost)" in audited.out
    assert "jsonld-stripped" not in audited.out and " 0 violate" in audited.out + audited.err


def test_another_newsrooms_copy_of_the_same_slug_is_never_taken_over(run_cli: Any, site: tuple[Path, str]) -> None:
    """Two newsrooms republish the same story to one partner's Ghost: each finds only its own post."""
    root, prefix = site
    config = root / "syndicate.toml"
    assert push(run_cli, root).status == 0
    first = post(prefix + ALDER)
    config.write_text(config.read_text().replace("https://review.example.org/", "https://other.example.net/", 1))
    shutil.rmtree(root / ".syndicate")  # the other newsroom has no ledger of ours
    second = push(run_cli, root)
    assert second.status == 0, second.err
    assert second.out.count("created") == 3
    both = posts(prefix + ALDER)
    assert len(both) == 2 and first["id"] in {p["id"] for p in both}
    assert admin("GET", f"/posts/{first['id']}/").json()["posts"][0]["updated_at"] == first["updated_at"]
