"""README documents every finding code, command and option (as sqlite-utils' docs tests do)."""

from __future__ import annotations

import re

import click
import pytest

import syndicate.cli.main  # noqa: F401  (every command module registers its commands on the group)
from syndicate.cli.app import cli
from syndicate.findings import Code
from syndicate.schemas import load_schema
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("code", sorted(v for k, v in vars(Code).items() if k.isupper()))
def test_every_finding_code_is_in_the_table(code: str) -> None:
    assert re.search(rf"^\| `{re.escape(code)}` \|", README, re.MULTILINE), f"README's finding codes lack {code}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_shown(name: str) -> None:
    assert f"syndicate {name}" in README


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, option)
        for name in COMMANDS
        for parameter in cli.commands[name].params
        if isinstance(parameter, click.Option) and not parameter.hidden
        for option in parameter.opts
        if option.startswith("--") and option != "--help"
    ],
)
def test_every_option_is_mentioned(name: str, option: str) -> None:
    assert option in README, f"README does not mention {name} {option}"


def _subsections(section: str) -> dict[str, str]:
    """The `### heading` subsections of a `## section` of README: heading -> text."""
    text = README.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _config_keys() -> list[tuple[str, str]]:
    """(README heading, key) for every key of schemas/config.schema.json."""
    schema = load_schema("config")
    headings = {"site": "`[site]` (required)", "paths": "`[paths]`", "feeds": "`[feeds]`", "run": "`[run]`"}
    headings |= {"limits": "`[limits]`", "audit": "`[audit]`", "status": "`[status]`", "ledger": "`[ledger]`"}
    keys = [
        (headings[table], key)
        for table, part in schema["properties"].items()
        if table != "endpoints"
        for key in part["properties"]
    ]
    assert {t for t in schema["properties"] if t != "endpoints"} == set(headings)
    endpoint = schema["$defs"]["endpoint"]
    keys += [("`[[endpoints]]`: every type", key) for key in endpoint["properties"]]
    for branch in endpoint["allOf"]:
        kind = branch["if"]["properties"]["type"].get("const")
        if kind is None:  # a rule of several types (mastodon and bluesky need no channel), no keys of its own
            continue
        keys += [(f'`type = "{kind}"`', key) for key in branch["then"]["properties"]]
    return keys


@pytest.mark.parametrize(("heading", "key"), _config_keys())
def test_every_config_key_is_in_the_configuration_reference(heading: str, key: str) -> None:
    sections = _subsections("Configuration")
    assert heading in sections, f"README's Configuration has no ### {heading}"
    assert f"\n| `{key}` |" in sections[heading], f"README's Configuration, {heading}, lacks {key}"


@pytest.mark.parametrize("key", sorted(load_schema("article")["$defs"]["grant"]["properties"]))
def test_every_grant_key_is_in_the_configuration_reference(key: str) -> None:
    grants = _subsections("Configuration")["Grants, in an article's front matter"]
    assert f"\n| `{key}` |" in grants and f"{key}:" in grants
