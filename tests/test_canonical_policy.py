"""The endpoint's canonical policy (config `canonical`): what folder copies tell search engines, and
that changing the policy sends each copy again once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.loopback import recording_server

HARBOUR = "harbour-library-digitises-shipping-registers"
ORIGINAL = '<link rel="canonical" href="'
NOINDEX = '<meta name="robots" content="noindex">'


def set_policy(site: Path, policy: str) -> None:
    """`canonical = POLICY` on the demo's folder endpoint (its first endpoint)."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace("[[endpoints]]\n", f'[[endpoints]]\ncanonical = "{policy}"\n', 1))


def head(site: Path) -> str:
    page = (site / "out" / "archive" / f"{HARBOUR}.html").read_text()
    return page[: page.index("</head>")]


@pytest.mark.parametrize(
    ("policy", "canonical_link", "noindex"),
    [("original", True, False), ("copy", False, False), ("noindex", True, True)],
)
def test_each_policy_in_the_copy_head(
    run_cli: Any, site: Path, policy: str, canonical_link: bool, noindex: bool
) -> None:
    set_policy(site, policy)
    assert run_cli("--config", str(site / "syndicate.toml"), "push").status == 0
    assert (ORIGINAL in head(site)) is canonical_link
    assert (NOINDEX in head(site)) is noindex


def test_a_changed_policy_resends_each_copy_once(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "push").status == 0
    set_policy(site, "noindex")
    pushed = run_cli("--config", config, "push")
    assert pushed.status == 0 and pushed.out.count("updated") == 3
    assert NOINDEX in head(site)
    assert run_cli("--config", config, "push").out == ""


def test_an_unknown_policy_is_a_configuration_error(run_cli: Any, site: Path) -> None:
    set_policy(site, "canon")
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 2
    assert "canonical" in result.err and "original" in result.err


def test_a_webhook_payload_carries_the_policy_and_a_new_one_resends_once(run_cli: Any, site: Path) -> None:
    """The receiver learns the policy from the payload (`copy.canonical`, absent for the default
    "original", so that default payloads are as they were); a changed policy sends each copy once."""
    config_file = site / "syndicate.toml"
    config = ["--config", str(config_file)]
    with recording_server() as hook:
        config_file.write_text(
            config_file.read_text() + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
            f'url = "{hook.url}"\n'
        )
        assert run_cli(*config, "push").status == 0
        sent = [json.loads(r.body) for r in hook.requests]
        assert sent and all("canonical" not in body["copy"] for body in sent)
        copies = len(sent)
        hook.requests.clear()

        config_file.write_text(
            config_file.read_text().replace('name = "hook"\n', 'name = "hook"\ncanonical = "noindex"\n')
        )
        assert run_cli(*config, "push").status == 0
        sent = [json.loads(r.body) for r in hook.requests]
        assert [(body["event"], body["copy"]["canonical"]) for body in sent] == [("update", "noindex")] * copies
        hook.requests.clear()
        assert run_cli(*config, "push").status == 0
        assert hook.requests == []
