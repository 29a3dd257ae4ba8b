"""Licence decisions: every profile x channel, grants (valid, expired, scoped), permission requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from syndicate.config import Site
from syndicate.licences.gate import decide, our_publication, permission_request
from syndicate.licences.profiles import CHANNELS, load_registry

REGISTRY = load_registry()
TODAY = dt.date(2026, 11, 26)
ALL = set(CHANNELS)
NC = {"community-web"}

#: what each shipped profile allows without asking: the table the licence texts justify
EXPECTED_CHANNELS: dict[str, set[str]] = {
    "CC0-1.0": ALL,
    "public-domain": ALL,
    "CC-BY-4.0": ALL,
    "CC-BY-SA-4.0": ALL,
    "CC-BY-ND-4.0": ALL,
    "CC-BY-3.0": ALL,
    "CC-BY-SA-3.0": ALL,
    "CC-BY-ND-3.0": ALL,
    "CC-BY-NC-4.0": NC,
    "CC-BY-NC-SA-4.0": NC,
    "CC-BY-NC-ND-4.0": NC,
    "CC-BY-NC-3.0": NC,
    "CC-BY-NC-SA-3.0": NC,
    "CC-BY-NC-ND-3.0": NC,
    # the national ports SPDX lists (the importer gives these ids), the same terms as the unported licence
    **dict.fromkeys(
        ["CC-BY-2.5-AU", "CC-BY-3.0-AT", "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-NL", "CC-BY-3.0-US"], ALL
    ),
    **dict.fromkeys(["CC-BY-SA-3.0-AT", "CC-BY-SA-3.0-DE", "CC-BY-ND-3.0-DE"], ALL),
    **dict.fromkeys(["CC-BY-NC-3.0-DE", "CC-BY-NC-SA-3.0-DE", "CC-BY-NC-ND-3.0-DE"], NC),
    "globalresearch-crosspost": NC,
    "all-rights-reserved": set(),
    "custom": set(),
}

ARTICLE: dict[str, Any] = {
    "title": "Turkey Has Agreed to Buy Russia's S-400",
    "authors": [{"name": "Defend Democracy Press"}],
    "source": {"name": "Global Research", "url": "https://gr.example.org/s400"},
    "copyright": {"holder": "Defend Democracy Press", "year": 2017},
    "license": {"id": "globalresearch-crosspost", "contact": "publications@globalresearch.ca"},
}


def test_every_shipped_profile_is_in_the_table() -> None:
    assert {p.id for p in REGISTRY} == set(EXPECTED_CHANNELS)


@pytest.mark.parametrize(("license_id", "channel"), [(lid, ch) for lid in sorted(EXPECTED_CHANNELS) for ch in CHANNELS])
def test_profile_channel_decision(license_id: str, channel: str) -> None:
    profile = REGISTRY.get(license_id)
    assert profile is not None
    decision = decide(ARTICLE, profile, channel, "partner", TODAY)
    assert decision.allowed is (channel in EXPECTED_CHANNELS[license_id])
    assert license_id in decision.reason
    assert channel in decision.reason
    if not decision.allowed:
        assert "ask publications@globalresearch.ca" in decision.reason


def with_grant(**grant: Any) -> dict[str, Any]:
    base = {"channels": ["commercial-web"], "from": "publications@globalresearch.ca", "date": "2026-01-10"}
    return {**ARTICLE, "license": {**ARTICLE["license"], "grants": [{**base, **grant}]}}


@pytest.mark.parametrize(
    ("grant", "endpoint", "allowed"),
    [
        ({}, "partner", True),
        ({"expires": "2026-12-31"}, "partner", True),
        ({"expires": "2026-11-26"}, "partner", True),  # valid through its last day
        ({"expires": "2026-11-25"}, "partner", False),
        ({"endpoints": ["partner"]}, "partner", True),
        ({"endpoints": ["partner"]}, "other", False),
        ({"channels": ["print"]}, "partner", False),
    ],
)
def test_grants(grant: dict[str, Any], endpoint: str, allowed: bool) -> None:
    profile = REGISTRY.get("globalresearch-crosspost")
    assert profile is not None
    decision = decide(with_grant(**grant), profile, "commercial-web", endpoint, TODAY)
    assert decision.allowed is allowed
    if allowed:
        assert decision.grant is not None
        assert "granted by publications@globalresearch.ca on 2026-01-10" in decision.reason
    elif "channels" not in grant:
        assert "expired or does not cover this endpoint" in decision.reason


def test_contact_falls_back_to_the_copyright_holder() -> None:
    profile = REGISTRY.get("all-rights-reserved")
    assert profile is not None
    article = {**ARTICLE, "license": {"id": "all-rights-reserved"}}
    decision = decide(article, profile, "community-web", None, TODAY)
    assert not decision.allowed
    assert decision.contact == "the copyright holder (Defend Democracy Press)"


def test_permission_request_is_ready_to_send() -> None:
    profile = REGISTRY.get("globalresearch-crosspost")
    assert profile is not None
    decision = decide(ARTICLE, profile, "print", "paper", TODAY)
    site = Site("Community Review", "https://review.example.org/", "community-web")
    text = permission_request(ARTICLE, profile, decision, site, our_publication(site, "print"))
    assert text.startswith(
        "To: publications@globalresearch.ca\nSubject: Permission to republish Turkey Has Agreed to Buy Russia's S-400\n"
    )
    assert '"Turkey Has Agreed to Buy Russia\'s S-400" by Defend Democracy Press' in text
    assert "(Global Research, https://gr.example.org/s400), © 2017 Defend Democracy Press" in text
    assert "We would like to republish this article for our print edition, Community Review:\n" in text
    assert "allows: non-commercial community web sites; not print publications. We therefore ask" in text
    assert "link to the original article" in text
    assert text.endswith("Thank you,\nCommunity Review\nhttps://review.example.org/\n")


def test_a_request_names_our_publication_as_a_rights_desk_would() -> None:
    site = Site("Daily Example", "https://daily.example.com/", "commercial-web")
    assert our_publication(site, "commercial-web") == "our commercial website, Daily Example"
    assert our_publication(site, "newsletter", "our morning briefing") == "our morning briefing, Daily Example"
    assert our_publication(site, "print", "the Daily Example weekend edition") == "the Daily Example weekend edition"
    assert our_publication(None, "social") == "our social-media accounts"


def test_every_licence_id_the_importer_gives_has_a_profile() -> None:
    from syndicate.importer.licensing import SPDX_PORTS

    assert not SPDX_PORTS - {p.id for p in REGISTRY}


@pytest.mark.parametrize(
    ("license_id", "short"),
    [
        ("CC-BY-ND-4.0", "CC BY-ND 4.0"),
        ("CC0-1.0", "CC0 1.0"),
        ("CC-BY-NC-SA-3.0-DE", "CC BY-NC-SA 3.0 DE"),
        ("CC-BY-2.5-AU", "CC BY 2.5 AU"),
    ],
)
def test_short_name_as_creative_commons_asks(license_id: str, short: str) -> None:
    profile = REGISTRY.get(license_id)
    assert profile is not None and profile.short_name == short


def test_a_national_port_keeps_its_conditions() -> None:
    ported, unported = REGISTRY.get("CC-BY-NC-ND-3.0-DE"), REGISTRY.get("CC-BY-NC-ND-3.0")
    assert ported is not None and unported is not None
    assert (ported.conditions, ported.channels) == (unported.conditions, unported.channels)
    assert ported.url == "https://creativecommons.org/licenses/by-nc-nd/3.0/de/"
