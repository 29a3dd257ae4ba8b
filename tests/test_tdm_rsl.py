"""A site's declarations for machines: the W3C TDM Reservation Protocol and an RSL 1.0 licence link.

[site] tdm_reservation, tdm_policy and rsl_license reach the folder copies (meta names, a link),
the webhook's payload, and the feeds (tdmrep.json beside them; RSL's link in every document),
which still pass the W3C validator strictly.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds.chosen import UNSPECIFIED_LICENSE
from syndicate.feeds.generate import generate_feeds
from tests.loopback import recording_server
from tests.seed import SEED, make_seed_ready
from tests.w3c import needs_feedcheck, w3c_problems

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
POLICY = "https://review.example.org/tdm-policy.json"
RSL = "https://review.example.org/license.rsl"
DECLARATIONS = f'tdm_reservation = true\ntdm_policy = "{POLICY}"\nrsl_license = "{RSL}"\n'
HARBOUR = "harbour-library-digitises-shipping-registers"


def declare(site: Path, declarations: str = DECLARATIONS) -> None:
    """`declarations` at the end of the [site] table."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace("\n[paths]", f"{declarations}\n[paths]", 1))


def build(site: Path) -> Any:
    config = load_config(site / "syndicate.toml")
    content = load_site(config, NOW.date())
    return generate_feeds(config, content.articles, content.checks, config.paths.feeds, NOW)


@pytest.mark.parametrize(
    ("declarations", "message"),
    [
        (
            f'tdm_policy = "{POLICY}"\n',
            "missing required field 'site.tdm_reservation' (hint: add 'tdm_reservation': set to true with tdm_policy",
        ),
        (
            f'tdm_reservation = false\ntdm_policy = "{POLICY}"\n',
            "site.tdm_reservation is false, not one of: true",
        ),
        ('tdm_reservation = "yes"\n', "site.tdm_reservation must be"),
        ('rsl_license = "license.rsl"\n', "site.rsl_license 'license.rsl' is not in the expected form"),
    ],
)
def test_bad_declarations_are_configuration_errors(run_cli: Any, site: Path, declarations: str, message: str) -> None:
    declare(site, declarations)
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 2
    assert message in result.err


def test_folder_copies_and_webhook_payloads_carry_the_declarations(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "push").status == 0
    page = (site / "out" / "archive" / f"{HARBOUR}.html").read_text()
    assert "tdm-reservation" not in page and "rsl+xml" not in page  # nothing declared unless the site says so
    declare(site)
    with recording_server() as hook:
        text = (site / "syndicate.toml").read_text()
        (site / "syndicate.toml").write_text(
            text + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
        )
        pushed = run_cli("--config", config, "push")
        assert pushed.status == 0, pushed.err
        payloads = [json.loads(r.body)["copy"] for r in hook.requests]
    assert pushed.out.count("updated") == 3  # the folder's copies: once each, for their new head
    page = (site / "out" / "archive" / f"{HARBOUR}.html").read_text()
    head = page[: page.index("</head>")]
    assert '<meta name="tdm-reservation" content="1">' in head
    assert f'<meta name="tdm-policy" content="{POLICY}">' in head
    assert f'<link rel="license" type="application/rsl+xml" href="{RSL}">' in head
    assert '<link rel="license" href="https://creativecommons.org/licenses/by-nc-nd/4.0/">' in head
    assert payloads and all(p["tdm"] == {"reservation": 1, "policy": POLICY} for p in payloads)
    assert all(p["rsl_license"] == RSL for p in payloads)
    assert run_cli("--config", config, "push").out == ""


def test_declaring_nothing_changes_no_copy(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "push").status == 0
    declare(site, "tdm_reservation = false\n")
    plan = run_cli("--config", config, "plan")
    assert plan.out.count("unchanged") == 3 and "update" not in plan.out


def test_tdmrep_json_is_written_beside_the_feeds_and_removed_when_no_longer_declared(site: Path) -> None:
    build(site)
    tdmrep = site / "feeds" / ".well-known" / "tdmrep.json"
    assert not tdmrep.exists()
    declare(site)
    result = build(site)
    assert tdmrep in result.written
    assert json.loads(tdmrep.read_text()) == [{"location": "/feeds/", "tdm-reservation": 1, "tdm-policy": POLICY}]
    assert tdmrep in build(site).unchanged
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace(DECLARATIONS, ""))  # no longer declared
    assert tdmrep in build(site).removed
    assert not tdmrep.exists()


def test_a_policy_is_optional_and_the_location_is_where_the_feeds_are_served(site: Path) -> None:
    declare(site, 'tdm_reservation = true\n\n[feeds]\nurl = "https://cdn.example.org/review/feeds$1"\n')
    build(site)
    tdmrep = json.loads((site / "feeds" / ".well-known" / "tdmrep.json").read_text())
    assert tdmrep == [{"location": "/review/feeds%241/", "tdm-reservation": 1}]


@needs_feedcheck
def test_feeds_link_the_rsl_licence_and_pass_the_w3c_validator_strictly(site: Path) -> None:
    make_seed_ready(site)  # an entry whose licence has no URL
    declare(site, DECLARATIONS + '\n[feeds]\nlimit = 1\nhubs = ["https://hub.example.org/"]\n')
    build(site)
    documents = sorted((site / "feeds").rglob("*.xml"))
    kinds = {p.relative_to(site / "feeds").parts[0] for p in documents}
    assert kinds == {"atom.xml", "rss.xml", "archive", "tags"}
    for path in documents:
        parsed = feedparser.parse(path.read_bytes())
        licence = [link for link in parsed.feed.get("links", []) if link.rel == "license"]
        assert [(link.href, link.type) for link in licence] == [(RSL, "application/rsl+xml")], path
        assert w3c_problems(path) is None
    seeds = feedparser.parse((site / "feeds" / "tags" / "intelligence" / "atom.xml").read_bytes()).entries
    (seed,) = [e for e in seeds if e.id.endswith(":" + SEED)]
    # RFC 4946: with no licence link, the entry would take the RSL file as its licence
    assert [link.href for link in seed.links if link.rel == "license"] == [UNSPECIFIED_LICENSE]
    harbour = feedparser.parse((site / "feeds" / "tags" / "libraries" / "atom.xml").read_bytes()).entries[0]
    assert [link.href for link in harbour.links if link.rel == "license"] == [
        "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    ]
