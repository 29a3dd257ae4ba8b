"""README documents every finding code, command and option (as sqlite-utils' docs tests do)."""

from __future__ import annotations

import re

import click
import pytest

from syndicate.cli.app import cli
from syndicate.cli.main import COMMANDS as REGISTERED
from syndicate.findings import Code
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)
assert REGISTERED  # (importing main registered every command on the group)


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
