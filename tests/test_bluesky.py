"""The bluesky endpoint, through the CLI, against a real PDS (@atproto/pds) on 127.0.0.1
(scripts/bluesky-pds-test-server.sh). Outside CI these tests skip, saying why, when no PDS runs."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests

from syndicate.config import load_config
from syndicate.delivery.endpoints.bluesky import record_key
from syndicate.delivery.endpoints.social_text import graphemes
from syndicate.delivery.ledger import Ledger
from tests.conftest import DEMO
from tests.test_mastodon import crash_after_sending

#: the demo site's [site] url, part of each record key
DEMO_SITE = "https://review.example.org/"
ENV_FILE = Path(os.environ.get("BSKY_TEST_ENV_FILE", "/tmp/syndicate-bsky.env"))
ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"


def _pds() -> dict[str, str] | None:
    if not ENV_FILE.is_file():
        return None
    details = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    try:
        requests.get(details["BSKY_TEST_URL"] + "/xrpc/_health", timeout=5).raise_for_status()
    except (KeyError, requests.RequestException):
        return None
    return details


FOUND = _pds()
if FOUND is None:
    reason = f"no test PDS answers (start it: scripts/bluesky-pds-test-server.sh; env file {ENV_FILE})"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)
PDS: dict[str, str] = FOUND or {}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The demo with a bluesky endpoint of a name of its own (so its record keys are this test's)."""
    root = shutil.copytree(DEMO, tmp_path / "site", ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    name = "sky-" + secrets.token_hex(4)
    config = root / "syndicate.toml"
    config.write_text(
        config.read_text() + f'\n[[endpoints]]\nname = "{name}"\ntype = "bluesky"\nurl = "{PDS["BSKY_TEST_URL"]}"\n'
        f'handle = "{PDS["BSKY_TEST_HANDLE"]}"\napp_password_env = "TEST_BSKY_PASSWORD"\nhashtags = true\n'
        'language = "en"\n'
    )
    monkeypatch.setenv("TEST_BSKY_PASSWORD", PDS["BSKY_TEST_APP_PASSWORD"])
    return config, name


def record(endpoint: str, slug: str) -> dict[str, Any] | None:
    answer = requests.get(
        PDS["BSKY_TEST_URL"] + "/xrpc/com.atproto.repo.getRecord",
        params={
            "repo": PDS["BSKY_TEST_DID"],
            "collection": "app.bsky.feed.post",
            "rkey": record_key(DEMO_SITE, endpoint, slug),
        },
        timeout=10,
    )
    if answer.status_code == 400 and answer.json().get("error") == "RecordNotFound":
        return None
    answer.raise_for_status()
    found: dict[str, Any] = answer.json()
    return found


def posts_linking_to(fragment: str) -> list[dict[str, Any]]:
    """Every post of the account whose card links to an address holding `fragment`."""
    answer = requests.get(
        PDS["BSKY_TEST_URL"] + "/xrpc/com.atproto.repo.listRecords",
        params={"repo": PDS["BSKY_TEST_DID"], "collection": "app.bsky.feed.post", "limit": "100"},
        timeout=10,
    )
    answer.raise_for_status()
    return [r for r in answer.json()["records"] if fragment in str(r["value"].get("embed", ""))]


def push(run_cli: Any, config: Path, name: str) -> Any:
    return run_cli("--config", str(config), "push", "--endpoint", name)


def test_create_edit_retract(run_cli: Any, site: tuple[Path, str]) -> None:
    config, name = site
    first = push(run_cli, config, name)
    assert first.status == 0, first.err
    assert first.out.startswith(f"created {ALDER} -> {name}: https://bsky.app/profile/{PDS['BSKY_TEST_DID']}/post/")
    post = record(name, ALDER)
    assert post is not None
    value = post["value"]
    link = "https://riverside-ledger.example.org/2026/09/alder-valley-water-board-approves-tiered-rates/"
    assert value["text"] == (
        "Alder Valley Water Board Approves Tiered Rates to Pay for Pipe Replacement\n\n"
        f"via The Riverside Ledger, © 2026 The Riverside Ledger · CC BY-ND 4.0\n{link}\n\n"
        "#Water #Utilities #LocalGovernment #Infrastructure"
    )
    data = value["text"].encode("utf-8")
    link_facet, *tag_facets = value["facets"]
    index = link_facet["index"]
    assert data[index["byteStart"] : index["byteEnd"]].decode() == link
    assert link_facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": link}]
    assert [f["features"][0]["tag"] for f in tag_facets] == ["Water", "Utilities", "LocalGovernment", "Infrastructure"]
    assert value["embed"]["external"]["uri"] == link and value["langs"] == ["en"]
    assert record(name, HARBOUR) is None  # CC BY-NC-ND: its licence refuses the social channel
    assert push(run_cli, config, name).out == ""

    article = config.parent / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Revised: ', 1))
    assert push(run_cli, config, name).out.startswith(f"updated {ALDER}")
    edited = record(name, ALDER)
    assert edited is not None and edited["uri"] == post["uri"]
    assert edited["value"]["text"].startswith("Revised: ") and edited["cid"] != post["cid"]
    assert edited["value"]["createdAt"] == value["createdAt"]

    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert push(run_cli, config, name).status == 0
    assert record(name, ALDER) is None


def test_a_crash_after_the_post_makes_no_second_post(
    run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, name = site
    token = secrets.token_hex(6)
    config.write_text(config.read_text() + f'link = "https://review.example.org/{token}/{{slug}}/"\n')

    crash_after_sending(monkeypatch, lambda: push(run_cli, config, name))
    assert len(posts_linking_to(token)) == 1
    again = push(run_cli, config, name)
    assert again.status == 0, again.err
    assert len(posts_linking_to(token)) == 1
    # a lost ledger: reconcile finds the post at its record key, and nothing is posted twice
    (config.parent / ".syndicate" / "state.db").unlink()
    assert run_cli("--config", str(config), "reconcile").status == 0
    assert push(run_cli, config, name).status == 0
    assert len(posts_linking_to(token)) == 1


def test_server_down_and_bad_credentials(run_cli: Any, site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    config, name = site
    text = config.read_text()
    config.write_text(text.replace(PDS["BSKY_TEST_URL"], "http://127.0.0.1:9"))
    down = push(run_cli, config, name)
    assert down.status == 1 and f"endpoint '{name}'" in down.err and "127.0.0.1:9" in down.err
    with Ledger(load_config(config).paths.state) as ledger:
        row = ledger.get(ALDER, name)
        assert row is not None and row.state == "failed" and row.next_attempt_at
    config.write_text(text)
    monkeypatch.setenv("TEST_BSKY_PASSWORD", "wrong-app-password-value")
    wrong = push(run_cli, config, name)
    assert wrong.status == 1
    assert "answered HTTP 401" in wrong.err and "check the handle 'syndicate.test' and TEST_BSKY_PASSWORD" in wrong.err
    assert "wrong-app-password-value" not in wrong.err + wrong.out
    monkeypatch.delenv("TEST_BSKY_PASSWORD")
    missing = push(run_cli, config, name)
    assert missing.status == 2 and "the environment variable TEST_BSKY_PASSWORD is not set" in missing.err
    assert record(name, ALDER) is None


def test_a_long_headline_is_cut_to_300_graphemes_and_an_unfitting_post_refused(
    run_cli: Any, site: tuple[Path, str]
) -> None:
    config, name = site
    article = config.parent / "content" / f"{ALDER}.md"
    original = article.read_text()
    article.write_text(original.replace('title: "', 'title: "' + "Ünïcödé 港口 👨‍👩‍👧‍👦 " * 30, 1))
    assert push(run_cli, config, name).status == 0
    post = record(name, ALDER)
    assert post is not None
    text = post["value"]["text"]
    assert graphemes(text) <= 300 and "…\n\nvia The Riverside Ledger" in text
    index = post["value"]["facets"][0]["index"]
    assert text.encode()[index["byteStart"] : index["byteEnd"]].decode().startswith("https://riverside-ledger")

    article.write_text(original.replace("  holder: The Riverside Ledger\n", "  holder: " + "Riverside " * 30 + "\n", 1))
    refused = push(run_cli, config, name)
    assert refused.status == 1
    assert "the post cannot fit its limit (300 graphemes): the attribution and the link alone take" in refused.err


def test_without_a_card_and_a_changed_setting_edits_each_post_once(run_cli: Any, site: tuple[Path, str]) -> None:
    config, name = site
    assert push(run_cli, config, name).status == 0
    post = record(name, ALDER)
    assert post is not None and "embed" in post["value"]
    config.write_text(config.read_text() + "card = false\n")
    assert push(run_cli, config, name).out.startswith(f"updated {ALDER}")
    after = record(name, ALDER)
    assert after is not None and "embed" not in after["value"] and after["uri"] == post["uri"]
    assert push(run_cli, config, name).out == ""
